package mapping

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names of the built-in transforms.
const (
	TransformTrim       = "trim"
	TransformCollapse   = "collapse"
	TransformLower      = "lower"
	TransformUpper      = "upper"
	TransformText       = "text"
	TransformDefault    = "default"
	TransformList       = "list"
	TransformDate       = "date"
	TransformTemplate   = "template"
	TransformReplace    = "replace"
	TransformMap        = "map"
	TransformJoin       = "join"
	TransformGet        = "get"
	TransformEmployeeID = "employeeId"
)

func builtinTransforms() map[string]TransformFactory {
	return map[string]TransformFactory{
		TransformTrim:       textOp(strings.TrimSpace),
		TransformCollapse:   textOp(collapseSpace),
		TransformLower:      textOp(strings.ToLower),
		TransformUpper:      textOp(strings.ToUpper),
		TransformText:       newTextTransform,
		TransformDefault:    newDefaultTransform,
		TransformList:       newListTransform,
		TransformDate:       newDateTransform,
		TransformTemplate:   newTemplateTransform,
		TransformReplace:    newReplaceTransform,
		TransformMap:        newMapTransform,
		TransformJoin:       newJoinTransform,
		TransformGet:        newGetTransform,
		TransformEmployeeID: newEmployeeIDTransform,
	}
}

// textOp returns the factory of a transform without arguments that applies
// fn to text.
func textOp(fn func(string) string) TransformFactory {
	return func(args Args) (Transform, error) {
		return textOpTransform{fn: fn}, args.CheckNames()
	}
}

// textOpTransform applies fn to text and passes null, numbers and booleans
// through unchanged.
type textOpTransform struct{ fn func(string) string }

func (t textOpTransform) Apply(v any, _ Env) (Value, error) {
	s, ok := v.(string)
	if !ok {
		if !isScalar(v) {
			return Value{}, invalidType(v, "text")
		}
		return known(v), nil
	}
	if out := t.fn(s); out != s {
		return known(out), nil
	}
	return known(v), nil // unchanged: reuse v and skip an allocation
}

// textTransform renders numbers and booleans as text.
type textTransform struct{}

func newTextTransform(args Args) (Transform, error) {
	return textTransform{}, args.CheckNames()
}

func (textTransform) Apply(v any, _ Env) (Value, error) {
	switch v.(type) {
	case nil, string:
		return known(v), nil
	}
	s, err := scalarText(v)
	if err != nil {
		return Value{}, err
	}
	return known(s), nil
}

// defaultTransform replaces null and blank text with a constant.
type defaultTransform struct{ value any }

func newDefaultTransform(args Args) (Transform, error) {
	if err := args.CheckNames("value"); err != nil {
		return nil, err
	}
	v := args["value"]
	if v == nil || isBlank(v) {
		return nil, errors.New(`missing argument "value": give the text, number or boolean that replaces null`)
	}
	if !isScalar(v) {
		return nil, fmt.Errorf(`argument "value" must be text, a number or a boolean, got %s`, typeName(v))
	}
	return defaultTransform{value: v}, nil
}

func (t defaultTransform) Apply(v any, _ Env) (Value, error) {
	if isBlank(v) {
		return known(t.value), nil
	}
	return known(v), nil
}

// listTransform resolves list item ids to their labels.
type listTransform struct{ list string }

func newListTransform(args Args) (Transform, error) {
	if err := args.CheckNames("list"); err != nil {
		return nil, err
	}
	list, err := args.Text("list")
	if err != nil {
		return nil, err
	}
	return listTransform{list: list}, nil
}

func (t listTransform) ListNames() []string { return []string{t.list} }

