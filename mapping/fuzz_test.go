package mapping

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// fuzzRecord returns a record with a field of each JSON type. Its text
// fields contain input, so that fuzzed values reach every rule.
func fuzzRecord(input string) testRecord {
	return testRecord{
		"root.id":                         "1",
		"root.email":                      input,
		"root.firstName":                  input,
		"root.surname":                    nil,
		"root.displayName":                " " + input + "\t",
		"work.title":                      input,
		"work.department":                 json.Number("209192163"),
		"work.site":                       input,
		"work.siteId":                     json.Number(input),
		"work.employeeIdInCompany":        json.Number("1.5e6"),
		"work.startDate":                  input,
		"work.reportsTo":                  map[string]any{"id": input},
		"work.manager":                    input,
		"work.isManager":                  true,
		"work.custom.field_1698036945383": []any{input, nil, json.Number("7")},
		"internal.status":                 input,
		"internal.terminationDate":        "2024-02-29T00:00:00Z",
	}
}

func fuzzLists(input string) Lists {
	return Lists{
		"title":      {"255490048": "Software Engineer", input: "Fuzzed"},
		"department": {"209192163": "Platform"},
		"site":       {"1": "London"},
	}
}

// FuzzParseJSON checks that any document either fails to parse or
// compiles to a mapping whose JSON form parses back to the same JSON, and
// that mapping a record with it never panics. Each input is tried as a
// whole document and as one rule of a document that extends the default,
// because random changes to a whole document rarely leave it valid.
func FuzzParseJSON(f *testing.F) {
	defaultJSON, err := json.Marshal(DefaultSpec())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(defaultJSON, "2023-05-19")
	f.Add([]byte(`{"version":1,"extends":"default"}`), "Active")
	f.Add([]byte(`{"target":"customAttributes.site","source":"work.site","transforms":[{"name":"upper"}]}`), "Wien")

	f.Fuzz(func(t *testing.T, data []byte, input string) {
		checkDocument(t, data, input)
		rule := append([]byte(`{"version":1,"extends":"default","rules":[`), data...)
		checkDocument(t, append(rule, "]}"...), input)
	})
}

// checkDocument fails the test if data parses but its mapping does not
// round-trip through JSON, or maps a record to a value of the wrong form.
func checkDocument(t *testing.T, data []byte, input string) {
	t.Helper()
	m, err := ParseJSON(data)
	if err != nil {
		return
	}
	encoded, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("compiled mapping does not marshal: %v", err)
	}
	again, err := ParseJSON(encoded)
	if err != nil {
		t.Fatalf("marshalled mapping does not parse: %v\n%s", err, encoded)
	}
	reencoded, err := json.Marshal(again)
	if err != nil {
		t.Fatalf("marshal of the reparsed mapping failed: %v", err)
	}
	if !bytes.Equal(encoded, reencoded) {
		t.Fatalf("JSON form is not stable:\n%s\n%s", encoded, reencoded)
	}

	fields := m.SourceFields()
	if !slices.IsSorted(fields) || len(slices.Compact(slices.Clone(fields))) != len(fields) {
		t.Fatalf("SourceFields not sorted and unique: %q", fields)
	}

	user, err := m.Map(fuzzRecord(input), fuzzLists(input))
	if err != nil {
		return
	}
	for target, v := range user.Values {
		checkMappedValue(t, target, v)
	}
}

// checkMappedValue fails the test unless v is a known value of the form
// that the target field accepts.
func checkMappedValue(t *testing.T, target string, v Value) {
	t.Helper()
	if !v.Known {
		t.Fatalf("%s: unknown value stored in User.Values", target)
	}
	kind, err := targetKindOf(target)
	if err != nil {
		t.Fatalf("%s: mapped an unknown target: %v", target, err)
	}
	switch x := v.V.(type) {
	case nil:
	case string:
		checkFinalText(t, target, x)
		if kind == kindDate && len(x) != 10 {
			t.Fatalf("%s: date %q is not YYYY-MM-DD", target, x)
		}
		if kind == kindStatus && x != StatusActive && x != StatusInactive {
			t.Fatalf("%s: status %q is neither active nor inactive", target, x)
		}
	case float64, bool:
		if kind != kindCustom {
			t.Fatalf("%s: %T value for a text target", target, x)
		}
	default:
		t.Fatalf("%s: value of type %T", target, x)
	}
}

// checkFinalText fails the test unless s is non-empty, trimmed, valid UTF-8
// without control characters.
func checkFinalText(t *testing.T, target, s string) {
	t.Helper()
	if s == "" || s != strings.TrimSpace(s) {
		t.Fatalf("%s: text %q is empty or untrimmed", target, s)
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		t.Fatalf("%s: text %q has invalid UTF-8 or control characters", target, s)
	}
}

// FuzzTransforms builds a transform from a JSON transform object, applies
// it to a value made from input, and finalises the result for every kind of
// target. Nothing may panic, and every value that finalises must have the
// target's form.
func FuzzTransforms(f *testing.F) {
	f.Add(`{"name":"date","layout":"02/01/2006"}`, uint8(0), "2023-05-19T11:13:40.175639")
	f.Add(`{"name":"text"}`, uint8(1), "1.5e6")
	f.Add(`{"name":"template","template":"{{root.firstName}} {{root.surname}}"}`, uint8(0), "Ada")

	f.Fuzz(func(t *testing.T, specJSON string, valueKind uint8, input string) {
		var spec TransformSpec
		if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
			return
		}
		transform, err := NewRegistry().build(spec)
		if err != nil {
			return
		}
		env := Env{Record: fuzzRecord(input), Lists: fuzzLists(input)}

		out, err := transform.Apply(fuzzValue(valueKind, input), env)
		if err != nil || !out.Known {
			return
		}
		for _, kind := range []targetKind{kindText, kindID, kindDate, kindStatus, kindCustom} {
			v, err := finalize(kind, out.V)
			if err != nil {
				continue
			}
			target := map[targetKind]string{
				kindText: TargetDisplayName, kindID: TargetEmployeeNumber, kindDate: TargetStartDate,
				kindStatus: TargetStatus, kindCustom: CustomAttributePrefix + "fuzz",
			}[kind]
			checkMappedValue(t, target, known(v))
			if s, ok := v.(string); ok && kind == kindID && isNumber(out.V) && strings.ContainsAny(s, "eE") {
				t.Fatalf("number %v rendered with an exponent: %q", out.V, s)
			}
		}
	})
}

// fuzzValue turns input into a source value of the JSON type that kind
// selects.
func fuzzValue(kind uint8, input string) any {
	switch kind % 8 {
	case 1:
		return json.Number(input)
	case 2:
		return nil
	case 3:
		return len(input)%2 == 0
	case 4:
		return []any{input, nil, json.Number("2")}
	case 5:
		return map[string]any{"id": input, "humanize": input}
	case 6:
		f, _ := strconv.ParseFloat(input, 64)
		return f
	case 7:
		return " \t" + input + "\n"
	}
	return input
}
