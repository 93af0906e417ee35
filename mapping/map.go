package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// Map maps one record. It returns an error that wraps ErrOutOfScope when a
// scope filter excludes the record. Otherwise it maps every rule, and if any
// fails it returns a *RecordError with every FieldError of the record and
// no User.
func (m *Mapping) Map(rec Record, lists Lists) (*User, error) {
	if rec == nil {
		return nil, errors.New("mapping: nil record")
	}
	id := rec.ID()
	env := Env{Record: rec, Lists: lists}

	var fieldErrs []*FieldError
	for i := range m.scope {
		f := &m.scope[i]
		match, err := f.match(env)
		if err != nil {
			fieldErrs = append(fieldErrs, &FieldError{EmployeeID: id, Source: f.field, Err: err})
			continue
		}
		if !match {
			return nil, fmt.Errorf("mapping: employee %s: %w: scope filter %d (%s %s) does not match",
				id, ErrOutOfScope, i, f.field, f.op)
		}
	}
	if len(fieldErrs) > 0 {
		return nil, &RecordError{EmployeeID: id, Fields: fieldErrs}
	}

	values := make(map[string]Value, len(m.rules))
	for i := range m.rules {
		r := &m.rules[i]
		v, err := r.apply(env)
		if err != nil {
			fieldErrs = append(fieldErrs, &FieldError{EmployeeID: id, Target: r.target, Source: r.source, Err: err})
			continue
		}
		if v.Known {
			values[r.target] = v
		}
	}
	if len(fieldErrs) > 0 {
		return nil, &RecordError{EmployeeID: id, Fields: fieldErrs}
	}
	return &User{EmployeeID: id, Values: values}, nil
}

// apply reads the rule's source, runs its transforms and finalises the
// result for the target.
func (r *rule) apply(env Env) (Value, error) {
	v, ok := r.read(env.Record)
	if !ok {
		return Value{}, nil
	}
	v, ok, err := runSteps(r.steps, v, env)
	if err != nil || !ok {
		return Value{}, err
	}
	v, err = finalize(r.kind, v)
	if err != nil {
		return Value{}, err
	}
	if v == nil && r.def != nil {
		v = r.def
	}
	return known(v), nil
}

// read returns the value of the source field, or of the first fallback
// that is present and not null, and whether any of them is present. A rule
// without a source reads a known null, which its first transform replaces.
func (r *rule) read(rec Record) (any, bool) {
	if r.source == "" {
		return nil, true
	}
	v, present := rec.Field(r.source)
	v = trimInput(v)
	if v != nil {
		return v, true
	}
	for _, id := range r.fallbacks {
		fv, ok := rec.Field(id)
		fv = trimInput(fv)
		if fv != nil {
			return fv, true
		}
		present = present || ok
	}
	return nil, present
}

// runSteps applies transforms in order. It returns false when a transform
// made the value unknown.
func runSteps(steps []step, v any, env Env) (any, bool, error) {
	for _, s := range steps {
		out, err := s.transform.Apply(v, env)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", s.name, err)
		}
		if !out.Known {
			return nil, false, nil
		}
		v = out.V
	}
	return v, true, nil
}

// trimInput trims source text and turns blank text into null, so that
// transforms receive HiBob's empty strings as null.
func trimInput(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	trimmed := strings.TrimSpace(s)
	switch {
	case trimmed == "":
		return nil
	case len(trimmed) != len(s):
		return trimmed
	}
	return v
}

// finalize checks a rule's result against the target kind and converts it
// to the form of Value.V. Control characters in text become spaces, text is
// trimmed, and blank text becomes null. Dates keep YYYY-MM-DD. Numbers
// become text, or float64 for a custom attribute.
func finalize(kind targetKind, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return finalizeText(kind, v, x)
	case bool:
		if kind == kindCustom {
			return v, nil
		}
	}
	if isNumber(v) {
		switch kind {
		case kindID:
			return formatNumber(v)
		case kindCustom:
			return toFloat(v)
		}
	}
	return nil, invalidType(v, kind.expected())
}

// finalizeText finalises text s, whose boxed form is v. It returns v itself
// when s does not change, to save an allocation.
func finalizeText(kind targetKind, v any, s string) (any, error) {
	clean := cleanText(s)
	if clean == "" {
		return nil, nil
	}
	switch kind {
	case kindDate:
		if _, err := parseCivilDate(clean); err != nil {
			return nil, err
		}
		clean = clean[:10]
	case kindStatus:
		if clean != StatusActive && clean != StatusInactive {
			return nil, fmt.Errorf("%w: status must be %s", ErrInvalidValue, kind.expected())
		}
	}
	if clean == s {
		return v, nil
	}
	return clean, nil
}
