package hibob

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Employee is one employee record as HiBob returned it. It keeps the whole
// decoded JSON: objects as map[string]any, arrays as []any and numbers as
// json.Number, so no value is lost or rounded. Read values with Field or
// the typed accessors.
//
// HiBob returns each requested field twice: nested under its category
// (root fields at the top level, for example "email" and
// "work": {"department": ...}), and under a slash key such as
// "/work/department": {"value": ...}. Slash keys exist only for non-null
// values. Field reads either form. SearchPeople keeps a slash key only
// where the nested form lacks the field, which more than halves the memory
// of a large search, so Raw and MarshalJSON of its employees show each
// field once.
type Employee struct {
	raw map[string]any
}

// NewEmployee returns an Employee over raw, which it does not copy. Numbers
// in raw should be json.Number, as the decoder of this package produces.
func NewEmployee(raw map[string]any) *Employee {
	if raw == nil {
		raw = map[string]any{}
	}
	return &Employee{raw: raw}
}

// Raw returns the decoded record. Changes to it change the Employee.
func (e *Employee) Raw() map[string]any { return e.raw }

// UnmarshalJSON decodes a JSON object, keeping numbers as json.Number.
func (e *Employee) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("hibob: decode employee: %w", err)
	}
	if raw == nil {
		return fmt.Errorf("hibob: decode employee: got null, want a JSON object")
	}
	e.raw = raw
	return nil
}

// MarshalJSON encodes the record as it was decoded, so an Employee
// round-trips through JSON.
func (e *Employee) MarshalJSON() ([]byte, error) {
	if e == nil || e.raw == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(e.raw)
}

// Field returns the value of a HiBob field id such as "root.email",
// "work.department" or "work.custom.field_1698036945383". Root fields live
// at the top level of the record, so "root.email" reads "email". A field id
// may also reach inside an object value: "work.reportsTo.id" reads the id
// of the manager object.
//
// present is false when the record has the field in neither form, which is
// how HiBob reports a field the service user may not see. A field that is
// present but null returns (nil, true).
func (e *Employee) Field(id string) (value any, present bool) {
	if e == nil || e.raw == nil || id == "" {
		return nil, false
	}
	// The nested form is the usual hit, so it is walked without splitting
	// the id; the slash form is tried only for an absent field.
	if value, present := lookupNestedPath(e.raw, strings.TrimPrefix(id, "root.")); present {
		return value, true
	}
	return lookupSlash(e.raw, strings.Split(id, "."))
}

// dropDuplicateSlashKeys deletes the slash keys of raw whose field the
// nested form also has. HiBob sends every non-null field in both forms,
// and Field reads the nested form first, so the slash copy is never read.
// That copy is about two thirds of a decoded record's memory. A slash key
// whose nested field is absent stays.
func dropDuplicateSlashKeys(raw map[string]any) {
	for key := range raw {
		path, ok := strings.CutPrefix(key, "/")
		if !ok || path == "" {
			continue
		}
		id := strings.ReplaceAll(path, "/", ".")
		if _, present := lookupNestedPath(raw, strings.TrimPrefix(id, "root.")); present {
			delete(raw, key)
		}
	}
}

// lookupNestedPath is lookupNested over the dot-separated segments of
// path, read in place.
func lookupNestedPath(value any, path string) (any, bool) {
	current := value
	for {
		part, rest, more := strings.Cut(path, ".")
		if current == nil {
			return nil, true
		}
		m, ok := current.(map[string]any)
		if !ok {
			return nil, false
		}
		current, ok = m[part]
		if !ok {
			return nil, false
		}
		if !more {
			return current, true
		}
		path = rest
	}
}

// HumanReadable returns the display value of a field id from the nested
// "humanReadable" object that HiBob adds when a search requests
// HumanReadableAppend.
func (e *Employee) HumanReadable(id string) (value any, present bool) {
	if e == nil || e.raw == nil {
		return nil, false
	}
	human, ok := e.raw["humanReadable"].(map[string]any)
	if !ok {
		return nil, false
	}
	return lookupNested(human, fieldPath(id))
}