func (t listTransform) Apply(v any, env Env) (Value, error) {
	items, ok := env.Lists[t.list]
	if !ok {
		if v == nil {
			return known(nil), nil
		}
		return Value{}, fmt.Errorf("%w: %q", ErrListNotFound, t.list)
	}
	switch x := v.(type) {
	case nil:
		return known(nil), nil
	case []any:
		// A multi-list field: resolve each id, skipping null and blank ones.
		labels := make([]any, 0, len(x))
		for _, item := range x {
			if isBlank(item) {
				continue
			}
			label, err := t.resolve(item, items)
			if err != nil {
				return Value{}, err
			}
			labels = append(labels, label)
		}
		return known(labels), nil
	}
	label, err := t.resolve(v, items)
	if err != nil {
		return Value{}, err
	}
	return known(label), nil
}

func (t listTransform) resolve(v any, items map[string]string) (any, error) {
	id, err := scalarText(v)
	if err != nil {
		return nil, err
	}
	if label, ok := items[id]; ok {
		return label, nil
	}
	// With humanReadable REPLACE, HiBob sends the label in place of the id.
	// NOTE: this scans the whole list, once per unresolved value.
	for _, label := range items {
		if label == id {
			return v, nil
		}
	}
	return nil, fmt.Errorf("%w: item %s in list %q", ErrListItemNotFound, quoteShort(id), t.list)
}

// dateTransform reads a civil date and formats it with a Go time layout.
type dateTransform struct{ layout string }

func newDateTransform(args Args) (Transform, error) {
	if err := args.CheckNames("layout"); err != nil {
		return nil, err
	}
	layout, err := args.OptionalText("layout", civilDateLayout)
	if err != nil {
		return nil, err
	}
	if layout == "" {
		layout = civilDateLayout
	}
	// A layout without any date element would map every date to itself.
	if (civilDate{year: 2001, month: 2, day: 3}).format(layout) == layout {
		return nil, fmt.Errorf("layout %q has no date elements; use Go's reference date, as in 2006-01-02", layout)
	}
	return dateTransform{layout: layout}, nil
}

func (t dateTransform) Apply(v any, _ Env) (Value, error) {
	input, ok := v.(string)
	if !ok {
		if v == nil {
			return known(nil), nil
		}
		return Value{}, invalidType(v, "a civil date as text")
	}
	s := strings.TrimSpace(input)
	if s == "" {
		return known(nil), nil
	}
	d, err := parseCivilDate(s)
	if err != nil {
		return Value{}, err
	}
	if t.layout == civilDateLayout {
		if len(input) == 10 {
			return known(v), nil // already YYYY-MM-DD: reuse v
		}
		return known(s[:10]), nil
	}
	return known(d.format(t.layout)), nil
}

// templateTransform renders text from several fields. It ignores its input.
type templateTransform struct {
	parts  []templatePart
	fields []string
}

// templatePart is literal text, or a field id when field is true.
type templatePart struct {
	text  string
	field bool
}

func newTemplateTransform(args Args) (Transform, error) {
	if err := args.CheckNames("template"); err != nil {
		return nil, err
	}
	text, err := args.Text("template")
	if err != nil {
		return nil, err
	}
	return parseTemplate(text)
}

// parseTemplate splits "{{root.firstName}} {{root.surname}}" into literal
// text and field ids. There is no escape for a literal "{{".
func parseTemplate(text string) (*templateTransform, error) {
	t := &templateTransform{}
	rest := text
	for rest != "" {
		open := strings.Index(rest, "{{")
		if open < 0 {
			t.parts = append(t.parts, templatePart{text: rest})
			break
		}
		if open > 0 {
			t.parts = append(t.parts, templatePart{text: rest[:open]})
		}
		end := strings.Index(rest[open+2:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("template %q: unclosed {{", text)
		}
		field := strings.TrimSpace(rest[open+2 : open+2+end])
		if err := checkFieldID(field); err != nil {
			return nil, fmt.Errorf("template %q: %w", text, err)
		}
		t.parts = append(t.parts, templatePart{text: field, field: true})
		if !slices.Contains(t.fields, field) {
			t.fields = append(t.fields, field)
		}
		rest = rest[open+2+end+2:]
	}
	return t, nil
}

func (t *templateTransform) SourceFields() []string { return t.fields }

// Apply renders the template. If any field is absent from the record, the
// result is unknown. A null field renders as "".
func (t *templateTransform) Apply(_ any, env Env) (Value, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if !p.field {
			b.WriteString(p.text)
			continue
		}
		v, ok := env.Record.Field(p.text)
		if !ok {
			return Value{}, nil
		}
		s, err := scalarText(v)
		if err != nil {
			return Value{}, fmt.Errorf("field %s: %w", p.text, err)
		}
		b.WriteString(s)
	}
	return known(b.String()), nil
}

