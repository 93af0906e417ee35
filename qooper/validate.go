package qooper

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the user fields. Lengths count Unicode code points.
const (
	MaxEmailLength = 254
	// MaxNameLength applies to firstName and lastName after trimming.
	MaxNameLength = 100
	// MaxTextLength applies to displayName, jobTitle, department, location
	// and employeeNumber.
	MaxTextLength               = 200
	MaxExternalIDLength         = 255
	MaxCustomAttributes         = 50
	MaxCustomAttributeKeyLength = 64
)

// FieldError describes one rejected field. Field is the JSON name, such as
// "email" or "customAttributes.level"; it is empty for a problem with the
// body as a whole. Code is CodeRequired, CodeInvalidValue, CodeInvalidRequest
// or, from the server, CodeUniqueness. Message never contains the value.
type FieldError struct {
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e FieldError) String() string {
	if e.Field == "" {
		return fmt.Sprintf("%s (%s)", e.Message, e.Code)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Field, e.Message, e.Code)
}

// ValidationError lists the fields of a request body that break the field
// rules. It matches ErrInvalid.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fieldErr := range e.Errors {
		parts[i] = fieldErr.String()
	}
	return "qooper: invalid user fields: " + strings.Join(parts, "; ")
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Code returns CodeInvalidRequest when a field is unknown, read-only or of
// the wrong shape, and CodeInvalidValue otherwise. A server responds with
// this code and status 400.
func (e *ValidationError) Code() string {
	for _, fieldErr := range e.Errors {
		if fieldErr.Code == CodeInvalidRequest {
			return CodeInvalidRequest
		}
	}
	return CodeInvalidValue
}

// Validate checks the fields against the value rules of the API and returns
// a *ValidationError that lists every field that breaks one, or nil.
//
// A create (create is true) must set Email, FirstName and LastName. No
// request may set them to null. The rules for set values are:
//   - Email: at most 254 ASCII characters, local@domain with a dot-atom
//     local part (RFC 5322) and a domain of two or more dot-separated
//     labels, without surrounding spaces.
//   - FirstName, LastName: 1 to 100 characters after trimming white space.
//   - DisplayName, JobTitle, Department, Location, EmployeeNumber: at most
//     200 characters.
//   - StartDate, TerminationDate: a valid date written YYYY-MM-DD.
//   - ExternalID: 1 to 255 characters.
//   - CustomAttributes: at most 50 keys of 1 to 64 characters from
//     [A-Za-z0-9_.-]. Values are strings, finite numbers, booleans or nil.
//     ClearCustomAttributes cannot be combined with keys.
//
// Lengths count Unicode code points. The server also checks what Validate
// cannot: that the manager exists and makes no reporting cycle, that the
// email and external id are unique, and that a merged set of custom
// attributes still has at most 50 keys.
func (f UserFields) Validate(create bool) error {
	var problems []FieldError
	add := func(field, code, message string) {
		problems = append(problems, FieldError{Field: field, Code: code, Message: message})
	}

	for _, required := range []struct {
		name  string
		field Field[string]
	}{{"email", f.Email}, {"firstName", f.FirstName}, {"lastName", f.LastName}} {
		switch {
		case required.field.IsNull():
			add(required.name, CodeRequired, "field is required and cannot be null")
		case create && !required.field.IsSet():
			add(required.name, CodeRequired, "field is required")
		}
	}

	if externalID, ok := f.ExternalID.Value(); ok {
		if n := utf8.RuneCountInString(externalID); n < 1 || n > MaxExternalIDLength {
			add("externalId", CodeInvalidValue, fmt.Sprintf("must be 1 to %d characters", MaxExternalIDLength))
		}
	}
	if email, ok := f.Email.Value(); ok {
		if message := checkEmail(email); message != "" {
			add("email", CodeInvalidValue, message)
		}
	}
	for _, name := range []struct {
		json  string
		field Field[string]
	}{{"firstName", f.FirstName}, {"lastName", f.LastName}} {
		if value, ok := name.field.Value(); ok {
			if n := utf8.RuneCountInString(strings.TrimSpace(value)); n < 1 || n > MaxNameLength {
				add(name.json, CodeInvalidValue, fmt.Sprintf("must be 1 to %d characters after trimming spaces", MaxNameLength))
			}
		}
	}
	for _, text := range []struct {
		json  string
		field Field[string]
	}{
		{"displayName", f.DisplayName}, {"jobTitle", f.JobTitle}, {"department", f.Department},
		{"location", f.Location}, {"employeeNumber", f.EmployeeNumber},
	} {
		if value, ok := text.field.Value(); ok && utf8.RuneCountInString(value) > MaxTextLength {
			add(text.json, CodeInvalidValue, fmt.Sprintf("must be at most %d characters", MaxTextLength))
		}
	}
	for _, date := range []struct {
		json  string
		field Field[string]
	}{{"startDate", f.StartDate}, {"terminationDate", f.TerminationDate}} {
		if value, ok := date.field.Value(); ok && !IsDate(value) {
			add(date.json, CodeInvalidValue, "must be a date written YYYY-MM-DD")
		}
	}
	problems = append(problems, checkCustomAttributes(f.CustomAttributes, f.ClearCustomAttributes)...)

	if len(problems) > 0 {
		return &ValidationError{Errors: problems}
	}
	return nil
}

