package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// targetKind is the kind of value a target field accepts.
type targetKind int

const (
	// kindText accepts text only.
	kindText targetKind = iota
	// kindID accepts text, or a number that it renders as text.
	kindID
	// kindDate accepts a civil date as text and keeps YYYY-MM-DD.
	kindDate
	// kindStatus accepts StatusActive or StatusInactive.
	kindStatus
	// kindCustom accepts text, a number (as float64) or a boolean.
	kindCustom
)

// expected describes the values a kind accepts, for error messages.
func (k targetKind) expected() string {
	switch k {
	case kindID:
		return "text or a number"
	case kindDate:
		return "a civil date as text"
	case kindStatus:
		return `"active" or "inactive"`
	case kindCustom:
		return "text, a number or a boolean"
	}
	return "text"
}

var targetKinds = map[string]targetKind{
	TargetExternalID:      kindID,
	TargetEmail:           kindText,
	TargetFirstName:       kindText,
	TargetLastName:        kindText,
	TargetDisplayName:     kindText,
	TargetJobTitle:        kindText,
	TargetDepartment:      kindText,
	TargetLocation:        kindText,
	TargetEmployeeNumber:  kindID,
	TargetStartDate:       kindDate,
	TargetTerminationDate: kindDate,
	TargetManager:         kindID,
	TargetStatus:          kindStatus,
}

// requiredTargets must be mapped by every mapping: the sync engine matches
// on externalId and decides on status, and Qooper needs email, firstName
// and lastName to create a user.
var requiredTargets = []string{TargetExternalID, TargetEmail, TargetFirstName, TargetLastName, TargetStatus}

// maxCustomAttributes is the number of custom attribute keys that Qooper
// stores per user.
const maxCustomAttributes = 50