// fieldPath returns the nested JSON path of a field id. Root field ids
// drop their "root." prefix because root fields sit at the top level.
func fieldPath(id string) []string {
	if rest, ok := strings.CutPrefix(id, "root."); ok {
		id = rest
	}
	return strings.Split(id, ".")
}

// lookupNested walks parts through nested objects. A null on the way
// counts as a present null, because the enclosing value is known to be
// empty.
func lookupNested(value any, parts []string) (any, bool) {
	current := value
	for _, part := range parts {
		if current == nil {
			return nil, true
		}
		m, ok := current.(map[string]any)
		if !ok {
			return nil, false
		}
		current, ok = m[part]
		if !ok {
			return nil, false
		}
	}
	return current, true
}

// lookupSlash reads the slash key form. It tries the longest slash key
// first and walks the rest of the path inside its value, so
// "work.reportsTo.id" is found under "/work/reportsTo".
func lookupSlash(raw map[string]any, parts []string) (any, bool) {
	for n := len(parts); n > 0; n-- {
		entry, ok := raw["/"+strings.Join(parts[:n], "/")]
		if !ok {
			continue
		}
		value := entry
		if wrapper, ok := entry.(map[string]any); ok {
			if inner, ok := wrapper["value"]; ok {
				value = inner
			}
		}
		if n == len(parts) {
			return value, true
		}
		return lookupNested(value, parts[n:])
	}
	return nil, false
}

// FieldString returns the field's value as a string: text as it is, numbers in
// their JSON form and booleans as "true" or "false". It returns "" for a
// missing or null field and for objects and arrays.
func (e *Employee) FieldString(id string) string {
	value, _ := e.Field(id)
	return stringValue(value)
}

func stringValue(value any) string {
	switch v := value.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	default:
		return ""
	}
}

// ID returns root.id, HiBob's employee id: a numeric string of about 19
// digits that is kept as text.
func (e *Employee) ID() string { return e.FieldString("root.id") }

// FirstName returns root.firstName.
func (e *Employee) FirstName() string { return e.FieldString("root.firstName") }

// Surname returns root.surname.
func (e *Employee) Surname() string { return e.FieldString("root.surname") }

// DisplayName returns root.displayName.
func (e *Employee) DisplayName() string { return e.FieldString("root.displayName") }

// Email returns root.email, which can be empty: HiBob does not require a
// work e-mail, and hides it from service users without permission.
func (e *Employee) Email() string { return e.FieldString("root.email") }

// Title returns work.title: a list item id of the "title" named list, or
// its label when the search asked for HumanReadableReplace.
func (e *Employee) Title() string { return e.FieldString("work.title") }

// Department returns work.department: a list item id of the "department"
// named list, or its label when the search asked for HumanReadableReplace.
func (e *Employee) Department() string { return e.FieldString("work.department") }

// Site returns work.site, the site name as text.
func (e *Employee) Site() string { return e.FieldString("work.site") }

// StartDate returns work.startDate as HiBob sends it, "yyyy-MM-dd".
func (e *Employee) StartDate() string { return e.FieldString("work.startDate") }

// ManagerID returns the employee id of the manager from work.reportsTo.id,
// else from work.manager. It is empty at the top of the organisation.
func (e *Employee) ManagerID() string {
	if id := e.FieldString("work.reportsTo.id"); id != "" {
		return id
	}
	return e.FieldString("work.manager")
}

// Status returns internal.status, "Active" or "Inactive".
func (e *Employee) Status() string { return e.FieldString("internal.status") }

// LifecycleStatus returns internal.lifecycleStatus, for example "employed"
// or "terminated".
func (e *Employee) LifecycleStatus() string { return e.FieldString("internal.lifecycleStatus") }

// TerminationDate returns internal.terminationDate, "yyyy-MM-dd" or empty.
// A rehired employee can be Active with a past termination date, so use
// Status to decide whether someone works at the company.
func (e *Employee) TerminationDate() string { return e.FieldString("internal.terminationDate") }

// EmployeeNumber returns work.employeeIdInCompany, a JSON number in HiBob,
// as a string.
func (e *Employee) EmployeeNumber() string { return e.FieldString("work.employeeIdInCompany") }
