package qooper

import (
	"encoding/json"
	"time"
)

// Status is the state of a Qooper user account.
type Status string

// User statuses. Only Qooper administrators set StatusSuspended; the API
// never changes it.
const (
	StatusActive      Status = "active"
	StatusSuspended   Status = "suspended"
	StatusDeactivated Status = "deactivated"
)

// User is a Qooper user as the API returns it. Optional string fields are
// nil when Qooper stores no value.
type User struct {
	ID               string         `json:"id"`
	ExternalID       *string        `json:"externalId"`
	Email            string         `json:"email"`
	FirstName        string         `json:"firstName"`
	LastName         string         `json:"lastName"`
	DisplayName      *string        `json:"displayName"`
	JobTitle         *string        `json:"jobTitle"`
	Department       *string        `json:"department"`
	Location         *string        `json:"location"`
	EmployeeNumber   *string        `json:"employeeNumber"`
	StartDate        *string        `json:"startDate"`
	TerminationDate  *string        `json:"terminationDate"`
	Manager          *ManagerRef    `json:"manager"`
	Status           Status         `json:"status"`
	CustomAttributes map[string]any `json:"customAttributes,omitempty"`
	CreatedAt        time.Time      `json:"createdAt"`
	UpdatedAt        time.Time      `json:"updatedAt"`
	Version          int64          `json:"version"`
}

// ManagerRef points at a user's manager. Responses fill both fields; a
// request needs only ID.
type ManagerRef struct {
	ID         string  `json:"id"`
	ExternalID *string `json:"externalId,omitempty"`
}

// Field is one value of a create or merge-patch request body. Its zero value
// is absent: the field is left out of the body. Null clears the field.
type Field[T any] struct {
	set   bool
	null  bool
	value T
}

// Set returns a Field that sends v.
func Set[T any](v T) Field[T] { return Field[T]{set: true, value: v} }

// Null returns a Field that sends JSON null, which clears the stored value.
func Null[T any]() Field[T] { return Field[T]{set: true, null: true} }

// IsSet reports whether the field is sent, as a value or as null.
func (f Field[T]) IsSet() bool { return f.set }

// IsNull reports whether the field is sent as null.
func (f Field[T]) IsNull() bool { return f.set && f.null }

// Value returns the value to send and whether there is one.
func (f Field[T]) Value() (T, bool) { return f.value, f.set && !f.null }

// MarshalJSON encodes the value, or null. An absent field is left out by
// UserFields.MarshalJSON and never reaches this method.
func (f Field[T]) MarshalJSON() ([]byte, error) {
	if !f.set || f.null {
		return []byte("null"), nil
	}
	return json.Marshal(f.value)
}

// UserFields holds the writable fields of a create or merge-patch request.
// Absent fields are left out of the request body; fields set to Null are
// sent as JSON null. ManagerID holds the Qooper id of the manager, which is
// sent as {"id": ManagerID}. CustomAttributes maps a key to a string,
// float64, int, bool or nil value; a nil value removes the key in a patch.
type UserFields struct {
	ExternalID      Field[string]
	Email           Field[string]
	FirstName       Field[string]
	LastName        Field[string]
	DisplayName     Field[string]
	JobTitle        Field[string]
	Department      Field[string]
	Location        Field[string]
	EmployeeNumber  Field[string]
	StartDate       Field[string]
	TerminationDate Field[string]
	ManagerID       Field[string]
	// CustomAttributes is merged key by key in a patch. Set
	// ClearCustomAttributes to send customAttributes: null instead, which
	// removes every key.
	CustomAttributes      map[string]any
	ClearCustomAttributes bool
}
