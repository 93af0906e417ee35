package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// testRecord is a source record keyed by field id, as the default mapping
// reads it.
type testRecord map[string]any

func (r testRecord) ID() string {
	id, _ := r["root.id"].(string)
	return id
}

func (r testRecord) Field(id string) (any, bool) {
	v, ok := r[id]
	return v, ok
}

// employee returns an active record with every field of the default
// mapping set.
func employee(id, first, last string) testRecord {
	return testRecord{
		"root.id":                  id,
		"root.email":               strings.ToLower(first) + "." + strings.ToLower(last) + "@example.com",
		"root.firstName":           first,
		"root.surname":             last,
		"root.displayName":         first + " " + last,
		"work.title":               "1",
		"work.department":          "10",
		"work.site":                "London",
		"work.employeeIdInCompany": json.Number(strings.TrimLeft(id, "0")),
		"work.startDate":           "2021-05-04",
		"internal.terminationDate": nil,
		"work.reportsTo":           nil,
		"work.manager":             nil,
		"internal.status":          "Active",
	}
}

func (r testRecord) with(field string, value any) testRecord {
	out := make(testRecord, len(r)+1)
	for k, v := range r {
		out[k] = v
	}
	out[field] = value
	return out
}

func (r testRecord) without(field string) testRecord {
	out := r.with(field, nil)
	delete(out, field)
	return out
}

func (r testRecord) reportsTo(managerID string) testRecord {
	return r.with("work.reportsTo", map[string]any{"id": managerID}).with("work.manager", managerID)
}

func (r testRecord) inactive(terminationDate string) testRecord {
	return r.with("internal.status", "Inactive").with("internal.terminationDate", terminationDate)
}

var testLists = mapping.Lists{
	"title":      {"1": "Engineer", "2": "Engineering Manager", "3": "Director"},
	"department": {"10": "Engineering", "11": "Sales"},
}

// fakeSource is an in-memory Source.
type fakeSource struct {
	mu              sync.Mutex
	records         []mapping.Record
	lists           mapping.Lists
	err             error
	fieldsRequested [][]string
}

func (s *fakeSource) Records(_ context.Context, fields []string) ([]mapping.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fieldsRequested = append(s.fieldsRequested, fields)
	if s.err != nil {
		return nil, s.err
	}
	return slices.Clone(s.records), nil
}

func (s *fakeSource) Record(_ context.Context, id string, fields []string) (mapping.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records {
		if r.ID() == id {
			return r, nil
		}
	}
	return nil, fmt.Errorf("employee %s: %w", id, ErrEmployeeNotFound)
}

func (s *fakeSource) Lists(_ context.Context, names []string) (mapping.Lists, error) {
	if s.lists != nil {
		return s.lists, nil
	}
	return testLists, nil
}

// memTarget is an in-memory Target that keeps Qooper's uniqueness rules and
// records every write.
type memTarget struct {
	mu     sync.Mutex
	users  map[string]*qooper.User
	next   int
	writes []string
	keys   map[string]string
	// fail maps "method userID-or-employeeID" to the error to return.
	fail map[string]error
	// before, when set, runs at the start of every write.
	before func(op string)
}

func newMemTarget(users ...*qooper.User) *memTarget {
	t := &memTarget{users: make(map[string]*qooper.User), keys: make(map[string]string), fail: make(map[string]error)}
	for _, u := range users {
		t.put(u)
	}
	return t
}

func (t *memTarget) put(u *qooper.User) *qooper.User {
	if u.ID == "" {
		t.next++
		u.ID = fmt.Sprintf("usr_%04d", t.next)
	}
	if u.Status == "" {
		u.Status = qooper.StatusActive
	}
	t.users[u.ID] = u
	return u
}

func (t *memTarget) Users(context.Context) ([]*qooper.User, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*qooper.User, 0, len(t.users))
	for _, u := range t.users {
		copied := *u
		out = append(out, &copied)
	}
	return out, nil
}

func (t *memTarget) User(_ context.Context, id string) (*qooper.User, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u, ok := t.users[id]
	if !ok {
		return nil, &qooper.APIError{StatusCode: http.StatusNotFound, Code: "notFound"}
	}
	copied := *u
	return &copied, nil
}

func (t *memTarget) record(op, key string) error {
	if t.before != nil {
		t.before(op)
	}
	t.writes = append(t.writes, op+" "+key)
	if err, ok := t.fail[op+" "+key]; ok {
		return err
	}
	return nil
}

func (t *memTarget) conflict(email, externalID, except string) *qooper.User {
	for _, u := range t.users {
		if u.ID == except {
			continue
		}
		if email != "" && strings.EqualFold(u.Email, email) {
			return u
		}
		if externalID != "" && u.ExternalID != nil && *u.ExternalID == externalID {
			return u
		}
	}
	return nil
}

func (t *memTarget) CreateUser(_ context.Context, f qooper.UserFields, opts *qooper.CreateOptions) (*qooper.User, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	externalID, _ := f.ExternalID.Value()
	if err := t.record("create", externalID); err != nil {
		return nil, err
	}
	if id, ok := t.keys[opts.IdempotencyKey]; ok && opts.IdempotencyKey != "" {
		copied := *t.users[id]
		return &copied, nil
	}
	email, _ := f.Email.Value()
	if other := t.conflict(email, externalID, ""); other != nil {
		return nil, &qooper.APIError{StatusCode: http.StatusConflict, Code: "uniqueness", ConflictingID: other.ID}
	}
	u := &qooper.User{}
	applyFields(u, f)
	t.put(u)
	t.keys[opts.IdempotencyKey] = u.ID
	copied := *u
	return &copied, nil
}

