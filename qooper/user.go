package qooper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
	ExternalID *string `json:"externalId"`
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

// ETag returns the user's version as an entity tag, such as "7" with the
// quotes, for UpdateOptions.IfMatch.
func (u *User) ETag() string {
	return strconv.Quote(strconv.FormatInt(u.Version, 10))
}

// userFieldNames lists the writable fields in the order in which
// UserFields.MarshalJSON writes them.
var userFieldNames = []string{
	"externalId", "email", "firstName", "lastName", "displayName", "jobTitle",
	"department", "location", "employeeNumber", "startDate", "terminationDate",
	"manager", "customAttributes",
}

// readOnlyFieldNames lists the fields that a response carries but a request
// body must not.
var readOnlyFieldNames = []string{"id", "status", "version", "createdAt", "updatedAt"}

// stringFields returns the string-valued fields by JSON name.
func (f *UserFields) stringFields() map[string]*Field[string] {
	return map[string]*Field[string]{
		"externalId":      &f.ExternalID,
		"email":           &f.Email,
		"firstName":       &f.FirstName,
		"lastName":        &f.LastName,
		"displayName":     &f.DisplayName,
		"jobTitle":        &f.JobTitle,
		"department":      &f.Department,
		"location":        &f.Location,
		"employeeNumber":  &f.EmployeeNumber,
		"startDate":       &f.StartDate,
		"terminationDate": &f.TerminationDate,
	}
}

// errClearAndSetAttributes rejects UserFields that both clear and set custom
// attributes: one merge patch cannot express both.
var errClearAndSetAttributes = errors.New("qooper: ClearCustomAttributes and CustomAttributes cannot be used together")

// MarshalJSON encodes the fields that are set, in a fixed order. Absent
// fields are left out, Null fields are sent as null, ManagerID is sent as
// {"id": ...} and ClearCustomAttributes as customAttributes: null. It fails
// when ClearCustomAttributes is combined with CustomAttributes.
func (f UserFields) MarshalJSON() ([]byte, error) {
	if f.ClearCustomAttributes && len(f.CustomAttributes) > 0 {
		return nil, errClearAndSetAttributes
	}

	var buf bytes.Buffer
	buf.WriteByte('{')
	write := func(name string, value any) error {
		encoded, err := json.Marshal(value)
		if err != nil {
			return fmt.Errorf("qooper: encode %s: %w", name, err)
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.WriteString(strconv.Quote(name))
		buf.WriteByte(':')
		buf.Write(encoded)
		return nil
	}

	byName := f.stringFields()
	for _, name := range userFieldNames {
		var err error
		switch name {
		case "manager":
			err = writeManager(f.ManagerID, name, write)
		case "customAttributes":
			switch {
			case f.ClearCustomAttributes:
				err = write(name, nil)
			case len(f.CustomAttributes) > 0:
				err = write(name, f.CustomAttributes)
			}
		default:
			if field := byName[name]; field.IsSet() {
				err = write(name, *field)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func writeManager(id Field[string], name string, write func(string, any) error) error {
	if !id.IsSet() {
		return nil
	}
	if value, ok := id.Value(); ok {
		return write(name, map[string]string{"id": value})
	}
	return write(name, nil)
}

// UnmarshalJSON decodes a create or merge-patch body as the server reads
// it. Unknown and read-only fields, a manager other than {"id": "..."} or
// null, and values of the wrong JSON type yield a *ValidationError that
// lists every such field. It does not apply the value rules of Validate.
func (f *UserFields) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return &ValidationError{Errors: []FieldError{{
			Code:    CodeInvalidRequest,
			Message: "body must be a JSON object",
		}}}
	}

	var parsed UserFields
	var problems []FieldError
	byName := parsed.stringFields()
	for _, name := range sortedKeys(raw) {
		value := raw[name]
		switch {
		case slices.Contains(readOnlyFieldNames, name):
			problems = append(problems, FieldError{Field: name, Code: CodeInvalidRequest, Message: "field is read-only"})
		case name == "manager":
			manager, problem := decodeManager(value)
			if problem != nil {
				problems = append(problems, *problem)
			}
			parsed.ManagerID = manager
		case name == "customAttributes":
			problems = append(problems, parsed.decodeCustomAttributes(value)...)
		case byName[name] != nil:
			field, problem := decodeString(name, value)
			if problem != nil {
				problems = append(problems, *problem)
			}
			*byName[name] = field
		default:
			problems = append(problems, FieldError{Field: name, Code: CodeInvalidRequest, Message: "unknown field"})
		}
	}
	if len(problems) > 0 {
		return &ValidationError{Errors: problems}
	}
	*f = parsed
	return nil
}

func isJSONNull(value json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(value), []byte("null"))
}

func decodeString(name string, value json.RawMessage) (Field[string], *FieldError) {
	if isJSONNull(value) {
		return Null[string](), nil
	}
	var s string
	if err := json.Unmarshal(value, &s); err != nil {
		return Field[string]{}, &FieldError{Field: name, Code: CodeInvalidValue, Message: "must be a string or null"}
	}
	return Set(s), nil
}

func decodeManager(value json.RawMessage) (Field[string], *FieldError) {
	if isJSONNull(value) {
		return Null[string](), nil
	}
	problem := &FieldError{Field: "manager", Code: CodeInvalidRequest, Message: `must be {"id": "<user id>"} or null`}
	var ref map[string]json.RawMessage
	if err := json.Unmarshal(value, &ref); err != nil || len(ref) != 1 || ref["id"] == nil {
		return Field[string]{}, problem
	}
	var id string
	if err := json.Unmarshal(ref["id"], &id); err != nil {
		return Field[string]{}, problem
	}
	return Set(id), nil
}

func (f *UserFields) decodeCustomAttributes(value json.RawMessage) []FieldError {
	if isJSONNull(value) {
		f.ClearCustomAttributes = true
		return nil
	}
	var attributes map[string]json.RawMessage
	if err := json.Unmarshal(value, &attributes); err != nil || attributes == nil {
		return []FieldError{{Field: "customAttributes", Code: CodeInvalidValue, Message: "must be an object or null"}}
	}

	var problems []FieldError
	f.CustomAttributes = make(map[string]any, len(attributes))
	for _, key := range sortedKeys(attributes) {
		var decoded any
		if err := json.Unmarshal(attributes[key], &decoded); err != nil {
			problems = append(problems, FieldError{Field: "customAttributes." + key, Code: CodeInvalidValue, Message: "invalid JSON value"})
			continue
		}
		f.CustomAttributes[key] = decoded
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}