// IsDate reports whether s is a valid civil date written YYYY-MM-DD.
func IsDate(s string) bool {
	if len(s) != len(time.DateOnly) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// atext lists the characters that RFC 5322 allows in a dot-atom besides
// letters and digits.
const atext = "!#$%&'*+-/=?^_`{|}~"

// checkEmail returns why email is not an acceptable address, or "".
func checkEmail(email string) string {
	const format = "must be an ASCII address local@domain without surrounding spaces"
	if len(email) > MaxEmailLength {
		return fmt.Sprintf("must be at most %d characters", MaxEmailLength)
	}
	local, domain, found := strings.Cut(email, "@")
	if !found || !isDotAtom(local) || !isDottedDomain(domain) {
		return format
	}
	return ""
}

func isDotAtom(s string) bool {
	if s == "" {
		return false
	}
	for _, atom := range strings.Split(s, ".") {
		if atom == "" {
			return false
		}
		for i := 0; i < len(atom); i++ {
			c := atom[i]
			if !isASCIIAlphanumeric(c) && strings.IndexByte(atext, c) < 0 {
				return false
			}
		}
	}
	return true
}

// isDottedDomain reports whether s is a host name of two or more labels of
// letters, digits and inner hyphens, each at most 63 characters.
func isDottedDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, label := range labels {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if !isASCIIAlphanumeric(label[i]) && label[i] != '-' {
				return false
			}
		}
	}
	return true
}

func isASCIIAlphanumeric(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func checkCustomAttributes(attributes map[string]any, clear bool) []FieldError {
	var problems []FieldError
	if clear && len(attributes) > 0 {
		problems = append(problems, FieldError{
			Field: "customAttributes", Code: CodeInvalidValue,
			Message: "cannot clear all custom attributes and set some in one request",
		})
	}
	if len(attributes) > MaxCustomAttributes {
		problems = append(problems, FieldError{
			Field: "customAttributes", Code: CodeInvalidValue,
			Message: fmt.Sprintf("must have at most %d keys", MaxCustomAttributes),
		})
	}
	keys := make([]string, 0, len(attributes))
	for key := range attributes {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		if !IsCustomAttributeKey(key) {
			problems = append(problems, FieldError{
				Field: "customAttributes." + key, Code: CodeInvalidValue,
				Message: fmt.Sprintf("key must be 1 to %d characters from A-Z, a-z, 0-9, '_', '.' and '-'", MaxCustomAttributeKeyLength),
			})
			continue
		}
		if !isCustomAttributeValue(attributes[key]) {
			problems = append(problems, FieldError{
				Field: "customAttributes." + key, Code: CodeInvalidValue,
				Message: "value must be a string, a finite number, a boolean or null",
			})
		}
	}
	return problems
}

// IsCustomAttributeKey reports whether key is 1 to 64 characters from
// [A-Za-z0-9_.-].
func IsCustomAttributeKey(key string) bool {
	if key == "" || len(key) > MaxCustomAttributeKeyLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		if !isASCIIAlphanumeric(key[i]) && !strings.ContainsRune("_.-", rune(key[i])) {
			return false
		}
	}
	return true
}

func isCustomAttributeValue(value any) bool {
	switch v := value.(type) {
	case nil, string, bool,
		int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case float32:
		return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
	case json.Number:
		_, err := v.Float64()
		return err == nil
	default:
		return false
	}
}
