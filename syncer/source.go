package syncer

import (
	"context"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// Source reads employee records from an HR system. HiBobSource adapts a
// *hibob.Client; other HR systems plug in by implementing it.
type Source interface {
	// Records returns every employee the source can see, inactive ones
	// included, with at least the given fields.
	Records(ctx context.Context, fields []string) ([]mapping.Record, error)
	// Record returns one employee with at least the given fields. It
	// returns an error that matches ErrEmployeeNotFound when there is none.
	Record(ctx context.Context, employeeID string, fields []string) (mapping.Record, error)
	// Lists returns the labels of the named lists.
	Lists(ctx context.Context, names []string) (mapping.Lists, error)
}

// EmailFinder is a Source that can also find records by e-mail address.
// SyncEmployee uses it to fail an employee whose address another employee
// has, as a full run does. HiBobSource implements it.
type EmailFinder interface {
	// RecordsByEmail returns every employee with the e-mail address,
	// inactive ones included.
	RecordsByEmail(ctx context.Context, email string, fields []string) ([]mapping.Record, error)
}

// BulkCreator is a Target that can create many users in one request.
// With WithBulkCreates, Apply sends creates through it in batches of up to
// MaxBulkCreates, which cuts the requests of a large initial load about a
// hundredfold. QooperTarget implements it with the bulk endpoint.
type BulkCreator interface {
	// CreateUsers creates active users without invitations and returns one
	// result per create, in order. An error means the request as a whole
	// failed.
	CreateUsers(ctx context.Context, creates []BulkCreate) ([]BulkCreateResult, error)
}

// MaxBulkCreates is the most creates Apply sends in one bulk request, the
// limit of Qooper's bulk endpoint.
const MaxBulkCreates = qooper.MaxBulkOperations

// BulkCreate is one create of a bulk request.
type BulkCreate struct {
	Fields         qooper.UserFields
	IdempotencyKey string
}

// BulkCreateResult is the outcome of one create of a bulk request: the new
// user, or the error of that create alone.
type BulkCreateResult struct {
	User *qooper.User
	Err  error
}

// Target reads and writes Qooper users. QooperTarget adapts a
// *qooper.Client; Qooper's backend may plug in its own, for example one that
// writes to its database. Errors should match the qooper sentinels
// (qooper.ErrUnauthorized, qooper.ErrForbidden, qooper.ErrNotFound) through
// errors.Is, and a uniqueness conflict should be a *qooper.APIError with
// ConflictingID set, so that the engine can stop, skip or adopt.
type Target interface {
	// Users returns every user of the organization, whatever its status.
	Users(ctx context.Context) ([]*qooper.User, error)
	// User returns one user by Qooper id.
	User(ctx context.Context, id string) (*qooper.User, error)
	// CreateUser creates an active user. The options' IdempotencyKey makes
	// a repeated create return the first result instead of a second user.
	CreateUser(ctx context.Context, fields qooper.UserFields, opts *qooper.CreateOptions) (*qooper.User, error)
	// UpdateUser merge-patches a user.
	UpdateUser(ctx context.Context, id string, fields qooper.UserFields) (*qooper.User, error)
	// DeactivateUser deactivates a user; deactivating a deactivated user
	// succeeds and changes nothing.
	DeactivateUser(ctx context.Context, id string, opts *qooper.DeactivateOptions) (*qooper.User, error)
	// ReactivateUser reactivates a deactivated user.
	ReactivateUser(ctx context.Context, id string) (*qooper.User, error)
}
