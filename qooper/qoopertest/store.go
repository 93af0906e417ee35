package qoopertest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qooper/hrsync/qooper"
)

// crockford is Crockford's base32 alphabet, whose ASCII order matches the
// order of the values, so ids sort by creation time.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// idGenerator makes ids of the form usr_ followed by 10 characters of
// milliseconds since 1970 and 6 characters of a sequence number that
// grows within one millisecond, like a monotonic ULID.
type idGenerator struct {
	lastMillis int64
	seq        uint64
}

func (g *idGenerator) next(now time.Time) string {
	millis := now.UnixMilli()
	if millis <= g.lastMillis {
		millis = g.lastMillis
		g.seq++
	} else {
		g.lastMillis = millis
		g.seq = 0
	}
	return "usr_" + encodeBase32(uint64(millis), 10) + encodeBase32(g.seq, 6)
}

func encodeBase32(value uint64, width int) string {
	out := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		out[i] = crockford[value%32]
		value /= 32
	}
	return string(out)
}

// newID returns an id no stored user has. The caller holds s.mu.
func (s *Server) newID() string {
	for {
		id := s.ids.next(s.now())
		if s.users[id] == nil {
			return id
		}
	}
}

// timestamp returns the current time as the API writes it: UTC, to the
// millisecond.
func (s *Server) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// cloneUser returns a deep copy of u.
func cloneUser(u *qooper.User) *qooper.User {
	c := *u
	for _, field := range []**string{
		&c.ExternalID, &c.DisplayName, &c.JobTitle, &c.Department, &c.Location,
		&c.EmployeeNumber, &c.StartDate, &c.TerminationDate,
	} {
		if *field != nil {
			value := **field
			*field = &value
		}
	}
	if u.Manager != nil {
		c.Manager = &qooper.ManagerRef{ID: u.Manager.ID}
	}
	c.CustomAttributes = nil
	if len(u.CustomAttributes) > 0 {
		c.CustomAttributes = maps.Clone(u.CustomAttributes)
	}
	return &c
}

// render returns a copy of a stored user as responses show it, with the
// manager's external id filled in. The caller holds s.mu.
func (s *Server) render(u *qooper.User) *qooper.User {
	c := cloneUser(u)
	if c.Manager != nil {
		if manager := s.users[c.Manager.ID]; manager != nil && manager.ExternalID != nil {
			externalID := *manager.ExternalID
			c.Manager.ExternalID = &externalID
		}
	}
	if c.CustomAttributes == nil {
		c.CustomAttributes = map[string]any{}
	}
	return c
}

// emailOwner returns the id of a user other than selfID whose email equals
// email, compared case-insensitively, or "". The caller holds s.mu.
func (s *Server) emailOwner(selfID, email string) string {
	// Emails are unique, so the first match is the only one and the scan
	// can skip sorting the keys, which would cost O(n log n) per request.
	for id, u := range s.users {
		if id != selfID && strings.EqualFold(u.Email, email) {
			return id
		}
	}
	return ""
}

// externalIDOwner returns the id of a user other than selfID with the
// external id, or "". The caller holds s.mu.
func (s *Server) externalIDOwner(selfID, externalID string) string {
	for id, u := range s.users {
		if id != selfID && u.ExternalID != nil && *u.ExternalID == externalID {
			return id
		}
	}
	return ""
}

// PutUser stores a copy of u as it is, bypassing the API's rules, so that a
// test can seed any state. An empty ID gets a new id, a zero Version gets 1,
// an empty Status gets active and zero timestamps get the current time.
// Only the manager's ID is kept. It fails when another user has the same
// email or external id. It returns the user as the API would show it.
func (s *Server) PutUser(u qooper.User) (qooper.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	stored := cloneUser(&u)
	if stored.ID == "" {
		stored.ID = s.newID()
	}
	if id := s.emailOwner(stored.ID, stored.Email); id != "" {
		return qooper.User{}, fmt.Errorf("qoopertest: PutUser: the email is already used by %s", id)
	}
	if stored.ExternalID != nil {
		if id := s.externalIDOwner(stored.ID, *stored.ExternalID); id != "" {
			return qooper.User{}, fmt.Errorf("qoopertest: PutUser: the external id is already used by %s", id)
		}
	}
	if stored.Version == 0 {
		stored.Version = 1
	}
	if stored.Status == "" {
		stored.Status = qooper.StatusActive
	}
	if stored.CreatedAt.IsZero() {
		stored.CreatedAt = s.timestamp()
	}
	if stored.UpdatedAt.IsZero() {
		stored.UpdatedAt = stored.CreatedAt
	}
	s.users[stored.ID] = stored
	return *s.render(stored), nil
}

// Users returns every stored user, sorted by id.
func (s *Server) Users() []qooper.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := make([]qooper.User, 0, len(s.users))
	for _, id := range slices.Sorted(maps.Keys(s.users)) {
		users = append(users, *s.render(s.users[id]))
	}
	return users
}

// User returns the stored user with the id, and whether there is one.
func (s *Server) User(id string) (qooper.User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.users[id]
	if stored == nil {
		return qooper.User{}, false
	}
	return *s.render(stored), true
}

// SuspendUser sets a user's status to suspended, as a Qooper administrator
// does. The API then neither deactivates nor reactivates the user.
func (s *Server) SuspendUser(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := s.users[id]
	if stored == nil {
		return errors.New("qoopertest: SuspendUser: no user has this id")
	}
	if stored.Status != qooper.StatusSuspended {
		stored.Status = qooper.StatusSuspended
		stored.Version++
		stored.UpdatedAt = s.timestamp()
	}
	return nil
}

// Invitations returns the ids of the users created with invite=true, in
// order.
func (s *Server) Invitations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.invitations)
}
