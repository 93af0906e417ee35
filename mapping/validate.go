package mapping

import (
	"fmt"
	"slices"
)

// FieldInfo describes one field of HiBob's fields metadata
// (GET /v1/company/people/fields).
type FieldInfo struct {
	// ID is the field id, such as "work.department".
	ID string
	// Type is HiBob's field type, such as "text", "list", "date" or
	// "employee".
	Type string
	// ListID is the named list of a list field (typeData.listId), or "".
	ListID string
}

// HiBob field types that Validate checks against.
var (
	listFieldTypes     = []string{"list", "multi-list", "hierarchy-list", "list_id"}
	dateFieldTypes     = []string{"date", "time"}
	employeeFieldTypes = []string{"employee", "employee-reference"}
)

// Problem is a contradiction between a mapping and HiBob's fields metadata.
type Problem struct {
	// Target is the target of the rule at fault, or "" for a scope filter.
	Target string
	// Filter is the index of the scope filter in Spec.Scope when Target is "".
	Filter int
	// Field is the field id that the problem is about.
	Field   string
	Message string
}

func (p Problem) String() string {
	if p.Target == "" {
		return fmt.Sprintf("scope filter %d (%s): %s", p.Filter, p.Field, p.Message)
	}
	return fmt.Sprintf("%s (from %s): %s", p.Target, p.Field, p.Message)
}

// Validate checks the mapping against HiBob's fields metadata and returns
// the problems in rule order, then scope filter order, or none.
//
// It reports field ids that the metadata does not list, and these type
// contradictions:
//   - a list transform on a field that is not a list, or uses another list;
//   - a date transform or date target on a field that is not a date or time;
//   - an employee field without the employeeId transform;
//   - a list field whose item ids would reach the target unresolved.
func (m *Mapping) Validate(fields []FieldInfo) []Problem {
	byID := make(map[string]FieldInfo, len(fields))
	for _, f := range fields {
		byID[f.ID] = f
	}
	var problems []Problem
	for _, r := range m.rules {
		report := func(field, message string) {
			problems = append(problems, Problem{Target: r.target, Field: field, Message: message})
		}
		if r.source != "" {
			for _, id := range append([]string{r.source}, r.fallbacks...) {
				checkValueField(byID, id, r.kind, r.steps, false, report)
			}
		}
		checkStepFields(byID, r.steps, report)
	}
	for i, f := range m.scope {
		report := func(field, message string) {
			problems = append(problems, Problem{Filter: i, Field: field, Message: message})
		}
		checkValueField(byID, f.field, kindCustom, f.steps, true, report)
		checkStepFields(byID, f.steps, report)
	}
	return problems
}

// checkValueField checks a field whose value feeds steps and then a target
// of the given kind, or a scope filter when forFilter is true.
func checkValueField(byID map[string]FieldInfo, id string, kind targetKind, steps []step, forFilter bool, report func(field, message string)) {
	info, ok := byID[id]
	if !ok {
		report(id, "field not found in HiBob's fields metadata")
		return
	}
	if message := checkFieldType(info, kind, steps, forFilter); message != "" {
		report(id, message)
	}
}

// checkStepFields checks that the fields that transforms read besides their
// input exist.
func checkStepFields(byID map[string]FieldInfo, steps []step, report func(field, message string)) {
	for _, s := range steps {
		fr, ok := s.transform.(fieldReader)
		if !ok {
			continue
		}
		for _, id := range fr.SourceFields() {
			if _, ok := byID[id]; !ok {
				report(id, "field not found in HiBob's fields metadata")
			}
		}
	}
}

// checkFieldType returns a message when the field's type contradicts the
// first transform that interprets the value, or the target, or "" when it
// does not. A scope filter may compare raw values such as list item ids, so
// forFilter skips the checks on values that reach the target unconverted.
func checkFieldType(info FieldInfo, kind targetKind, steps []step, forFilter bool) string {
	isList := slices.Contains(listFieldTypes, info.Type)
	isDate := slices.Contains(dateFieldTypes, info.Type)

	// Transforms that only touch text leave the meaning of the value alone,
	// so the first other transform is the one that interprets the field.
	first := -1
	for i, s := range steps {
		switch s.transform.(type) {
		case textOpTransform, textTransform:
			continue
		}
		first = i
		break
	}
	var interpreter Transform
	if first >= 0 {
		interpreter = steps[first].transform
	}

	switch t := interpreter.(type) {
	case listTransform:
		if !isList {
			return fmt.Sprintf("field has type %q, but the list transform needs a list field", info.Type)
		}
		if info.ListID != "" && info.ListID != t.list {
			return fmt.Sprintf("field takes its items from list %q, but the rule resolves labels from list %q", info.ListID, t.list)
		}
		if info.Type == "multi-list" && !hasStep[joinTransform](steps) {
			return "multi-list field gives an array of labels; add the join transform after list"
		}
		return ""
	case dateTransform:
		if !isDate {
			return fmt.Sprintf("field has type %q, but the date transform needs a date or time field", info.Type)
		}
		return ""
	case employeeIDTransform:
		if !slices.Contains(employeeFieldTypes, info.Type) {
			return fmt.Sprintf("field has type %q, but the employeeId transform needs an employee or employee-reference field", info.Type)
		}
		return ""
	case nil, defaultTransform, joinTransform:
		// The value reaches the target as HiBob sends it.
		if forFilter {
			return ""
		}
	default:
		return ""
	}

	switch {
	case isList:
		return "list field mapped without the list transform: the target would get item ids, not labels"
	case info.Type == "employee":
		return "employee field is an object; add the employeeId transform"
	case kind == kindDate && !isDate:
		return fmt.Sprintf("field has type %q, but the target needs a date", info.Type)
	}
	return ""
}

// hasStep reports whether steps contain a transform of type T.
func hasStep[T Transform](steps []step) bool {
	for _, s := range steps {
		if _, ok := s.transform.(T); ok {
			return true
		}
	}
	return false
}
