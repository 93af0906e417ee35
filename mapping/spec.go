package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// SpecVersion is the only version of the mapping document format.
const SpecVersion = 1

// ExtendsDefault is the Spec.Extends value that builds on DefaultSpec.
const ExtendsDefault = "default"

// Spec is the uncompiled form of a mapping: what an operator writes as
// JSON, or a program builds in Go. Compile turns it into a Mapping.
type Spec struct {
	// Version must be SpecVersion.
	Version int `json:"version"`
	// Extends is "" for a mapping made of Rules only, or ExtendsDefault to
	// start from the default rules. Then a rule whose target a default rule
	// maps replaces that rule in place, and other rules are appended.
	Extends string `json:"extends,omitempty"`
	// Rules map target fields, at most one rule per target.
	Rules []RuleSpec `json:"rules,omitempty"`
	// Scope filters select the records in scope. A record is in scope when
	// every filter matches it.
	Scope []FilterSpec `json:"scope,omitempty"`
}

// RuleSpec maps one target field.
type RuleSpec struct {
	// Target is a target field name such as TargetJobTitle, or
	// CustomAttributePrefix followed by a key of 1–64 characters of
	// [A-Za-z0-9_.-].
	Target string `json:"target"`
	// Source is the HiBob field id that the rule reads. It may be empty only
	// when the first transform is a template, which reads its own fields.
	Source string `json:"source,omitempty"`
	// Fallbacks are field ids read, in order, when Source is absent or
	// null. The first present, non-null one wins.
	Fallbacks []string `json:"fallbacks,omitempty"`
	// Transforms are applied in order to the source value.
	Transforms []TransformSpec `json:"transforms,omitempty"`
	// Default replaces a null or blank result. It is not used when the
	// source field is absent from the record, because the source's value is
	// then unknown. A nil Default means none.
	Default any `json:"default,omitempty"`
	// Disabled removes the rule of the same target from the base mapping,
	// so that the target is never mapped. Other fields are then ignored.
	Disabled bool `json:"disabled,omitempty"`
}

// TransformSpec names one transform and its arguments. In JSON it is an
// object with "name" and the arguments as further keys, such as
// {"name": "list", "list": "title"}.
type TransformSpec struct {
	Name string
	Args Args
	// Transform, when set, is used as it is instead of a registered
	// transform, and Name serves only in error messages. A spec with such a
	// transform has no JSON form.
	Transform Transform
}

// MarshalJSON encodes the transform as an object with "name" first and the
// arguments after it in sorted order.
func (t TransformSpec) MarshalJSON() ([]byte, error) {
	if t.Transform != nil {
		return nil, fmt.Errorf("mapping: transform %q is Go code and has no JSON form", t.Name)
	}
	if _, ok := t.Args["name"]; ok {
		return nil, fmt.Errorf("mapping: transform %q: argument \"name\" is reserved", t.Name)
	}
	var b bytes.Buffer
	b.WriteString(`{"name":`)
	name, err := json.Marshal(t.Name)
	if err != nil {
		return nil, err
	}
	b.Write(name)
	for _, key := range slices.Sorted(maps.Keys(t.Args)) {
		k, err := json.Marshal(key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(t.Args[key])
		if err != nil {
			return nil, fmt.Errorf("mapping: transform %q: argument %q: %w", t.Name, key, err)
		}
		b.WriteByte(',')
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes a transform object. Numbers in arguments decode to
// json.Number.
func (t *TransformSpec) UnmarshalJSON(data []byte) error {
	var fields map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil {
		return err
	}
	if fields == nil {
		return errors.New("transform must be an object, not null")
	}
	name, ok := fields["name"].(string)
	if !ok {
		return errors.New(`transform object needs a "name" text`)
	}
	delete(fields, "name")
	t.Name = name
	t.Args = nil
	t.Transform = nil
	if len(fields) > 0 {
		t.Args = Args(fields)
	}
	return nil
}

// FilterSpec is one scope filter. It reads Field, applies Transforms, and
// compares the result as text: numbers in plain decimal notation, booleans
// as "true" or "false", null as "". An array (a multi-list field) matches
// equals, in and regex when one of its elements does.
type FilterSpec struct {
	Field      string          `json:"field"`
	Transforms []TransformSpec `json:"transforms,omitempty"`
	// Op is one of the Filter* operators.
	Op string `json:"op"`
	// Value is the text of equals and notEquals.
	Value string `json:"value,omitempty"`
	// Values are the texts of in and notIn.
	Values []string `json:"values,omitempty"`
	// Pattern is the RE2 regular expression of regex and notRegex. It is not
	// anchored: use ^ and $ to match the whole text.
	Pattern string `json:"pattern,omitempty"`
	// IgnoreCase makes equals, notEquals, in and notIn compare without
	// regard to case, by Unicode case folding.
	IgnoreCase bool `json:"ignoreCase,omitempty"`
}

// Scope filter operators.
const (
	FilterEquals    = "equals"
	FilterNotEquals = "notEquals"
	FilterIn        = "in"
	FilterNotIn     = "notIn"
	FilterRegex     = "regex"
	FilterNotRegex  = "notRegex"
	// FilterEmpty matches null, blank text and an empty array.
	FilterEmpty    = "empty"
	FilterNotEmpty = "notEmpty"
)

// ParseSpec decodes a JSON mapping document strictly: unknown keys, a
// version other than SpecVersion and trailing data are errors. It does not
// compile the rules; Compile does.
func ParseSpec(data []byte) (Spec, error) {
	var spec Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&spec); err != nil {
		return Spec{}, fmt.Errorf("mapping: invalid JSON mapping: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Spec{}, errors.New("mapping: invalid JSON mapping: unexpected data after the document")
	}
	if spec.Version == 0 {
		return Spec{}, fmt.Errorf(`mapping: invalid JSON mapping: missing "version": set "version": %d`, SpecVersion)
	}
	if spec.Version != SpecVersion {
		return Spec{}, fmt.Errorf("mapping: invalid JSON mapping: version is %d, want %d", spec.Version, SpecVersion)
	}
	return spec, nil
}

// cloneSpec copies the slices and argument maps of s, so that a caller
// cannot change a compiled Mapping through the spec it passed or got back.
// Argument values that are maps or slices stay shared, and transforms never
// modify them.
func cloneSpec(s Spec) Spec {
	out := s
	out.Rules = make([]RuleSpec, len(s.Rules))
	for i, r := range s.Rules {
		r.Fallbacks = slices.Clone(r.Fallbacks)
		r.Transforms = cloneTransforms(r.Transforms)
		out.Rules[i] = r
	}
	if s.Rules == nil {
		out.Rules = nil
	}
	out.Scope = make([]FilterSpec, len(s.Scope))
	for i, f := range s.Scope {
		f.Transforms = cloneTransforms(f.Transforms)
		f.Values = slices.Clone(f.Values)
		out.Scope[i] = f
	}
	if s.Scope == nil {
		out.Scope = nil
	}
	return out
}

func cloneTransforms(ts []TransformSpec) []TransformSpec {
	if ts == nil {
		return nil
	}
	out := make([]TransformSpec, len(ts))
	for i, t := range ts {
		t.Args = maps.Clone(t.Args)
		out[i] = t
	}
	return out
}