func (t *memTarget) UpdateUser(_ context.Context, id string, f qooper.UserFields) (*qooper.User, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.record("update", id); err != nil {
		return nil, err
	}
	u, ok := t.users[id]
	if !ok {
		return nil, &qooper.APIError{StatusCode: http.StatusNotFound, Code: "notFound"}
	}
	email, _ := f.Email.Value()
	externalID, _ := f.ExternalID.Value()
	if other := t.conflict(email, externalID, id); other != nil {
		return nil, &qooper.APIError{StatusCode: http.StatusConflict, Code: "uniqueness", ConflictingID: other.ID}
	}
	if managerID, ok := f.ManagerID.Value(); ok {
		for next := managerID; next != ""; {
			if next == id {
				return nil, &qooper.APIError{StatusCode: http.StatusUnprocessableEntity, Code: "invalidValue"}
			}
			m := t.users[next]
			if m == nil || m.Manager == nil {
				break
			}
			next = m.Manager.ID
		}
	}
	applyFields(u, f)
	u.Version++
	copied := *u
	return &copied, nil
}

func (t *memTarget) setStatus(op, id string, status qooper.Status) (*qooper.User, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.record(op, id); err != nil {
		return nil, err
	}
	u, ok := t.users[id]
	if !ok {
		return nil, &qooper.APIError{StatusCode: http.StatusNotFound, Code: "notFound"}
	}
	if u.Status == qooper.StatusSuspended {
		return nil, &qooper.APIError{StatusCode: http.StatusConflict, Code: "suspended"}
	}
	u.Status = status
	copied := *u
	return &copied, nil
}

func (t *memTarget) DeactivateUser(_ context.Context, id string, _ *qooper.DeactivateOptions) (*qooper.User, error) {
	return t.setStatus("deactivate", id, qooper.StatusDeactivated)
}

func (t *memTarget) ReactivateUser(_ context.Context, id string) (*qooper.User, error) {
	return t.setStatus("reactivate", id, qooper.StatusActive)
}

// byExternalID returns the stored user of an employee.
func (t *memTarget) byExternalID(id string) *qooper.User {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, u := range t.users {
		if u.ExternalID != nil && *u.ExternalID == id {
			copied := *u
			return &copied
		}
	}
	return nil
}

func (t *memTarget) writeLog() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.writes)
}

func (t *memTarget) resetWrites() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writes = nil
}

func applyFields(u *qooper.User, f qooper.UserFields) {
	set := func(dst **string, field qooper.Field[string]) {
		if !field.IsSet() {
			return
		}
		if v, ok := field.Value(); ok {
			*dst = &v
			return
		}
		*dst = nil
	}
	setRequired := func(dst *string, field qooper.Field[string]) {
		if v, ok := field.Value(); ok {
			*dst = v
		}
	}
	set(&u.ExternalID, f.ExternalID)
	setRequired(&u.Email, f.Email)
	setRequired(&u.FirstName, f.FirstName)
	setRequired(&u.LastName, f.LastName)
	set(&u.DisplayName, f.DisplayName)
	set(&u.JobTitle, f.JobTitle)
	set(&u.Department, f.Department)
	set(&u.Location, f.Location)
	set(&u.EmployeeNumber, f.EmployeeNumber)
	set(&u.StartDate, f.StartDate)
	set(&u.TerminationDate, f.TerminationDate)
	if f.ManagerID.IsSet() {
		if id, ok := f.ManagerID.Value(); ok {
			u.Manager = &qooper.ManagerRef{ID: id}
		} else {
			u.Manager = nil
		}
	}
	for k, v := range f.CustomAttributes {
		if u.CustomAttributes == nil {
			u.CustomAttributes = map[string]any{}
		}
		if v == nil {
			delete(u.CustomAttributes, k)
		} else {
			u.CustomAttributes[k] = v
		}
	}
}

// fixedClock returns a clock stopped at 2026-12-04 12:00 UTC.
func fixedClock() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC) }

// newTestSyncer returns a Syncer over src and dst with the default mapping,
// a fixed clock and one write at a time, so that write logs are ordered.
func newTestSyncer(t *testing.T, src Source, dst Target, opts ...Option) *Syncer {
	t.Helper()
	all := append([]Option{WithClock(fixedClock), WithConcurrency(1)}, opts...)
	s, err := New(src, dst, mapping.Default(), all...)
	require.NoError(t, err)
	return s
}

// syncOnce plans and applies, failing the test when either step returns an
// error.
func syncOnce(t *testing.T, s *Syncer) (*Plan, *Report) {
	t.Helper()
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	report, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)
	return plan, report
}

// managedUser returns an active Qooper user that matches employee(id, ...)
// field for field.
func managedUser(id, first, last string) *qooper.User {
	rec := employee(id, first, last)
	str := func(field string) *string {
		v, _ := rec[field].(string)
		return &v
	}
	externalID := id
	number := strings.TrimLeft(id, "0")
	title, department := "Engineer", "Engineering"
	return &qooper.User{
		ExternalID:     &externalID,
		Email:          *str("root.email"),
		FirstName:      first,
		LastName:       last,
		DisplayName:    str("root.displayName"),
		JobTitle:       &title,
		Department:     &department,
		Location:       str("work.site"),
		EmployeeNumber: &number,
		StartDate:      str("work.startDate"),
		Status:         qooper.StatusActive,
	}
}

// emailSource is a fakeSource that can also search by e-mail address.
type emailSource struct{ fakeSource }

func (s *emailSource) RecordsByEmail(_ context.Context, email string, _ []string) ([]mapping.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []mapping.Record
	for _, r := range s.records {
		if got, _ := r.Field("root.email"); got != nil && strings.EqualFold(got.(string), email) {
			out = append(out, r)
		}
	}
	return out, nil
}
