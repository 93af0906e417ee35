package mapping_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// fullDocument uses every key of the JSON form and every built-in
// transform.
const fullDocument = `{
  "version": 1,
  "extends": "default",
  "rules": [
    {"target": "jobTitle", "source": "work.title",
     "transforms": [{"name": "list", "list": "title"}, {"name": "upper"}]},
    {"target": "location", "source": "work.site",
     "transforms": [{"name": "map", "values": {"LDN": "London", "Remote": null}, "unmatched": "keep", "ignoreCase": true}]},
    {"target": "displayName",
     "transforms": [{"name": "template", "template": "{{root.firstName}} {{root.surname}}"}, {"name": "collapse"}]},
    {"target": "employeeNumber", "source": "work.employeeIdInCompany",
     "transforms": [{"name": "text"}, {"name": "replace", "pattern": "^(\\d+)$", "replacement": "E-$1"}]},
    {"target": "manager", "source": "work.reportsTo", "fallbacks": ["work.manager"],
     "transforms": [{"name": "employeeId"}]},
    {"target": "customAttributes.costCenter", "source": "work.custom.field_1698036945383",
     "transforms": [{"name": "trim"}, {"name": "lower"}], "default": "none"},
    {"target": "customAttributes.hiredOn", "source": "work.startDate",
     "transforms": [{"name": "date", "layout": "January 2006"}]},
    {"target": "customAttributes.tenure", "source": "work.tenureDuration",
     "transforms": [{"name": "get", "key": "humanize"}, {"name": "default", "value": "new"}]},
    {"target": "customAttributes.languages", "source": "personal.languages",
     "transforms": [{"name": "list", "list": "languages"}, {"name": "join", "separator": " / "}]},
    {"target": "customAttributes.isManager", "source": "work.isManager", "default": false},
    {"target": "customAttributes.level", "source": "work.custom.field_1698036945999", "default": 1.5},
    {"target": "terminationDate", "disabled": true}
  ],
  "scope": [
    {"field": "work.department", "transforms": [{"name": "list", "list": "department"}],
     "op": "in", "values": ["Platform", "Sales"], "ignoreCase": true},
    {"field": "root.email", "op": "regex", "pattern": "@example\\.com$"},
    {"field": "payroll.employment.type", "op": "notEquals", "value": "Contractor"},
    {"field": "work.site", "op": "notEmpty"}
  ]
}`

func TestParseJSONRoundTrip(t *testing.T) {
	m, err := mapping.ParseJSON([]byte(fullDocument))
	require.NoError(t, err)

	encoded, err := json.Marshal(m)
	require.NoError(t, err)
	again, err := mapping.ParseJSON(encoded)
	require.NoError(t, err)
	reencoded, err := json.Marshal(again)
	require.NoError(t, err)

	want, err := mapping.ParseSpec([]byte(fullDocument))
	require.NoError(t, err)
	if diff := cmp.Diff(want, again.Spec()); diff != "" {
		t.Errorf("spec after round trip mismatch (-want +got):\n%s", diff)
	}
	assert.JSONEq(t, fullDocument, string(encoded))
	assert.Equal(t, string(encoded), string(reencoded), "encoding is stable")
}