var (
	customKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	fieldIDPattern   = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$`)
)

// targetKindOf returns the kind of a target field name.
func targetKindOf(target string) (targetKind, error) {
	if kind, ok := targetKinds[target]; ok {
		return kind, nil
	}
	if key, ok := strings.CutPrefix(target, CustomAttributePrefix); ok {
		if !customKeyPattern.MatchString(key) {
			return 0, fmt.Errorf("invalid custom attribute key %q: use 1-64 characters of [A-Za-z0-9_.-]", key)
		}
		return kindCustom, nil
	}
	if target == "" {
		return 0, errors.New("missing target")
	}
	return 0, fmt.Errorf("unknown target %q: use one of %v, or %s<key>", target, targetNames(), CustomAttributePrefix)
}

func targetNames() []string {
	return []string{TargetExternalID, TargetEmail, TargetFirstName, TargetLastName, TargetDisplayName,
		TargetJobTitle, TargetDepartment, TargetLocation, TargetEmployeeNumber, TargetStartDate,
		TargetTerminationDate, TargetManager, TargetStatus}
}

func checkFieldID(id string) error {
	if id == "" {
		return errors.New("missing field id")
	}
	if len(id) > 256 || !fieldIDPattern.MatchString(id) {
		return fmt.Errorf("invalid field id %q: use HiBob's dot form, such as work.department", id)
	}
	return nil
}

// Mapping is a compiled mapping. It implements Mapper, and is safe for
// concurrent use because it never changes after Compile.
type Mapping struct {
	spec      Spec
	effective []RuleSpec
	rules     []rule
	scope     []filter
	fields    []string
	lists     []string
}

var _ Mapper = (*Mapping)(nil)

// rule is a compiled RuleSpec.
type rule struct {
	target    string
	kind      targetKind
	source    string
	fallbacks []string
	steps     []step
	// def is the finalised default, or nil for none.
	def any
}

// step is a compiled transform and the name it is reported under.
type step struct {
	name      string
	transform Transform
}

// Compile checks a spec and compiles it with the registry's transforms. The
// error joins every problem found, and names the rule (*RuleError) or scope
// filter (*FilterError) at fault where there is one.
func (r *Registry) Compile(spec Spec) (*Mapping, error) {
	spec = cloneSpec(spec)
	if spec.Version != SpecVersion {
		return nil, fmt.Errorf("mapping: version is %d, want %d", spec.Version, SpecVersion)
	}
	if spec.Extends != "" && spec.Extends != ExtendsDefault {
		return nil, fmt.Errorf("mapping: extends is %q, want %q or nothing", spec.Extends, ExtendsDefault)
	}
	effective, origins, errs := mergeRules(spec)

	m := &Mapping{spec: spec, effective: effective}
	customAttributes := 0
	for i, rs := range effective {
		compiled, err := r.compileRule(rs)
		if err != nil {
			errs = append(errs, &RuleError{Index: origins[i], Target: rs.Target, Err: err})
			continue
		}
		if compiled.kind == kindCustom {
			customAttributes++
		}
		m.rules = append(m.rules, compiled)
	}
	for i, fs := range spec.Scope {
		compiled, err := r.compileFilter(fs)
		if err != nil {
			errs = append(errs, &FilterError{Index: i, Field: fs.Field, Err: err})
			continue
		}
		m.scope = append(m.scope, compiled)
	}
	for _, target := range requiredTargets {
		if !slices.ContainsFunc(effective, func(rs RuleSpec) bool { return rs.Target == target }) {
			errs = append(errs, fmt.Errorf("mapping: no rule maps the required target %s", target))
		}
	}
	if customAttributes > maxCustomAttributes {
		errs = append(errs, fmt.Errorf("mapping: %d rules map custom attributes, but Qooper stores at most %d", customAttributes, maxCustomAttributes))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.fields, m.lists = m.collectReads()
	return m, nil
}

// mergeRules applies spec.Rules to the base rules that spec.Extends names.
// It returns the effective rules, the index in spec.Rules of each (-1 for an
// unchanged base rule), and the errors found.
func mergeRules(spec Spec) ([]RuleSpec, []int, []error) {
	var base []RuleSpec
	if spec.Extends == ExtendsDefault {
		base = defaultRules()
	}

	var errs []error
	effective := base
	origins := make([]int, len(base))
	for i := range origins {
		origins[i] = -1
	}
	removed := make([]bool, len(base))
	seen := make(map[string]int, len(spec.Rules))
	for i, rs := range spec.Rules {
		if first, ok := seen[rs.Target]; ok {
			errs = append(errs, &RuleError{Index: i, Target: rs.Target,
				Err: fmt.Errorf("target is already mapped by rule %d", first)})
			continue
		}
		seen[rs.Target] = i
		at := slices.IndexFunc(base, func(b RuleSpec) bool { return b.Target == rs.Target })
		switch {
		case at >= 0 && rs.Disabled:
			removed[at] = true
		case at >= 0:
			effective[at] = rs
			origins[at] = i
		case rs.Disabled:
			errs = append(errs, &RuleError{Index: i, Target: rs.Target,
				Err: errors.New("disables a target that no base rule maps")})
		default:
			effective = append(effective, rs)
			origins = append(origins, i)
		}
	}

	merged := effective[:0]
	mergedOrigins := origins[:0]
	for i, rs := range effective {
		if i < len(removed) && removed[i] {
			continue
		}
		merged = append(merged, rs)
		mergedOrigins = append(mergedOrigins, origins[i])
	}
	return merged, mergedOrigins, errs
}

func (r *Registry) compileRule(rs RuleSpec) (rule, error) {
	kind, err := targetKindOf(rs.Target)
	if err != nil {
		return rule{}, err
	}
	compiled := rule{target: rs.Target, kind: kind, source: rs.Source, fallbacks: rs.Fallbacks}
	if rs.Source != "" {
		if err := checkFieldID(rs.Source); err != nil {
			return rule{}, fmt.Errorf("source: %w", err)
		}
	}
	for i, id := range rs.Fallbacks {
		if rs.Source == "" {
			return rule{}, errors.New("fallbacks need a source")
		}
		if err := checkFieldID(id); err != nil {
			return rule{}, fmt.Errorf("fallbacks[%d]: %w", i, err)
		}
	}
	compiled.steps, err = r.compileSteps(rs.Transforms)
	if err != nil {
		return rule{}, err
	}
	if rs.Source == "" {
		if len(compiled.steps) == 0 {
			return rule{}, errors.New("missing source: give a field id, or start the transforms with a template")
		}
		if _, ok := compiled.steps[0].transform.(fieldReader); !ok {
			return rule{}, fmt.Errorf("missing source: transform %q does not read fields itself; give a field id, or start with a template", compiled.steps[0].name)
		}
	}
	if rs.Default != nil {
		def, err := finalize(kind, rs.Default)
		if err != nil {
			return rule{}, fmt.Errorf("default: %w", err)
		}
		if def == nil {
			return rule{}, errors.New("default is blank: leave it out, or give a value")
		}
		compiled.def = def
	}
	return compiled, nil
}

func (r *Registry) compileSteps(specs []TransformSpec) ([]step, error) {
	steps := make([]step, 0, len(specs))
	for i, ts := range specs {
		t, err := r.build(ts)
		if err != nil {
			return nil, fmt.Errorf("transforms[%d]: %w", i, err)
		}
		steps = append(steps, step{name: ts.Name, transform: t})
	}
	return steps, nil
}

// collectReads returns the sorted field ids and list names that the mapping
// reads.
func (m *Mapping) collectReads() (fields, lists []string) {
	addSteps := func(steps []step) {
		for _, s := range steps {
			if fr, ok := s.transform.(fieldReader); ok {
				fields = append(fields, fr.SourceFields()...)
			}
			if lr, ok := s.transform.(listReader); ok {
				lists = append(lists, lr.ListNames()...)
			}
		}
	}
	for _, r := range m.rules {
		if r.source != "" {
			fields = append(fields, r.source)
		}
		fields = append(fields, r.fallbacks...)
		addSteps(r.steps)
	}
	for _, f := range m.scope {
		fields = append(fields, f.field)
		addSteps(f.steps)
	}
	slices.Sort(fields)
	slices.Sort(lists)
	return slices.Compact(fields), slices.Compact(lists)
}

// SourceFields returns the HiBob field ids that Map reads, sorted and
// without duplicates.
func (m *Mapping) SourceFields() []string { return slices.Clone(m.fields) }

// ListNames returns the names of the named lists that Map resolves labels
// from, sorted and without duplicates.
func (m *Mapping) ListNames() []string { return slices.Clone(m.lists) }

// Spec returns a copy of the spec that the mapping was compiled from.
func (m *Mapping) Spec() Spec { return cloneSpec(m.spec) }

// Rules returns a copy of the rules in effect after Extends was applied,
// without disabled rules.
func (m *Mapping) Rules() []RuleSpec {
	return cloneSpec(Spec{Rules: m.effective}).Rules
}

// MarshalJSON encodes the spec that the mapping was compiled from, so that
// ParseJSON of the result compiles the same mapping.
func (m *Mapping) MarshalJSON() ([]byte, error) { return json.Marshal(m.spec) }
