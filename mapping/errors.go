package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// ErrOutOfScope is returned by Map for a record that a scope filter
// excludes. The sync engine treats such a person as not present in the
// source. Match it with errors.Is.
var ErrOutOfScope = errors.New("out of scope")

// Causes of a FieldError, matched with errors.Is.
var (
	// ErrInvalidType means a value has the wrong JSON type, such as an object
	// where text is expected or a number where an email is expected.
	ErrInvalidType = errors.New("invalid value type")
	// ErrInvalidDate means a value is not a civil date YYYY-MM-DD, optionally
	// followed by a time.
	ErrInvalidDate = errors.New("invalid civil date")
	// ErrInvalidNumber means a number cannot be rendered: it is not a JSON
	// number, or it is NaN or infinite.
	ErrInvalidNumber = errors.New("invalid number")
	// ErrListNotFound means a rule resolves labels from a named list that the
	// caller did not pass to Map.
	ErrListNotFound = errors.New("named list not found")
	// ErrListItemNotFound means a list item id has no label in its named list
	// and is not itself one of the list's labels.
	ErrListItemNotFound = errors.New("list item not found")
	// ErrUnmappedValue means a value map transform with unmatched "error" has
	// no entry for a value.
	ErrUnmappedValue = errors.New("value not in value map")
	// ErrInvalidValue means a value is of the right type but not allowed for
	// its target, such as a status other than active or inactive.
	ErrInvalidValue = errors.New("invalid value")
	// ErrMissingField means a scope filter reads a field that the record does
	// not contain, so the record can be neither kept nor excluded.
	ErrMissingField = errors.New("field missing from record")
)

// FieldError is a failure to map one target field, or to evaluate one scope
// filter, of one record. The built-in transforms put list item ids and
// values missing from a value map in their messages, but no other source
// values, because those may be personal data.
type FieldError struct {
	// EmployeeID is the record's id.
	EmployeeID string
	// Target is the target field of the failed rule, or "" when a scope
	// filter failed.
	Target string
	// Source is the source field id that the rule or filter reads first, or ""
	// for a rule without a source field.
	Source string
	Err    error
}

func (e *FieldError) Error() string {
	return "mapping: employee " + e.EmployeeID + ": " + e.describe()
}

// describe formats the error without the employee prefix.
func (e *FieldError) describe() string {
	switch {
	case e.Target == "":
		return "scope filter on " + e.Source + ": " + e.Err.Error()
	case e.Source == "":
		return e.Target + ": " + e.Err.Error()
	default:
		return e.Target + " (from " + e.Source + "): " + e.Err.Error()
	}
}

func (e *FieldError) Unwrap() error { return e.Err }

// RecordError is the error of one record that could not be mapped. It
// contains every FieldError of that record, so errors.As and errors.Is see
// each of them.
type RecordError struct {
	EmployeeID string
	Fields     []*FieldError
}

func (e *RecordError) Error() string {
	if len(e.Fields) == 1 {
		return e.Fields[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "mapping: employee %s: %d field errors", e.EmployeeID, len(e.Fields))
	for _, f := range e.Fields {
		b.WriteString("; ")
		b.WriteString(f.describe())
	}
	return b.String()
}

// Unwrap returns the field errors.
func (e *RecordError) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		errs[i] = f
	}
	return errs
}

// RuleError is a rule that cannot be compiled. Index is the rule's position
// in Spec.Rules.
type RuleError struct {
	Index  int
	Target string
	Err    error
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("mapping: rule %d (%s): %v", e.Index, e.Target, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

// FilterError is a scope filter that cannot be compiled. Index is the
// filter's position in Spec.Scope.
type FilterError struct {
	Index int
	Field string
	Err   error
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("mapping: scope filter %d (%s): %v", e.Index, e.Field, e.Err)
}

func (e *FilterError) Unwrap() error { return e.Err }

// invalidType returns an ErrInvalidType error for v.
func invalidType(v any, want string) error {
	return fmt.Errorf("%w: got %s, want %s", ErrInvalidType, typeName(v), want)
}