func TestDefaultSpecRoundTrip(t *testing.T) {
	encoded, err := json.Marshal(mapping.Default())
	require.NoError(t, err)

	spec, err := mapping.ParseSpec(encoded)
	require.NoError(t, err)

	if diff := cmp.Diff(mapping.DefaultSpec(), spec); diff != "" {
		t.Errorf("default spec after round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestFullDocumentMaps(t *testing.T) {
	m, err := mapping.ParseJSON([]byte(fullDocument))
	require.NoError(t, err)
	rec := fieldsRecord{
		"root.id":                         "1",
		"root.email":                      "ada@example.com",
		"root.firstName":                  "Ada",
		"root.surname":                    " Lovelace",
		"work.title":                      "10",
		"work.department":                 "20",
		"work.site":                       "ldn",
		"work.employeeIdInCompany":        json.Number("1042"),
		"work.reportsTo":                  nil,
		"work.manager":                    "2",
		"work.custom.field_1698036945383": " CC-100 ",
		"work.custom.field_1698036945999": nil,
		"work.startDate":                  "2021-05-04T00:00:00",
		"work.tenureDuration":             map[string]any{"periodISO": "P1Y", "humanize": "1 year"},
		"work.isManager":                  true,
		"personal.languages":              []any{"1", "2"},
		"payroll.employment.type":         "Permanent",
		"internal.status":                 "Active",
		"internal.terminationDate":        "2020-01-01",
	}
	lists := mapping.Lists{
		"title":      {"10": "Engineer"},
		"department": {"20": "platform"},
		"languages":  {"1": "English", "2": "Deutsch"},
	}

	got, err := m.Map(rec, lists)
	require.NoError(t, err)

	want := &mapping.User{EmployeeID: "1", Values: map[string]mapping.Value{
		"externalId":                  text("1"),
		"email":                       text("ada@example.com"),
		"firstName":                   text("Ada"),
		"lastName":                    text("Lovelace"),
		"displayName":                 text("Ada Lovelace"),
		"jobTitle":                    text("ENGINEER"),
		"department":                  text("platform"),
		"location":                    text("London"),
		"employeeNumber":              text("E-1042"),
		"startDate":                   text("2021-05-04"),
		"manager":                     text("2"),
		"status":                      text("active"),
		"customAttributes.costCenter": text("cc-100"),
		"customAttributes.hiredOn":    text("May 2021"),
		"customAttributes.tenure":     text("1 year"),
		"customAttributes.languages":  text("English / Deutsch"),
		"customAttributes.isManager":  {Known: true, V: true},
		"customAttributes.level":      {Known: true, V: 1.5},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Map mismatch (-want +got):\n%s", diff)
	}
}

func TestExtendsDefaultOverridesInPlace(t *testing.T) {
	m, err := mapping.ParseJSON([]byte(`{
	  "version": 1,
	  "extends": "default",
	  "rules": [
	    {"target": "customAttributes.site", "source": "work.site"},
	    {"target": "jobTitle", "source": "work.title"},
	    {"target": "employeeNumber", "disabled": true}
	  ]
	}`))
	require.NoError(t, err)

	var targets []string
	for _, r := range m.Rules() {
		targets = append(targets, r.Target)
	}
	want := []string{
		"externalId", "email", "firstName", "lastName", "displayName", "jobTitle", "department",
		"location", "startDate", "terminationDate", "manager", "status", "customAttributes.site",
	}
	if diff := cmp.Diff(want, targets); diff != "" {
		t.Errorf("effective targets mismatch (-want +got):\n%s", diff)
	}
	assert.Empty(t, m.Rules()[5].Transforms, "jobTitle rule replaced, not merged")
	assert.NotContains(t, m.SourceFields(), "work.employeeIdInCompany")
	assert.Equal(t, []string{"department"}, m.ListNames())
}

func TestRuleDefaultOnlyForNull(t *testing.T) {
	m, err := mapping.Compile(mapping.Spec{
		Version: mapping.SpecVersion,
		Extends: mapping.ExtendsDefault,
		Rules:   []mapping.RuleSpec{{Target: "location", Source: "work.site", Default: "Remote"}},
	})
	require.NoError(t, err)

	tests := []struct {
		name string
		rec  fieldsRecord
		want mapping.Value
	}{
		{name: "null", rec: fieldsRecord{"work.site": nil}, want: text("Remote")},
		{name: "blank", rec: fieldsRecord{"work.site": "  "}, want: text("Remote")},
		{name: "value", rec: fieldsRecord{"work.site": "London"}, want: text("London")},
		{name: "absent", rec: fieldsRecord{}, want: mapping.Value{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.rec["root.id"] = "1"

			got, err := m.Map(tt.rec, nil)

			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Get("location"))
		})
	}
}

func TestParseSpecRejects(t *testing.T) {
	tests := []struct {
		name     string
		document string
		want     string
	}{
		{name: "unknown key", document: `{"version":1,"rules":[{"target":"email","source":"root.email","trasnforms":[]}]}`, want: `unknown field "trasnforms"`},
		{name: "unknown top-level key", document: `{"version":1,"rule":[]}`, want: `unknown field "rule"`},
		{name: "missing version", document: `{"rules":[]}`, want: `missing "version": set "version": 1`},
		{name: "future version", document: `{"version":2}`, want: "version is 2, want 1"},
		{name: "trailing data", document: `{"version":1} {}`, want: "unexpected data after the document"},
		{name: "trailing brace", document: `{"version":1}}`, want: "unexpected data after the document"},
		{name: "array", document: `[]`, want: "invalid JSON mapping"},
		{name: "transform without name", document: `{"version":1,"rules":[{"target":"email","transforms":[{"list":"x"}]}]}`, want: `transform object needs a "name" text`},
		{name: "transform null", document: `{"version":1,"rules":[{"target":"email","transforms":[null]}]}`, want: "transform must be an object"},
		{name: "transform name number", document: `{"version":1,"rules":[{"target":"email","transforms":[{"name":1}]}]}`, want: `transform object needs a "name" text`},
		{name: "truncated", document: `{"version":1,"rules":[`, want: "invalid JSON mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mapping.ParseJSON([]byte(tt.document))

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCompileErrorsNameRule(t *testing.T) {
	extend := func(rules ...mapping.RuleSpec) mapping.Spec {
		return mapping.Spec{Version: mapping.SpecVersion, Extends: mapping.ExtendsDefault, Rules: rules}
	}
	customRules := make([]mapping.RuleSpec, 51)
	for i := range customRules {
		customRules[i] = mapping.RuleSpec{Target: "customAttributes.a" + strings.Repeat("x", i), Source: "work.site"}
	}

	tests := []struct {
		name string
		spec mapping.Spec
		want string
	}{
		{
			name: "unknown target",
			spec: extend(mapping.RuleSpec{Target: "jobtitle", Source: "work.title"}),
			want: `mapping: rule 0 (jobtitle): unknown target "jobtitle": use one of [externalId email`,
		},
		{
			name: "unknown transform",
			spec: extend(mapping.RuleSpec{Target: "location", Source: "work.site", Transforms: []mapping.TransformSpec{{Name: "trim"}, {Name: "titlecase"}}}),
			want: `mapping: rule 0 (location): transforms[1]: unknown transform "titlecase" (known: [collapse date default`,
		},
		{
			name: "bad regex",
			spec: extend(mapping.RuleSpec{Target: "email"}, mapping.RuleSpec{Target: "location", Source: "work.site",
				Transforms: []mapping.TransformSpec{{Name: "replace", Args: mapping.Args{"pattern": "[a-"}}}}),
			want: `mapping: rule 1 (location): transforms[0]: transform "replace": invalid pattern: error parsing regexp`,
		},
		{
			name: "bad argument",
			spec: extend(mapping.RuleSpec{Target: "jobTitle", Source: "work.title", Transforms: []mapping.TransformSpec{{Name: "list"}}}),
			want: `mapping: rule 0 (jobTitle): transforms[0]: transform "list": missing argument "list"`,
		},
		{
			name: "custom attribute key",
			spec: extend(mapping.RuleSpec{Target: "customAttributes.cost center", Source: "work.site"}),
			want: `mapping: rule 0 (customAttributes.cost center): invalid custom attribute key "cost center"`,
		},
		{
			name: "custom attribute key too long",
			spec: extend(mapping.RuleSpec{Target: "customAttributes." + strings.Repeat("k", 65), Source: "work.site"}),
			want: "invalid custom attribute key",
		},
		{
			name: "empty custom attribute key",
			spec: extend(mapping.RuleSpec{Target: "customAttributes.", Source: "work.site"}),
			want: `invalid custom attribute key ""`,
		},
		{
			name: "duplicate target",
			spec: extend(mapping.RuleSpec{Target: "location", Source: "work.site"}, mapping.RuleSpec{Target: "location", Source: "work.siteId"}),
			want: "mapping: rule 1 (location): target is already mapped by rule 0",
		},
		{
			name: "disable unmapped target",
			spec: extend(mapping.RuleSpec{Target: "customAttributes.x", Disabled: true}),
			want: "mapping: rule 0 (customAttributes.x): disables a target that no base rule maps",
		},
		{
			name: "disable required target",
			spec: extend(mapping.RuleSpec{Target: "status", Disabled: true}),
			want: "mapping: no rule maps the required target status",
		},
		{
			name: "missing source",
			spec: extend(mapping.RuleSpec{Target: "location"}),
			want: "mapping: rule 0 (location): missing source: give a field id, or start the transforms with a template",
		},
		{
			name: "missing source before non-template",
			spec: extend(mapping.RuleSpec{Target: "location", Transforms: []mapping.TransformSpec{{Name: "trim"}}}),
			want: `missing source: transform "trim" does not read fields itself`,
		},
		{
			name: "slash field id",
			spec: extend(mapping.RuleSpec{Target: "location", Source: "/work/site"}),
			want: `mapping: rule 0 (location): source: invalid field id "/work/site": use HiBob's dot form`,
		},
		{
			name: "fallbacks without source",
			spec: extend(mapping.RuleSpec{Target: "displayName", Fallbacks: []string{"root.fullName"},
				Transforms: []mapping.TransformSpec{{Name: "template", Args: mapping.Args{"template": "{{root.firstName}}"}}}}),
			want: "fallbacks need a source",
		},
		{
			name: "default of wrong type",
			spec: extend(mapping.RuleSpec{Target: "email", Source: "root.email", Default: 5}),
			want: "mapping: rule 0 (email): default: invalid value type: got number, want text",
		},
		{
			name: "blank default",
			spec: extend(mapping.RuleSpec{Target: "location", Source: "work.site", Default: " "}),
			want: "default is blank",
		},
		{
			name: "invalid status default",
			spec: extend(mapping.RuleSpec{Target: "status", Source: "internal.status", Default: "pending"}),
			want: `default: invalid value: status must be "active" or "inactive"`,
		},
		{
			name: "invalid date default",
			spec: extend(mapping.RuleSpec{Target: "startDate", Source: "work.startDate", Default: "soon"}),
			want: "default: invalid civil date",
		},
		{
			name: "required targets without extends",
			spec: mapping.Spec{Version: 1, Rules: []mapping.RuleSpec{{Target: "externalId", Source: "root.id"}}},
			want: "mapping: no rule maps the required target email",
		},
		{
			name: "unknown base",
			spec: mapping.Spec{Version: 1, Extends: "defaults"},
			want: `mapping: extends is "defaults", want "default" or nothing`,
		},
		{
			name: "version",
			spec: mapping.Spec{Extends: "default"},
			want: "mapping: version is 0, want 1",
		},
		{
			name: "too many custom attributes",
			spec: extend(customRules...),
			want: "mapping: 51 rules map custom attributes, but Qooper stores at most 50",
		},
		{
			name: "unknown filter op",
			spec: mapping.Spec{Version: 1, Extends: "default", Scope: []mapping.FilterSpec{{Field: "work.site", Op: "contains", Value: "x"}}},
			want: `mapping: scope filter 0 (work.site): unknown op "contains"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := mapping.Compile(tt.spec)

			assert.Nil(t, m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCompileJoinsEveryError(t *testing.T) {
	_, err := mapping.Compile(mapping.Spec{
		Version: 1,
		Extends: "default",
		Rules: []mapping.RuleSpec{
			{Target: "location", Source: "work.site"},
			{Target: "jobTitle", Source: "work.title", Transforms: []mapping.TransformSpec{{Name: "nope"}}},
			{Target: "colour", Source: "work.site"},
		},
	})
	require.Error(t, err)

	var indexes []int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ruleErr *mapping.RuleError
		if errors.As(e, &ruleErr) {
			indexes = append(indexes, ruleErr.Index)
		}
	}
	assert.Equal(t, []int{1, 2}, indexes)
}

func TestCompileCopiesSpec(t *testing.T) {
	spec := mapping.DefaultSpec()
	m, err := mapping.Compile(spec)
	require.NoError(t, err)

	spec.Rules[0].Source = "root.email"
	spec.Rules[5].Transforms[0].Args["list"] = "other"
	got := m.Spec()
	got.Rules[1].Source = "root.surname"

	if diff := cmp.Diff(mapping.DefaultSpec(), m.Spec()); diff != "" {
		t.Errorf("compiled spec changed (-want +got):\n%s", diff)
	}
	assert.Equal(t, []string{"department", "title"}, m.ListNames())
}

func TestMarshalRejectsGoTransform(t *testing.T) {
	spec := mapping.Spec{Version: 1, Extends: "default", Rules: []mapping.RuleSpec{{
		Target: "location",
		Source: "work.site",
		Transforms: []mapping.TransformSpec{{
			Name: "siteCode",
			Transform: mapping.TransformFunc(func(v any, _ mapping.Env) (mapping.Value, error) {
				return mapping.Value{Known: true, V: v}, nil
			}),
		}},
	}}}
	m, err := mapping.Compile(spec)
	require.NoError(t, err)

	_, err = json.Marshal(m)

	assert.ErrorContains(t, err, `transform "siteCode" is Go code and has no JSON form`)
}

func TestTemplateRuleReadsItsFields(t *testing.T) {
	m, err := mapping.ParseJSON([]byte(`{"version":1,"extends":"default","rules":[
	  {"target":"displayName","transforms":[{"name":"template","template":"{{root.surname}}, {{root.firstName}}"}]}
	]}`))
	require.NoError(t, err)
	rec := fieldsRecord{"root.id": "1", "root.firstName": "Ada", "root.surname": "Lovelace"}

	got, err := m.Map(rec, nil)

	require.NoError(t, err)
	assert.Equal(t, text("Lovelace, Ada"), got.Get("displayName"))
	assert.NotContains(t, m.SourceFields(), "root.displayName")
	assert.Contains(t, m.SourceFields(), "root.surname")
}

func TestCustomAttributeFromAnyField(t *testing.T) {
	m, err := mapping.Compile(mapping.Spec{Version: 1, Extends: "default", Rules: []mapping.RuleSpec{
		{Target: "customAttributes.costCenter", Source: "work.custom.field_1698036945383"},
		{Target: "customAttributes.fte", Source: "payroll.employment.fte"},
		{Target: "customAttributes.isManager", Source: "work.isManager"},
		{Target: "customAttributes.siteId", Source: "work.siteId", Transforms: []mapping.TransformSpec{{Name: "text"}}},
		{Target: "customAttributes.tenure", Source: "work.tenureDuration"},
	}})
	require.NoError(t, err)
	rec := fieldsRecord{
		"root.id":                         "1",
		"work.custom.field_1698036945383": "CC-100",
		"payroll.employment.fte":          json.Number("0.8"),
		"work.isManager":                  false,
		"work.siteId":                     json.Number("2154020"),
		"work.tenureDuration":             map[string]any{"humanize": "1 year"},
	}

	_, err = m.Map(rec, nil)

	var fieldErr *mapping.FieldError
	require.ErrorAs(t, err, &fieldErr)
	assert.Equal(t, "customAttributes.tenure", fieldErr.Target)
	assert.ErrorIs(t, err, mapping.ErrInvalidType)

	delete(rec, "work.tenureDuration")
	got, err := m.Map(rec, nil)
	require.NoError(t, err)
	assert.Equal(t, text("CC-100"), got.Get("customAttributes.costCenter"))
	assert.Equal(t, mapping.Value{Known: true, V: 0.8}, got.Get("customAttributes.fte"))
	assert.Equal(t, mapping.Value{Known: true, V: false}, got.Get("customAttributes.isManager"))
	assert.Equal(t, text("2154020"), got.Get("customAttributes.siteId"))
}