// replaceTransform replaces every match of a regular expression.
type replaceTransform struct {
	re          *regexp.Regexp
	replacement string
}

func newReplaceTransform(args Args) (Transform, error) {
	if err := args.CheckNames("pattern", "replacement"); err != nil {
		return nil, err
	}
	pattern, err := args.Text("pattern")
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid pattern: %w", err)
	}
	replacement, err := args.OptionalText("replacement", "")
	if err != nil {
		return nil, err
	}
	return replaceTransform{re: re, replacement: replacement}, nil
}

// Apply replaces matches in text, and in numbers and booleans rendered as
// text. The replacement may refer to groups as $1 or ${name}.
func (t replaceTransform) Apply(v any, _ Env) (Value, error) {
	if v == nil {
		return known(nil), nil
	}
	s, err := scalarText(v)
	if err != nil {
		return Value{}, err
	}
	return known(t.re.ReplaceAllString(s, t.replacement)), nil
}

// Values of the "unmatched" argument of the map transform.
const (
	unmatchedKeep  = "keep"
	unmatchedClear = "clear"
	unmatchedError = "error"
)

// mapTransform replaces values by a lookup table.
type mapTransform struct {
	values    map[string]any
	unmatched string
	// folded indexes the values by foldCase of their key when case is
	// ignored, and is nil otherwise.
	folded map[string]any
}

func newMapTransform(args Args) (Transform, error) {
	if err := args.CheckNames("values", "unmatched", "ignoreCase"); err != nil {
		return nil, err
	}
	raw, ok := args["values"].(map[string]any)
	if !ok || len(raw) == 0 {
		return nil, errors.New(`argument "values" must be a non-empty object of input text to output value`)
	}
	values := make(map[string]any, len(raw))
	for key, v := range raw {
		if !isScalar(v) {
			return nil, fmt.Errorf("values[%q] must be text, a number, a boolean or null, got %s", key, typeName(v))
		}
		values[key] = v
	}

	unmatched, err := args.OptionalText("unmatched", unmatchedKeep)
	if err != nil {
		return nil, err
	}
	switch unmatched {
	case unmatchedKeep, unmatchedClear, unmatchedError:
	default:
		return nil, fmt.Errorf(`argument "unmatched" is %q, want "keep", "clear" or "error"`, unmatched)
	}
	ignoreCase, err := args.Bool("ignoreCase")
	if err != nil {
		return nil, err
	}

	t := mapTransform{values: values, unmatched: unmatched}
	if ignoreCase {
		t.folded = make(map[string]any, len(values))
		firstKey := make(map[string]string, len(values))
		for _, key := range slices.Sorted(maps.Keys(values)) {
			folded := foldCase(key)
			if other, ok := firstKey[folded]; ok {
				return nil, fmt.Errorf("values %q and %q are the same key when case is ignored", other, key)
			}
			firstKey[folded] = key
			t.folded[folded] = values[key]
		}
	}
	return t, nil
}

