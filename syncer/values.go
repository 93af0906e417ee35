package syncer

import (
	"strings"
	"unicode"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// stringFields lists the Qooper string fields the engine compares and
// writes, in the order they appear in a rendered change. The manager and the
// status have their own handling.
var stringFields = []string{
	mapping.TargetEmail,
	mapping.TargetFirstName,
	mapping.TargetLastName,
	mapping.TargetDisplayName,
	mapping.TargetJobTitle,
	mapping.TargetDepartment,
	mapping.TargetLocation,
	mapping.TargetEmployeeNumber,
	mapping.TargetStartDate,
	mapping.TargetTerminationDate,
}

// currentString returns a string field of a Qooper user: nil when Qooper
// stores no value.
func currentString(u *qooper.User, field string) *string {
	switch field {
	case mapping.TargetEmail:
		return &u.Email
	case mapping.TargetFirstName:
		return &u.FirstName
	case mapping.TargetLastName:
		return &u.LastName
	case mapping.TargetDisplayName:
		return u.DisplayName
	case mapping.TargetJobTitle:
		return u.JobTitle
	case mapping.TargetDepartment:
		return u.Department
	case mapping.TargetLocation:
		return u.Location
	case mapping.TargetEmployeeNumber:
		return u.EmployeeNumber
	case mapping.TargetStartDate:
		return u.StartDate
	case mapping.TargetTerminationDate:
		return u.TerminationDate
	}
	return nil
}

// normalize returns the form in which two values of a field compare equal
// when they mean the same: inner whitespace collapsed, e-mail addresses in
// lower case, dates cut to YYYY-MM-DD. An empty string and no value both
// normalize to "".
func normalize(field string, value string) string {
	switch field {
	case mapping.TargetEmail:
		return strings.ToLower(strings.TrimSpace(value))
	case mapping.TargetStartDate, mapping.TargetTerminationDate:
		value = strings.TrimSpace(value)
		if len(value) > 10 && value[10] == 'T' {
			return value[:10]
		}
		return value
	}
	return collapseSpace(value)
}

// collapseSpace trims s and collapses runs of white space to one space. It
// returns s itself when there is nothing to change, which is the usual case.
func collapseSpace(s string) string {
	if isCollapsed(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isCollapsed reports whether s has no leading, trailing or repeated white
// space and no white space other than the ASCII space.
func isCollapsed(s string) bool {
	previousSpace := true
	for _, r := range s {
		switch {
		case r == ' ':
			if previousSpace {
				return false
			}
			previousSpace = true
		case unicode.IsSpace(r):
			return false
		default:
			previousSpace = false
		}
	}
	return !previousSpace || s == ""
}

// stringEqual reports whether the current value of a field means the same
// as the desired one. desired is nil or a string.
func stringEqual(field string, current *string, desired any) bool {
	var want string
	switch v := desired.(type) {
	case nil:
	case string:
		want = v
	default:
		return false
	}
	var got string
	if current != nil {
		got = *current
	}
	return normalize(field, got) == normalize(field, want)
}

// attributeEqual reports whether a custom attribute value means the same as
// the desired one.
func attributeEqual(current any, present bool, desired any) bool {
	if !present {
		current = nil
	}
	switch want := desired.(type) {
	case nil:
		return current == nil
	case string:
		got, ok := current.(string)
		return ok && collapseSpace(got) == collapseSpace(want)
	case float64:
		switch got := current.(type) {
		case float64:
			return got == want
		case int:
			return float64(got) == want
		case int64:
			return float64(got) == want
		}
		return false
	case bool:
		got, ok := current.(bool)
		return ok && got == want
	}
	return false
}

// stringPointerValue returns the value of p for a FieldChange: nil or a
// string.
func stringPointerValue(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// valueString returns the string of a mapped value, or "" for null or a
// value of another type.
func valueString(v mapping.Value) string {
	s, _ := v.V.(string)
	return s
}
