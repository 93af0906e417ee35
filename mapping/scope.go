package mapping

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// filter is a compiled FilterSpec.
type filter struct {
	field      string
	steps      []step
	op         string
	negate     bool
	value      string
	values     []string
	re         *regexp.Regexp
	ignoreCase bool
}

func (r *Registry) compileFilter(fs FilterSpec) (filter, error) {
	if err := checkFieldID(fs.Field); err != nil {
		return filter{}, err
	}
	steps, err := r.compileSteps(fs.Transforms)
	if err != nil {
		return filter{}, err
	}
	f := filter{field: fs.Field, steps: steps, op: fs.Op, ignoreCase: fs.IgnoreCase}

	hasValue, hasValues, hasPattern := fs.Value != "", len(fs.Values) > 0, fs.Pattern != ""
	switch fs.Op {
	case FilterEquals, FilterNotEquals:
		f.negate = fs.Op == FilterNotEquals
		f.value = strings.TrimSpace(fs.Value)
		if f.value == "" {
			return filter{}, fmt.Errorf("op %s needs a non-blank value; use op %s to match null or blank text", fs.Op, FilterEmpty)
		}
		if hasValues || hasPattern {
			return filter{}, fmt.Errorf("op %s takes value only, not values or pattern", fs.Op)
		}
	case FilterIn, FilterNotIn:
		f.negate = fs.Op == FilterNotIn
		if !hasValues {
			return filter{}, fmt.Errorf("op %s needs values", fs.Op)
		}
		if hasValue || hasPattern {
			return filter{}, fmt.Errorf("op %s takes values only, not value or pattern", fs.Op)
		}
		for i, v := range fs.Values {
			v = strings.TrimSpace(v)
			if v == "" {
				return filter{}, fmt.Errorf("values[%d] is blank; use op %s to match null or blank text", i, FilterEmpty)
			}
			f.values = append(f.values, v)
		}
	case FilterRegex, FilterNotRegex:
		f.negate = fs.Op == FilterNotRegex
		if !hasPattern {
			return filter{}, fmt.Errorf("op %s needs a pattern", fs.Op)
		}
		if hasValue || hasValues || fs.IgnoreCase {
			return filter{}, fmt.Errorf("op %s takes pattern only; write (?i) in the pattern to ignore case", fs.Op)
		}
		f.re, err = regexp.Compile(fs.Pattern)
		if err != nil {
			return filter{}, fmt.Errorf("invalid pattern: %w", err)
		}
	case FilterEmpty, FilterNotEmpty:
		f.negate = fs.Op == FilterNotEmpty
		if hasValue || hasValues || hasPattern || fs.IgnoreCase {
			return filter{}, fmt.Errorf("op %s takes no value, values, pattern or ignoreCase", fs.Op)
		}
	case "":
		return filter{}, errors.New("missing op")
	default:
		return filter{}, fmt.Errorf("unknown op %q: use equals, notEquals, in, notIn, regex, notRegex, empty or notEmpty", fs.Op)
	}
	return f, nil
}

// match reports whether the record passes the filter. A field absent from
// the record is an ErrMissingField error, because the record can then be
// neither kept nor excluded safely.
func (f *filter) match(env Env) (bool, error) {
	v, ok := env.Record.Field(f.field)
	if !ok {
		return false, ErrMissingField
	}
	v, ok, err := runSteps(f.steps, trimInput(v), env)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, fmt.Errorf("%w: a transform read a field that is missing", ErrMissingField)
	}

	var positive bool
	if f.op == FilterEmpty || f.op == FilterNotEmpty {
		positive = isEmptyValue(v)
	} else {
		positive, err = f.matchValue(v)
		if err != nil {
			return false, err
		}
	}
	return positive != f.negate, nil
}

// matchValue reports whether the text of v, or of one element of an array
// v, matches the filter's value, values or pattern.
func (f *filter) matchValue(v any) (bool, error) {
	items, isArray := v.([]any)
	if !isArray {
		text, err := scalarText(v)
		if err != nil {
			return false, err
		}
		return f.matchText(cleanText(text)), nil
	}
	for _, item := range items {
		text, err := scalarText(item)
		if err != nil {
			return false, err
		}
		if f.matchText(cleanText(text)) {
			return true, nil
		}
	}
	return false, nil
}

func (f *filter) matchText(text string) bool {
	switch {
	case f.re != nil:
		return f.re.MatchString(text)
	case f.values != nil:
		for _, want := range f.values {
			if f.equal(text, want) {
				return true
			}
		}
		return false
	}
	return f.equal(text, f.value)
}

func (f *filter) equal(a, b string) bool {
	if f.ignoreCase {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// isEmptyValue reports whether v is null, blank text, or an array with no
// element that is not blank.
func isEmptyValue(v any) bool {
	if items, ok := v.([]any); ok {
		for _, item := range items {
			if !isBlank(item) {
				return false
			}
		}
		return true
	}
	return isBlank(v)
}