// Apply looks up text, and numbers and booleans rendered as text. Null
// passes through unchanged.
func (t mapTransform) Apply(v any, _ Env) (Value, error) {
	if v == nil {
		return known(nil), nil
	}
	key, err := scalarText(v)
	if err != nil {
		return Value{}, err
	}
	if out, ok := t.values[key]; ok {
		return known(out), nil
	}
	if t.folded != nil {
		if out, ok := t.folded[foldCase(key)]; ok {
			return known(out), nil
		}
	}
	switch t.unmatched {
	case unmatchedClear:
		return known(nil), nil
	case unmatchedError:
		return Value{}, fmt.Errorf("%w: %s", ErrUnmappedValue, quoteShort(key))
	}
	return known(v), nil
}

// joinTransform joins the elements of an array, such as the labels of a
// multi-list field, into one text.
type joinTransform struct{ separator string }

func newJoinTransform(args Args) (Transform, error) {
	if err := args.CheckNames("separator"); err != nil {
		return nil, err
	}
	separator, err := args.OptionalText("separator", ", ")
	if err != nil {
		return nil, err
	}
	return joinTransform{separator: separator}, nil
}

// Apply joins an array, skipping null and blank elements, and returns null
// when no element is left. Other values pass through unchanged.
func (t joinTransform) Apply(v any, _ Env) (Value, error) {
	items, ok := v.([]any)
	if !ok {
		if !isScalar(v) {
			return Value{}, invalidType(v, "an array")
		}
		return known(v), nil
	}
	var b strings.Builder
	n := 0
	for _, item := range items {
		if isBlank(item) {
			continue
		}
		s, err := scalarText(item)
		if err != nil {
			return Value{}, err
		}
		if n > 0 {
			b.WriteString(t.separator)
		}
		b.WriteString(s)
		n++
	}
	if n == 0 {
		return known(nil), nil
	}
	return known(b.String()), nil
}

// getTransform reads one key of an object, such as "humanize" of a HiBob
// period. A missing key reads as null.
type getTransform struct{ key string }

func newGetTransform(args Args) (Transform, error) {
	if err := args.CheckNames("key"); err != nil {
		return nil, err
	}
	key, err := args.Text("key")
	if err != nil {
		return nil, err
	}
	return getTransform{key: key}, nil
}

func (t getTransform) Apply(v any, _ Env) (Value, error) {
	switch x := v.(type) {
	case nil:
		return known(nil), nil
	case map[string]any:
		return known(x[t.key]), nil
	}
	return Value{}, invalidType(v, "an object")
}

// employeeIDTransform reads the employee id of an employee field: the "id"
// of an object such as work.reportsTo, or the text of an
// employee-reference field such as work.manager.
type employeeIDTransform struct{}

func newEmployeeIDTransform(args Args) (Transform, error) {
	return employeeIDTransform{}, args.CheckNames()
}

func (employeeIDTransform) Apply(v any, _ Env) (Value, error) {
	if obj, ok := v.(map[string]any); ok {
		id, ok := obj["id"]
		if !ok {
			return Value{}, fmt.Errorf("%w: employee object without an id", ErrInvalidValue)
		}
		v = id
	}
	switch v.(type) {
	case nil, string:
		return known(v), nil
	}
	if !isNumber(v) {
		return Value{}, invalidType(v, "an employee id")
	}
	s, err := formatNumber(v)
	if err != nil {
		return Value{}, err
	}
	return known(s), nil
}

// foldCase maps s to one canonical form per Unicode simple case folding
// class, so that foldCase(a) == foldCase(b) exactly when
// strings.EqualFold(a, b).
func foldCase(s string) string { return strings.Map(minFold, s) }

// minFold returns the smallest rune that folds to the same class as r.
func minFold(r rune) rune {
	smallest := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		smallest = min(smallest, f)
	}
	return smallest
}

// quoteShort quotes s for an error message, cut to 64 bytes.
func quoteShort(s string) string {
	const maxLen = 64
	if len(s) <= maxLen {
		return fmt.Sprintf("%q", s)
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", s[:cut])
}

var (
	_ listReader  = listTransform{}
	_ fieldReader = (*templateTransform)(nil)
)
