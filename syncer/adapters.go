package syncer

import (
	"context"
	"fmt"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// Compile-time checks that the adapters satisfy the engine's interfaces.
var (
	_ Source         = (*HiBobSource)(nil)
	_ EmailFinder    = (*HiBobSource)(nil)
	_ Target         = (*QooperTarget)(nil)
	_ BulkCreator    = (*QooperTarget)(nil)
	_ mapping.Record = (*hibob.Employee)(nil)
)

// HiBobSource reads employees from HiBob through a *hibob.Client.
type HiBobSource struct {
	client *hibob.Client
	// BatchSize, when positive, makes Records fetch every employee id first
	// and then the full records in batches of this many ids, which HiBob
	// recommends for large tenants. Zero reads everyone in one search.
	BatchSize int
}

// NewHiBobSource returns a Source that reads from client.
func NewHiBobSource(client *hibob.Client) *HiBobSource {
	return &HiBobSource{client: client}
}

// Records searches every employee, inactive ones included, with the given
// fields.
func (s *HiBobSource) Records(ctx context.Context, fields []string) ([]mapping.Record, error) {
	req := &hibob.SearchRequest{Fields: fields, ShowInactive: true}
	var employees []*hibob.Employee
	var err error
	if s.BatchSize > 0 {
		employees, err = s.client.SearchPeopleInBatches(ctx, req, s.BatchSize)
	} else {
		employees, err = s.client.SearchPeople(ctx, req)
	}
	if err != nil {
		return nil, err
	}
	records := make([]mapping.Record, len(employees))
	for i, e := range employees {
		records[i] = e
	}
	return records, nil
}

// Record searches one employee by id, inactive or not.
func (s *HiBobSource) Record(ctx context.Context, employeeID string, fields []string) (mapping.Record, error) {
	employees, err := s.client.SearchPeople(ctx, &hibob.SearchRequest{
		Fields:       fields,
		Filter:       hibob.FilterByID(employeeID),
		ShowInactive: true,
	})
	if err != nil {
		return nil, err
	}
	for _, e := range employees {
		if e.ID() == employeeID {
			return e, nil
		}
	}
	return nil, fmt.Errorf("employee %s: %w", employeeID, ErrEmployeeNotFound)
}

// RecordsByEmail searches the employees with an e-mail address, inactive
// ones included.
func (s *HiBobSource) RecordsByEmail(ctx context.Context, email string, fields []string) ([]mapping.Record, error) {
	employees, err := s.client.SearchPeople(ctx, &hibob.SearchRequest{
		Fields:       fields,
		Filter:       hibob.FilterByEmail(email),
		ShowInactive: true,
	})
	if err != nil {
		return nil, err
	}
	records := make([]mapping.Record, len(employees))
	for i, e := range employees {
		records[i] = e
	}
	return records, nil
}

// Lists reads HiBob's named lists, archived items included, and returns
// the labels of the requested ones. A list HiBob does not have is left out,
// so values from it fail to resolve record by record.
func (s *HiBobSource) Lists(ctx context.Context, names []string) (mapping.Lists, error) {
	all, err := s.client.NamedLists(ctx, true)
	if err != nil {
		return nil, err
	}
	lists := make(mapping.Lists, len(names))
	for _, name := range names {
		if list, ok := all[name]; ok {
			lists[name] = list.Labels()
		}
	}
	return lists, nil
}

// QooperTarget reads and writes users through a *qooper.Client.
type QooperTarget struct {
	client *qooper.Client
}

// NewQooperTarget returns a Target that writes through client.
func NewQooperTarget(client *qooper.Client) *QooperTarget {
	return &QooperTarget{client: client}
}

// Users lists every user, whatever the status, in pages of 500.
func (t *QooperTarget) Users(ctx context.Context) ([]*qooper.User, error) {
	var users []*qooper.User
	for user, err := range t.client.AllUsers(ctx, &qooper.ListOptions{Limit: 500}) {
		if err != nil {
			return nil, err
		}
		users = append(users, user)
	}
	return users, nil
}

// User reads one user.
func (t *QooperTarget) User(ctx context.Context, id string) (*qooper.User, error) {
	return t.client.GetUser(ctx, id)
}

// CreateUser creates a user.
func (t *QooperTarget) CreateUser(ctx context.Context, fields qooper.UserFields, opts *qooper.CreateOptions) (*qooper.User, error) {
	return t.client.CreateUser(ctx, fields, opts)
}

// UpdateUser merge-patches a user.
func (t *QooperTarget) UpdateUser(ctx context.Context, id string, fields qooper.UserFields) (*qooper.User, error) {
	return t.client.UpdateUser(ctx, id, fields, nil)
}

// DeactivateUser deactivates a user.
func (t *QooperTarget) DeactivateUser(ctx context.Context, id string, opts *qooper.DeactivateOptions) (*qooper.User, error) {
	return t.client.DeactivateUser(ctx, id, opts)
}

// ReactivateUser reactivates a user.
func (t *QooperTarget) ReactivateUser(ctx context.Context, id string) (*qooper.User, error) {
	return t.client.ReactivateUser(ctx, id)
}

// CreateUsers creates up to MaxBulkCreates users with one bulk request.
func (t *QooperTarget) CreateUsers(ctx context.Context, creates []BulkCreate) ([]BulkCreateResult, error) {
	ops := make([]qooper.BulkOperation, len(creates))
	for i, c := range creates {
		ops[i] = qooper.BulkOperation{Op: qooper.BulkCreate, IdempotencyKey: c.IdempotencyKey, User: c.Fields}
	}
	results, err := t.client.Bulk(ctx, ops)
	if err != nil {
		return nil, err
	}
	out := make([]BulkCreateResult, len(results))
	for i, result := range results {
		out[i].User = result.User
		if result.Err != nil {
			// Assigned only when set: a nil *qooper.APIError in an error
			// interface would not compare equal to nil.
			out[i].Err = result.Err
		}
	}
	return out, nil
}
