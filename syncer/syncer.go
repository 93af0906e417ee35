package syncer

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/qooper/hrsync/mapping"
)

// ErrEmployeeNotFound is returned through Source.Record when the source has
// no employee with the requested id.
var ErrEmployeeNotFound = errors.New("employee not found in source")

// DefaultDeactivationThreshold is the share of active managed users that a
// run may deactivate before the guard holds every deactivation.
const DefaultDeactivationThreshold = 0.10

// DefaultConcurrency is the number of writes Apply runs at once.
const DefaultConcurrency = 4

// Syncer plans and applies the changes that make a Qooper organization
// match a source. A Syncer is safe for concurrent use, but two runs against
// the same organization should not overlap.
type Syncer struct {
	source    Source
	target    Target
	mapper    mapping.Mapper
	logger    *slog.Logger
	now       func() time.Time
	location  *time.Location
	asOf      string
	threshold float64
	allowance int
	workers   int
	invite    bool
	bulk      bool
	progress  func(Progress)
}

// Option configures a Syncer.
type Option func(*Syncer) error

// Progress reports how far Apply has come.
type Progress struct {
	// Phase is "create", "update", "manager" or "deactivate".
	Phase string
	// Done and Total count the changes of the whole run.
	Done, Total int
}

// New returns a Syncer that reads employees from source, maps them with
// mapper and writes to target.
func New(source Source, target Target, mapper mapping.Mapper, opts ...Option) (*Syncer, error) {
	if source == nil || target == nil || mapper == nil {
		return nil, errors.New("syncer: source, target and mapper are required")
	}
	s := &Syncer{
		source:    source,
		target:    target,
		mapper:    mapper,
		logger:    slog.New(slog.DiscardHandler),
		now:       time.Now,
		location:  time.UTC,
		threshold: DefaultDeactivationThreshold,
		workers:   DefaultConcurrency,
	}
	for _, opt := range opts {
		if err := opt(s); err != nil {
			return nil, fmt.Errorf("syncer: %w", err)
		}
	}
	return s, nil
}

// WithLogger sets the logger. Logs above debug level carry ids and counts
// but no personal data values.
func WithLogger(logger *slog.Logger) Option {
	return func(s *Syncer) error {
		if logger == nil {
			return errors.New("nil logger")
		}
		s.logger = logger
		return nil
	}
}

// WithClock sets the function that returns the current time.
func WithClock(now func() time.Time) Option {
	return func(s *Syncer) error {
		if now == nil {
			return errors.New("nil clock")
		}
		s.now = now
		return nil
	}
}

// WithLocation sets the time zone in which "today" is taken. The default is
// UTC.
func WithLocation(location *time.Location) Option {
	return func(s *Syncer) error {
		if location == nil {
			return errors.New("nil location")
		}
		s.location = location
		return nil
	}
}

// WithAsOf sets the civil date (YYYY-MM-DD) that the rules use as today.
func WithAsOf(date string) Option {
	return func(s *Syncer) error {
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			return fmt.Errorf("invalid as-of date %q: want YYYY-MM-DD", date)
		}
		s.asOf = date
		return nil
	}
}

// WithDeactivationThreshold sets the share of active managed users, from 0
// to 1, that a run may deactivate before the guard holds every
// deactivation.
func WithDeactivationThreshold(share float64) Option {
	return func(s *Syncer) error {
		if share < 0 || share > 1 {
			return fmt.Errorf("invalid deactivation threshold %v: want 0 to 1", share)
		}
		s.threshold = share
		return nil
	}
}

// WithAllowDeactivations lets a run deactivate up to n people even when the
// guard would hold them. A run with more than n deactivations is still
// held whole.
func WithAllowDeactivations(n int) Option {
	return func(s *Syncer) error {
		if n < 0 {
			return fmt.Errorf("invalid deactivation allowance %d: want 0 or more", n)
		}
		s.allowance = n
		return nil
	}
}

// WithConcurrency sets how many writes Apply runs at once. The clients' rate
// limits still apply.
func WithConcurrency(n int) Option {
	return func(s *Syncer) error {
		if n < 1 {
			return fmt.Errorf("invalid concurrency %d: want 1 or more", n)
		}
		s.workers = n
		return nil
	}
}

// WithInvite makes creates ask Qooper to e-mail an invitation. The default
// is no invitation.
func WithInvite(invite bool) Option {
	return func(s *Syncer) error {
		s.invite = invite
		return nil
	}
}

// WithBulkCreates makes Apply send creates in batches of up to
// MaxBulkCreates through the target's bulk endpoint, when the target is a
// BulkCreator. Bulk creates send no invitation, so WithInvite(true) turns
// them off.
func WithBulkCreates(bulk bool) Option {
	return func(s *Syncer) error {
		s.bulk = bulk
		return nil
	}
}

// WithProgress sets a function that Apply calls after each change. It is
// called from one goroutine at a time.
func WithProgress(fn func(Progress)) Option {
	return func(s *Syncer) error {
		s.progress = fn
		return nil
	}
}

// today returns the civil date the rules use.
func (s *Syncer) today() string {
	if s.asOf != "" {
		return s.asOf
	}
	return s.now().In(s.location).Format(time.DateOnly)
}
