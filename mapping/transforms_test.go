package mapping

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRecord is a Record whose keys are field ids.
type testRecord map[string]any

func (r testRecord) ID() string {
	id, _ := r["root.id"].(string)
	return id
}

func (r testRecord) Field(id string) (any, bool) {
	v, ok := r[id]
	return v, ok
}

var testLists = Lists{
	"site": {"1": "London", "2": "New York", "3": ""},
}

func TestTransforms(t *testing.T) {
	rec := testRecord{
		"root.firstName": "Ada",
		"root.surname":   "Lovelace",
		"root.nullField": nil,
		"work.number":    json.Number("10"),
		"work.object":    map[string]any{"a": "b"},
	}
	env := Env{Record: rec, Lists: testLists}
	object := map[string]any{"id": "7"}

	tests := []struct {
		name    string
		spec    TransformSpec
		input   any
		want    Value
		wantErr error
	}{
		{name: "trim text", spec: TransformSpec{Name: "trim"}, input: "  a b \t", want: known("a b")},
		{name: "trim null", spec: TransformSpec{Name: "trim"}, input: nil, want: known(nil)},
		{name: "trim number unchanged", spec: TransformSpec{Name: "trim"}, input: json.Number("5"), want: known(json.Number("5"))},
		{name: "trim object", spec: TransformSpec{Name: "trim"}, input: object, wantErr: ErrInvalidType},

		{name: "collapse runs", spec: TransformSpec{Name: "collapse"}, input: " Ada \t\n  King ", want: known("Ada King")},
		{name: "collapse ideographic space", spec: TransformSpec{Name: "collapse"}, input: "李\u3000\u3000雷", want: known("李 雷")},
		{name: "collapse control character", spec: TransformSpec{Name: "collapse"}, input: "Seán\a O'Brien", want: known("Seán O'Brien")},
		{name: "collapse clean text", spec: TransformSpec{Name: "collapse"}, input: "Ada King", want: known("Ada King")},

		{name: "lower", spec: TransformSpec{Name: "lower"}, input: "ÄDA@Example.COM", want: known("äda@example.com")},
		{name: "upper", spec: TransformSpec{Name: "upper"}, input: "zoë", want: known("ZOË")},
		{name: "upper boolean unchanged", spec: TransformSpec{Name: "upper"}, input: true, want: known(true)},

		{name: "text integer", spec: TransformSpec{Name: "text"}, input: json.Number("10"), want: known("10")},
		{name: "text exponent", spec: TransformSpec{Name: "text"}, input: json.Number("1.5e6"), want: known("1500000")},
		{name: "text float", spec: TransformSpec{Name: "text"}, input: 10.0, want: known("10")},
		{name: "text fraction", spec: TransformSpec{Name: "text"}, input: json.Number("0.25"), want: known("0.25")},
		{name: "text long id", spec: TransformSpec{Name: "text"}, input: json.Number("3332883884017713938"), want: known("3332883884017713938")},
		{name: "text boolean", spec: TransformSpec{Name: "text"}, input: false, want: known("false")},
		{name: "text int", spec: TransformSpec{Name: "text"}, input: 42, want: known("42")},
		{name: "text null", spec: TransformSpec{Name: "text"}, input: nil, want: known(nil)},
		{name: "text array", spec: TransformSpec{Name: "text"}, input: []any{"a"}, wantErr: ErrInvalidType},
		{name: "text invalid number", spec: TransformSpec{Name: "text"}, input: json.Number("1e999"), wantErr: ErrInvalidNumber},

		{name: "default null", spec: TransformSpec{Name: "default", Args: Args{"value": "n/a"}}, input: nil, want: known("n/a")},
		{name: "default blank", spec: TransformSpec{Name: "default", Args: Args{"value": "n/a"}}, input: "  ", want: known("n/a")},
		{name: "default keeps text", spec: TransformSpec{Name: "default", Args: Args{"value": "n/a"}}, input: "x", want: known("x")},
		{name: "default boolean", spec: TransformSpec{Name: "default", Args: Args{"value": false}}, input: nil, want: known(false)},

		{name: "list text id", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: "1", want: known("London")},
		{name: "list number id", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: json.Number("2"), want: known("New York")},
		{name: "list label kept", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: "London", want: known("London")},
		{name: "list empty label", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: "3", want: known("")},
		{name: "list unknown id", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: "9", wantErr: ErrListItemNotFound},
		{name: "list multi", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: []any{"1", nil, " ", json.Number("2")}, want: known([]any{"London", "New York"})},
		{name: "list multi unknown", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: []any{"1", "9"}, wantErr: ErrListItemNotFound},
		{name: "list null", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: nil, want: known(nil)},
		{name: "list missing list", spec: TransformSpec{Name: "list", Args: Args{"list": "title"}}, input: "1", wantErr: ErrListNotFound},
		{name: "list object", spec: TransformSpec{Name: "list", Args: Args{"list": "site"}}, input: object, wantErr: ErrInvalidType},

		{name: "date plain", spec: TransformSpec{Name: "date"}, input: "2023-05-19", want: known("2023-05-19")},
		{name: "date time", spec: TransformSpec{Name: "date"}, input: "2023-05-19T11:13:40.175639", want: known("2023-05-19")},
		{name: "date utc", spec: TransformSpec{Name: "date"}, input: "2023-05-19T00:00:00Z", want: known("2023-05-19")},
		{name: "date offset kept literal", spec: TransformSpec{Name: "date"}, input: "2023-05-19T23:30:00-05:00", want: known("2023-05-19")},
		{name: "date space time", spec: TransformSpec{Name: "date"}, input: "2023-05-19 08:00", want: known("2023-05-19")},
		{name: "date leap day", spec: TransformSpec{Name: "date"}, input: "2024-02-29", want: known("2024-02-29")},
		{name: "date layout", spec: TransformSpec{Name: "date", Args: Args{"layout": "02/01/2006"}}, input: "2023-05-19T00:00:00Z", want: known("19/05/2023")},
		{name: "date long layout", spec: TransformSpec{Name: "date", Args: Args{"layout": "January 2, 2006"}}, input: "2023-05-19", want: known("May 19, 2023")},
		{name: "date null", spec: TransformSpec{Name: "date"}, input: nil, want: known(nil)},
		{name: "date human readable", spec: TransformSpec{Name: "date"}, input: "19/05/2023", wantErr: ErrInvalidDate},
		{name: "date no leap day", spec: TransformSpec{Name: "date"}, input: "2023-02-29", wantErr: ErrInvalidDate},
		{name: "date month 13", spec: TransformSpec{Name: "date"}, input: "2023-13-01", wantErr: ErrInvalidDate},
		{name: "date year zero", spec: TransformSpec{Name: "date"}, input: "0000-01-01", wantErr: ErrInvalidDate},
		{name: "date trailing text", spec: TransformSpec{Name: "date"}, input: "2023-05-19x", wantErr: ErrInvalidDate},
		{name: "date short", spec: TransformSpec{Name: "date"}, input: "05-19", wantErr: ErrInvalidDate},
		{name: "date number", spec: TransformSpec{Name: "date"}, input: json.Number("20230519"), wantErr: ErrInvalidType},

		{name: "template", spec: TransformSpec{Name: "template", Args: Args{"template": "{{root.firstName}} {{ root.surname }}"}}, want: known("Ada Lovelace")},
		{name: "template null field", spec: TransformSpec{Name: "template", Args: Args{"template": "{{root.firstName}}-{{root.nullField}}"}}, want: known("Ada-")},
		{name: "template number", spec: TransformSpec{Name: "template", Args: Args{"template": "#{{work.number}}"}}, want: known("#10")},
		{name: "template absent field", spec: TransformSpec{Name: "template", Args: Args{"template": "{{root.firstName}} {{root.absent}}"}}, want: Value{}},
		{name: "template object field", spec: TransformSpec{Name: "template", Args: Args{"template": "{{work.object}}"}}, wantErr: ErrInvalidType},
		{name: "template literal only", spec: TransformSpec{Name: "template", Args: Args{"template": "HiBob"}}, want: known("HiBob")},

		{name: "replace groups", spec: TransformSpec{Name: "replace", Args: Args{"pattern": `^(\d{3})(\d+)$`, "replacement": "$1-$2"}}, input: "1234567", want: known("123-4567")},
		{name: "replace number", spec: TransformSpec{Name: "replace", Args: Args{"pattern": "^", "replacement": "E"}}, input: json.Number("1042"), want: known("E1042")},
		{name: "replace delete", spec: TransformSpec{Name: "replace", Args: Args{"pattern": `\s*\(.*\)`}}, input: "London (HQ)", want: known("London")},
		{name: "replace null", spec: TransformSpec{Name: "replace", Args: Args{"pattern": "a"}}, input: nil, want: known(nil)},
		{name: "replace object", spec: TransformSpec{Name: "replace", Args: Args{"pattern": "a"}}, input: object, wantErr: ErrInvalidType},

		{name: "map hit", spec: mapSpec(nil), input: "LDN", want: known("London")},
		{name: "map to null", spec: mapSpec(nil), input: "REMOTE", want: known(nil)},
		{name: "map to boolean", spec: mapSpec(nil), input: "HQ", want: known(true)},
		{name: "map number key", spec: mapSpec(nil), input: json.Number("1"), want: known("one")},
		{name: "map miss keeps", spec: mapSpec(nil), input: "Paris", want: known("Paris")},
		{name: "map miss clears", spec: mapSpec(Args{"unmatched": "clear"}), input: "Paris", want: known(nil)},
		{name: "map miss error", spec: mapSpec(Args{"unmatched": "error"}), input: "Paris", wantErr: ErrUnmappedValue},
		{name: "map case sensitive", spec: mapSpec(Args{"unmatched": "error"}), input: "ldn", wantErr: ErrUnmappedValue},
		{name: "map ignore case", spec: mapSpec(Args{"ignoreCase": true}), input: "ldn", want: known("London")},
		{name: "map null", spec: mapSpec(Args{"unmatched": "error"}), input: nil, want: known(nil)},
		{name: "map array", spec: mapSpec(nil), input: []any{"LDN"}, wantErr: ErrInvalidType},

		{name: "join", spec: TransformSpec{Name: "join"}, input: []any{"a", nil, " ", json.Number("2")}, want: known("a, 2")},
		{name: "join separator", spec: TransformSpec{Name: "join", Args: Args{"separator": " | "}}, input: []any{"a", "b"}, want: known("a | b")},
		{name: "join empty", spec: TransformSpec{Name: "join"}, input: []any{}, want: known(nil)},
		{name: "join scalar", spec: TransformSpec{Name: "join"}, input: "a", want: known("a")},
		{name: "join nested", spec: TransformSpec{Name: "join"}, input: []any{object}, wantErr: ErrInvalidType},
		{name: "join object", spec: TransformSpec{Name: "join"}, input: object, wantErr: ErrInvalidType},

		{name: "get key", spec: TransformSpec{Name: "get", Args: Args{"key": "humanize"}}, input: map[string]any{"humanize": "1 year"}, want: known("1 year")},
		{name: "get missing key", spec: TransformSpec{Name: "get", Args: Args{"key": "humanize"}}, input: map[string]any{}, want: known(nil)},
		{name: "get null", spec: TransformSpec{Name: "get", Args: Args{"key": "humanize"}}, input: nil, want: known(nil)},
		{name: "get text", spec: TransformSpec{Name: "get", Args: Args{"key": "humanize"}}, input: "x", wantErr: ErrInvalidType},

		{name: "employeeId object", spec: TransformSpec{Name: "employeeId"}, input: object, want: known("7")},
		{name: "employeeId text", spec: TransformSpec{Name: "employeeId"}, input: "7", want: known("7")},
		{name: "employeeId number", spec: TransformSpec{Name: "employeeId"}, input: json.Number("7"), want: known("7")},
		{name: "employeeId null id", spec: TransformSpec{Name: "employeeId"}, input: map[string]any{"id": nil}, want: known(nil)},
		{name: "employeeId null", spec: TransformSpec{Name: "employeeId"}, input: nil, want: known(nil)},
		{name: "employeeId no id", spec: TransformSpec{Name: "employeeId"}, input: map[string]any{"email": "a@b.c"}, wantErr: ErrInvalidValue},
		{name: "employeeId boolean", spec: TransformSpec{Name: "employeeId"}, input: true, wantErr: ErrInvalidType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			transform, err := NewRegistry().build(tt.spec)
			require.NoError(t, err)

			got, err := transform.Apply(tt.input, env)

			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Apply(%#v) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

// mapSpec returns a map transform over a fixed table, with extra arguments.
func mapSpec(extra Args) TransformSpec {
	args := Args{"values": map[string]any{
		"LDN":    "London",
		"REMOTE": nil,
		"HQ":     true,
		"1":      "one",
	}}
	for k, v := range extra {
		args[k] = v
	}
	return TransformSpec{Name: "map", Args: args}
}

func TestTransformArgumentErrors(t *testing.T) {
	tests := []struct {
		name string
		spec TransformSpec
		want string
	}{
		{name: "unknown transform", spec: TransformSpec{Name: "lst"}, want: `unknown transform "lst"`},
		{name: "no name", spec: TransformSpec{}, want: "transform without a name"},
		{name: "reserved name argument", spec: TransformSpec{Name: "trim", Args: Args{"name": "x"}}, want: `argument "name" is reserved`},
		{name: "argument to trim", spec: TransformSpec{Name: "trim", Args: Args{"x": 1}}, want: `unknown argument "x": the transform takes no arguments`},
		{name: "list without list", spec: TransformSpec{Name: "list"}, want: `missing argument "list"`},
		{name: "list number", spec: TransformSpec{Name: "list", Args: Args{"list": json.Number("5")}}, want: `argument "list" must be text, got number`},
		{name: "list empty", spec: TransformSpec{Name: "list", Args: Args{"list": ""}}, want: `argument "list" must not be empty`},
		{name: "list extra", spec: TransformSpec{Name: "list", Args: Args{"list": "title", "lsit": "x"}}, want: `unknown argument "lsit" (allowed: [list])`},
		{name: "date without elements", spec: TransformSpec{Name: "date", Args: Args{"layout": "abc"}}, want: `layout "abc" has no date elements`},
		{name: "date layout number", spec: TransformSpec{Name: "date", Args: Args{"layout": 1.0}}, want: `argument "layout" must be text`},
		{name: "template unclosed", spec: TransformSpec{Name: "template", Args: Args{"template": "{{root.firstName"}}, want: "unclosed {{"},
		{name: "template bad field", spec: TransformSpec{Name: "template", Args: Args{"template": "{{first name}}"}}, want: `invalid field id "first name"`},
		{name: "template empty field", spec: TransformSpec{Name: "template", Args: Args{"template": "{{}}"}}, want: "missing field id"},
		{name: "template missing", spec: TransformSpec{Name: "template"}, want: `missing argument "template"`},
		{name: "replace bad pattern", spec: TransformSpec{Name: "replace", Args: Args{"pattern": "("}}, want: "invalid pattern: error parsing regexp"},
		{name: "replace no pattern", spec: TransformSpec{Name: "replace", Args: Args{"replacement": "x"}}, want: `missing argument "pattern"`},
		{name: "map no values", spec: TransformSpec{Name: "map"}, want: `argument "values" must be a non-empty object`},
		{name: "map values array", spec: TransformSpec{Name: "map", Args: Args{"values": []any{"a"}}}, want: `argument "values" must be a non-empty object`},
		{name: "map nested value", spec: TransformSpec{Name: "map", Args: Args{"values": map[string]any{"a": []any{}}}}, want: `values["a"] must be text, a number, a boolean or null, got array`},
		{name: "map bad unmatched", spec: mapSpec(Args{"unmatched": "drop"}), want: `argument "unmatched" is "drop"`},
		{name: "map ignoreCase text", spec: mapSpec(Args{"ignoreCase": "yes"}), want: `argument "ignoreCase" must be a boolean, got text`},
		{name: "map case clash", spec: TransformSpec{Name: "map", Args: Args{"values": map[string]any{"a": "1", "A": "2"}, "ignoreCase": true}}, want: `values "A" and "a" are the same key when case is ignored`},
		{name: "default missing", spec: TransformSpec{Name: "default"}, want: `missing argument "value"`},
		{name: "default object", spec: TransformSpec{Name: "default", Args: Args{"value": map[string]any{}}}, want: `argument "value" must be text, a number or a boolean, got object`},
		{name: "join separator number", spec: TransformSpec{Name: "join", Args: Args{"separator": 1.0}}, want: `argument "separator" must be text`},
		{name: "get without key", spec: TransformSpec{Name: "get"}, want: `missing argument "key"`},
		{name: "employeeId argument", spec: TransformSpec{Name: "employeeId", Args: Args{"key": "id"}}, want: `unknown argument "key"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRegistry().build(tt.spec)

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestTemplateDeclaresFields(t *testing.T) {
	transform, err := NewRegistry().build(TransformSpec{Name: "template", Args: Args{
		"template": "{{root.firstName}} {{root.surname}} ({{root.firstName}})",
	}})
	require.NoError(t, err)

	reader, ok := transform.(fieldReader)
	require.True(t, ok)
	assert.Equal(t, []string{"root.firstName", "root.surname"}, reader.SourceFields())
}

func TestUnchangedTextKeepsValue(t *testing.T) {
	// Transforms return their input itself when they change nothing, which
	// saves an allocation per field in Map.
	input := any("Ada")
	for _, name := range []string{"trim", "collapse", "lower", "text"} {
		transform, err := NewRegistry().build(TransformSpec{Name: name})
		require.NoError(t, err)
		if name == "lower" {
			input = any("ada")
		}

		allocs := testing.AllocsPerRun(100, func() {
			if _, err := transform.Apply(input, Env{}); err != nil {
				t.Fatal(err)
			}
		})

		assert.Zero(t, allocs, "transform %s", name)
	}
}

func TestQuoteShortCutsAtRune(t *testing.T) {
	long := ""
	for range 40 {
		long += "é"
	}

	got := quoteShort(long)

	assert.Equal(t, `"`+long[:64]+`"…`, got)
}

func TestFoldCaseMatchesEqualFold(t *testing.T) {
	words := []string{"active", "ACTIVE", "Active", "k", "K", "\u212a", "s", "S", "ſ", "ß", "ẞ", "Σ", "σ", "ς", "Ǆ", "ǅ", "ǆ", "İ", "i", "ı", ""}
	for _, a := range words {
		for _, b := range words {
			assert.Equal(t, strings.EqualFold(a, b), foldCase(a) == foldCase(b), "%q and %q", a, b)
		}
	}
}

func TestMapIgnoreCaseUsesFolding(t *testing.T) {
	transform, err := NewRegistry().build(TransformSpec{Name: "map", Args: Args{
		"values": map[string]any{"Kelvin": "K"}, "ignoreCase": true, "unmatched": "error",
	}})
	require.NoError(t, err)

	got, err := transform.Apply("\u212aELVIN", Env{})

	require.NoError(t, err)
	assert.Equal(t, known("K"), got)
}

func TestDateTrimsInput(t *testing.T) {
	transform, err := NewRegistry().build(TransformSpec{Name: "date"})
	require.NoError(t, err)

	got, err := transform.Apply(" 2023-05-19 ", Env{})

	require.NoError(t, err)
	assert.Equal(t, known("2023-05-19"), got)
}
