package syncer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/qooper/hrsync/internal/logctx"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// Plan reads every source employee and every Qooper user, and returns the
// changes that make Qooper match the source. It writes nothing. An error
// means a side could not be read; problems with single records are in the
// plan's Failures and Issues.
func (s *Syncer) Plan(ctx context.Context) (*Plan, error) {
	id := newID()
	ctx = logctx.WithRunID(ctx, id)
	logger := s.logger.With(slog.String("run_id", id))
	started := time.Now()
	logger.LogAttrs(ctx, slog.LevelInfo, "planning sync")

	fields := s.sourceFields()
	records, err := s.source.Records(ctx, fields)
	if err != nil {
		logger.LogAttrs(ctx, slog.LevelError, "reading source failed", slog.Any("error", err))
		return nil, fmt.Errorf("read source employees: %w", err)
	}
	lists, err := s.readLists(ctx)
	if err != nil {
		logger.LogAttrs(ctx, slog.LevelError, "reading source lists failed", slog.Any("error", err))
		return nil, err
	}
	users, err := s.target.Users(ctx)
	if err != nil {
		logger.LogAttrs(ctx, slog.LevelError, "reading Qooper users failed", slog.Any("error", err))
		return nil, fmt.Errorf("read Qooper users: %w", err)
	}

	plan := s.buildPlan(id, planInput{records: records, lists: lists, users: users, fields: fields})
	s.logPlan(ctx, logger, plan, len(records), len(users), time.Since(started))
	return plan, nil
}

// SyncEmployee plans and applies the changes for one employee, as after a
// HiBob webhook. It follows the same rules as a full run but never
// deactivates anyone else. An employee the source no longer has is
// deactivated when its Qooper user is managed.
func (s *Syncer) SyncEmployee(ctx context.Context, employeeID string) (*Report, error) {
	if employeeID == "" {
		return nil, errors.New("syncer: empty employee id")
	}
	id := newID()
	ctx = logctx.WithRunID(ctx, id)
	fields := s.sourceFields()
	lists, err := s.readLists(ctx)
	if err != nil {
		return nil, err
	}
	var records []mapping.Record
	rec, err := s.source.Record(ctx, employeeID, fields)
	switch {
	case errors.Is(err, ErrEmployeeNotFound):
	case err != nil:
		return nil, fmt.Errorf("read source employee %s: %w", employeeID, err)
	default:
		records = append(records, rec)
		// A record that fails to map fails in the plan too, so it needs
		// neither the records sharing its address nor its manager.
		desired, mapErr := s.mapper.Map(rec, lists)
		if mapErr != nil || desired == nil {
			break
		}
		sharing, err := s.recordsSharingEmail(ctx, employeeID, desired, fields)
		if err != nil {
			return nil, err
		}
		records = append(records, sharing...)
		if managerID, _ := desired.Get(mapping.TargetManager).V.(string); managerID != "" && managerID != employeeID {
			manager, err := s.source.Record(ctx, managerID, fields)
			switch {
			case errors.Is(err, ErrEmployeeNotFound):
			case err != nil:
				return nil, fmt.Errorf("read source employee %s, the manager of %s: %w", managerID, employeeID, err)
			default:
				records = append(records, manager)
			}
		}
	}
	users, err := s.target.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("read Qooper users: %w", err)
	}

	plan := s.buildPlan(id, planInput{
		records: records,
		lists:   lists,
		users:   users,
		only:    map[string]bool{employeeID: true},
		fields:  fields,
	})
	return s.Apply(ctx, plan)
}

// recordsSharingEmail returns the other records with the e-mail address of
// the desired user, so that SyncEmployee can apply the duplicate e-mail
// rule. It returns nothing when the source cannot search by e-mail address.
func (s *Syncer) recordsSharingEmail(ctx context.Context, employeeID string, desired *mapping.User, fields []string) ([]mapping.Record, error) {
	finder, ok := s.source.(EmailFinder)
	if !ok {
		return nil, nil
	}
	email := strings.TrimSpace(valueString(desired.Get(mapping.TargetEmail)))
	if email == "" {
		return nil, nil
	}
	found, err := finder.RecordsByEmail(ctx, email, fields)
	if err != nil {
		return nil, fmt.Errorf("read source employees sharing the e-mail address of %s: %w", employeeID, err)
	}
	var others []mapping.Record
	for _, other := range found {
		if other.ID() != employeeID {
			others = append(others, other)
		}
	}
	return others, nil
}

func (s *Syncer) readLists(ctx context.Context) (mapping.Lists, error) {
	names := s.mapper.ListNames()
	if len(names) == 0 {
		return mapping.Lists{}, nil
	}
	lists, err := s.source.Lists(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("read source lists: %w", err)
	}
	return lists, nil
}

// sourceFields returns the field ids the mapping reads, plus root.id.
func (s *Syncer) sourceFields() []string {
	fields := slices.Clone(s.mapper.SourceFields())
	if !slices.Contains(fields, "root.id") {
		fields = append(fields, "root.id")
	}
	slices.Sort(fields)
	return fields
}

func (s *Syncer) logPlan(ctx context.Context, logger *slog.Logger, plan *Plan, records, users int, elapsed time.Duration) {
	logger.LogAttrs(ctx, slog.LevelInfo, "planned sync",
		slog.Int("records", records),
		slog.Int("users", users),
		slog.Int("create", plan.Count(Create)),
		slog.Int("update", plan.Count(Update)),
		slog.Int("reactivate", plan.Count(Reactivate)),
		slog.Int("deactivate", plan.Count(Deactivate)),
		slog.Int("held", plan.Held()),
		slog.Int("unchanged", plan.Unchanged),
		slog.Int("failed", len(plan.Failures)),
		slog.Duration("duration", elapsed))
	for _, failure := range plan.Failures {
		logger.LogAttrs(ctx, slog.LevelWarn, "record failed",
			slog.String("employee_id", failure.EmployeeID),
			slog.String("code", failure.Code),
			slog.String("field", failure.Field))
	}
	for _, issue := range plan.Issues {
		level := slog.LevelWarn
		if issue.Severity == SeverityError {
			level = slog.LevelError
		}
		logger.LogAttrs(ctx, level, "plan issue",
			slog.String("code", issue.Code),
			slog.String("field", issue.Field),
			slog.Int("employees", len(issue.EmployeeIDs)))
	}
}

// newID returns a random 16-character hex id.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// isFatal reports whether err must stop the run: the target rejected the
// credentials or the permission.
func isFatal(err error) bool {
	return errors.Is(err, qooper.ErrUnauthorized) || errors.Is(err, qooper.ErrForbidden)
}
