package mapping_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// hibobFields mirrors HiBob's fields metadata for the fields the tests use.
var hibobFields = []mapping.FieldInfo{
	{ID: "root.id", Type: "text"},
	{ID: "root.email", Type: "text"},
	{ID: "root.firstName", Type: "text"},
	{ID: "root.surname", Type: "text"},
	{ID: "root.displayName", Type: "text"},
	{ID: "work.title", Type: "list", ListID: "title"},
	{ID: "work.department", Type: "hierarchy-list", ListID: "department"},
	{ID: "work.site", Type: "text"},
	{ID: "work.siteId", Type: "list_id", ListID: "site"},
	{ID: "work.employeeIdInCompany", Type: "number"},
	{ID: "work.startDate", Type: "date"},
	{ID: "work.reportsTo", Type: "employee"},
	{ID: "work.manager", Type: "employee-reference"},
	{ID: "work.isManager", Type: "boolean"},
	{ID: "internal.status", Type: "list", ListID: "status"},
	{ID: "internal.terminationDate", Type: "date"},
	{ID: "root.creationDateTime", Type: "time"},
	{ID: "personal.nationality", Type: "multi-list", ListID: "nationalities"},
}

func TestValidateDefaultHasNoProblems(t *testing.T) {
	problems := mapping.Default().Validate(hibobFields)

	assert.Empty(t, problems)
}

func TestValidateReportsProblems(t *testing.T) {
	list := func(name string) []mapping.TransformSpec {
		return []mapping.TransformSpec{{Name: "list", Args: mapping.Args{"list": name}}}
	}
	m, err := mapping.Compile(mapping.Spec{
		Version: 1,
		Extends: "default",
		Rules: []mapping.RuleSpec{
			{Target: "jobTitle", Source: "work.title", Transforms: list("department")},
			{Target: "department", Source: "work.site", Transforms: list("department")},
			{Target: "startDate", Source: "work.site", Transforms: []mapping.TransformSpec{{Name: "trim"}}},
			{Target: "manager", Source: "work.reportsTo"},
			{Target: "customAttributes.siteId", Source: "work.siteId"},
			{Target: "customAttributes.unknown", Source: "work.custom.field_1"},
			{Target: "customAttributes.greeting", Transforms: []mapping.TransformSpec{
				{Name: "template", Args: mapping.Args{"template": "Hi {{root.nickname}}"}},
			}},
			{Target: "customAttributes.nationality", Source: "personal.nationality", Transforms: list("nationalities")},
			{Target: "customAttributes.hired", Source: "work.title", Transforms: []mapping.TransformSpec{{Name: "date"}}},
			{Target: "customAttributes.buddy", Source: "work.site", Transforms: []mapping.TransformSpec{{Name: "employeeId"}}},
			{Target: "customAttributes.created", Source: "root.creationDateTime", Transforms: []mapping.TransformSpec{{Name: "date"}}},
			{Target: "customAttributes.siteName", Source: "work.siteId", Transforms: []mapping.TransformSpec{{Name: "text"}, {Name: "map", Args: mapping.Args{"values": map[string]any{"1": "London"}}}}},
		},
		Scope: []mapping.FilterSpec{
			{Field: "work.department", Op: "in", Values: []string{"209192163"}},
			{Field: "work.contractType", Op: "notEquals", Value: "Contractor"},
			{Field: "work.startDate", Transforms: list("department"), Op: "notEmpty"},
		},
	})
	require.NoError(t, err)

	got := m.Validate(hibobFields)

	want := []mapping.Problem{
		{Target: "jobTitle", Field: "work.title", Message: `field takes its items from list "title", but the rule resolves labels from list "department"`},
		{Target: "department", Field: "work.site", Message: `field has type "text", but the list transform needs a list field`},
		{Target: "startDate", Field: "work.site", Message: `field has type "text", but the target needs a date`},
		{Target: "manager", Field: "work.reportsTo", Message: "employee field is an object; add the employeeId transform"},
		{Target: "customAttributes.siteId", Field: "work.siteId", Message: "list field mapped without the list transform: the target would get item ids, not labels"},
		{Target: "customAttributes.unknown", Field: "work.custom.field_1", Message: "field not found in HiBob's fields metadata"},
		{Target: "customAttributes.greeting", Field: "root.nickname", Message: "field not found in HiBob's fields metadata"},
		{Target: "customAttributes.nationality", Field: "personal.nationality", Message: "multi-list field gives an array of labels; add the join transform after list"},
		{Target: "customAttributes.hired", Field: "work.title", Message: `field has type "list", but the date transform needs a date or time field`},
		{Target: "customAttributes.buddy", Field: "work.site", Message: `field has type "text", but the employeeId transform needs an employee or employee-reference field`},
		{Filter: 1, Field: "work.contractType", Message: "field not found in HiBob's fields metadata"},
		{Filter: 2, Field: "work.startDate", Message: `field has type "date", but the list transform needs a list field`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate mismatch (-want +got):\n%s", diff)
	}
}

func TestProblemString(t *testing.T) {
	assert.Equal(t, "jobTitle (from work.title): field not found in HiBob's fields metadata",
		mapping.Problem{Target: "jobTitle", Field: "work.title", Message: "field not found in HiBob's fields metadata"}.String())
	assert.Equal(t, "scope filter 2 (work.site): field not found in HiBob's fields metadata",
		mapping.Problem{Filter: 2, Field: "work.site", Message: "field not found in HiBob's fields metadata"}.String())
}
