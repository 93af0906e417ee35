package mapping_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// scoped compiles the default mapping with one scope filter.
func scoped(t *testing.T, filter mapping.FilterSpec) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Compile(mapping.Spec{
		Version: mapping.SpecVersion,
		Extends: mapping.ExtendsDefault,
		Scope:   []mapping.FilterSpec{filter},
	})
	require.NoError(t, err)
	return m
}

func TestScopeFilters(t *testing.T) {
	departmentLabel := []mapping.TransformSpec{{Name: "list", Args: mapping.Args{"list": "department"}}}
	lists := mapping.Lists{"department": {"1": "Engineering", "2": "Sales"}}

	tests := []struct {
		name   string
		filter mapping.FilterSpec
		value  any
		want   bool
	}{
		{name: "equals", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London"}, value: "London", want: true},
		{name: "equals trims value", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London"}, value: " London ", want: true},
		{name: "equals other", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London"}, value: "Paris", want: false},
		{name: "equals case", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London"}, value: "london", want: false},
		{name: "equals ignore case", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London", IgnoreCase: true}, value: "LONDON", want: true},
		{name: "equals null", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London"}, value: nil, want: false},
		{name: "equals number", filter: mapping.FilterSpec{Field: "work.siteId", Op: "equals", Value: "2154020"}, value: json.Number("2154020"), want: true},
		{name: "equals boolean", filter: mapping.FilterSpec{Field: "work.isManager", Op: "equals", Value: "true"}, value: true, want: true},
		{name: "not equals", filter: mapping.FilterSpec{Field: "work.site", Op: "notEquals", Value: "London"}, value: "Paris", want: true},
		{name: "not equals same", filter: mapping.FilterSpec{Field: "work.site", Op: "notEquals", Value: "London"}, value: "London", want: false},
		{name: "not equals null", filter: mapping.FilterSpec{Field: "work.site", Op: "notEquals", Value: "London"}, value: nil, want: true},
		{name: "in label", filter: mapping.FilterSpec{Field: "work.department", Transforms: departmentLabel, Op: "in", Values: []string{"Engineering", "Product"}}, value: "1", want: true},
		{name: "in other label", filter: mapping.FilterSpec{Field: "work.department", Transforms: departmentLabel, Op: "in", Values: []string{"Engineering"}}, value: "2", want: false},
		{name: "in ids", filter: mapping.FilterSpec{Field: "work.department", Op: "in", Values: []string{"1", "3"}}, value: "1", want: true},
		{name: "in ignore case", filter: mapping.FilterSpec{Field: "work.site", Op: "in", Values: []string{"london"}, IgnoreCase: true}, value: "London", want: true},
		{name: "not in", filter: mapping.FilterSpec{Field: "work.site", Op: "notIn", Values: []string{"London", "Paris"}}, value: "Berlin", want: true},
		{name: "not in listed", filter: mapping.FilterSpec{Field: "work.site", Op: "notIn", Values: []string{"London", "Paris"}}, value: "Paris", want: false},
		{name: "in multi-list", filter: mapping.FilterSpec{Field: "work.teams", Op: "in", Values: []string{"b"}}, value: []any{"a", "b"}, want: true},
		{name: "not in multi-list", filter: mapping.FilterSpec{Field: "work.teams", Op: "notIn", Values: []string{"b"}}, value: []any{"a", "b"}, want: false},
		{name: "regex", filter: mapping.FilterSpec{Field: "root.email", Op: "regex", Pattern: `@example\.com$`}, value: "ada@example.com", want: true},
		{name: "regex unanchored", filter: mapping.FilterSpec{Field: "root.email", Op: "regex", Pattern: `example`}, value: "ada@example.org", want: true},
		{name: "regex no match", filter: mapping.FilterSpec{Field: "root.email", Op: "regex", Pattern: `@example\.com$`}, value: "ada@example.org", want: false},
		{name: "regex case flag", filter: mapping.FilterSpec{Field: "root.email", Op: "regex", Pattern: `(?i)^ADA@`}, value: "ada@example.org", want: true},
		{name: "not regex", filter: mapping.FilterSpec{Field: "root.email", Op: "notRegex", Pattern: `^contractor-`}, value: "ada@example.com", want: true},
		{name: "not regex match", filter: mapping.FilterSpec{Field: "root.email", Op: "notRegex", Pattern: `^contractor-`}, value: "contractor-1@example.com", want: false},
		{name: "empty null", filter: mapping.FilterSpec{Field: "internal.terminationDate", Op: "empty"}, value: nil, want: true},
		{name: "empty blank", filter: mapping.FilterSpec{Field: "internal.terminationDate", Op: "empty"}, value: "  ", want: true},
		{name: "empty array", filter: mapping.FilterSpec{Field: "work.teams", Op: "empty"}, value: []any{}, want: true},
		{name: "empty with value", filter: mapping.FilterSpec{Field: "internal.terminationDate", Op: "empty"}, value: "2024-01-31", want: false},
		{name: "not empty", filter: mapping.FilterSpec{Field: "work.site", Op: "notEmpty"}, value: "London", want: true},
		{name: "not empty null", filter: mapping.FilterSpec{Field: "work.site", Op: "notEmpty"}, value: nil, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := scoped(t, tt.filter)
			rec := fieldsRecord{"root.id": "1", tt.filter.Field: tt.value}

			user, err := m.Map(rec, lists)

			if tt.want {
				require.NoError(t, err)
				assert.Equal(t, "1", user.EmployeeID)
				return
			}
			assert.Nil(t, user)
			assert.ErrorIs(t, err, mapping.ErrOutOfScope)
		})
	}
}

func TestOutOfScopeErrorNamesFilter(t *testing.T) {
	m := scoped(t, mapping.FilterSpec{Field: "payroll.employment.type", Op: "notEquals", Value: "Contractor"})

	_, err := m.Map(fieldsRecord{"root.id": "42", "payroll.employment.type": "Contractor"}, nil)

	assert.EqualError(t, err, "mapping: employee 42: out of scope: scope filter 0 (payroll.employment.type notEquals) does not match")
}

func TestScopeMissingFieldIsFieldError(t *testing.T) {
	m := scoped(t, mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "London"})

	user, err := m.Map(fieldsRecord{"root.id": "42"}, nil)

	assert.Nil(t, user)
	assert.ErrorIs(t, err, mapping.ErrMissingField)
	assert.NotErrorIs(t, err, mapping.ErrOutOfScope)
	var fieldErr *mapping.FieldError
	require.ErrorAs(t, err, &fieldErr)
	assert.Equal(t, "work.site", fieldErr.Source)
	assert.Empty(t, fieldErr.Target)
	assert.EqualError(t, err, "mapping: employee 42: scope filter on work.site: field missing from record")
}

func TestScopeExclusionWinsOverError(t *testing.T) {
	m, err := mapping.Compile(mapping.Spec{Version: 1, Extends: "default", Scope: []mapping.FilterSpec{
		{Field: "work.site", Op: "notEmpty"},
		{Field: "work.department", Op: "in", Values: []string{"1"}},
	}})
	require.NoError(t, err)

	_, err = m.Map(fieldsRecord{"root.id": "42", "work.department": "2"}, nil)

	assert.ErrorIs(t, err, mapping.ErrOutOfScope)
}

func TestScopeFieldsAreRequested(t *testing.T) {
	m := scoped(t, mapping.FilterSpec{
		Field:      "payroll.employment.type",
		Transforms: []mapping.TransformSpec{{Name: "list", Args: mapping.Args{"list": "payrollEmploymentType"}}},
		Op:         "notIn",
		Values:     []string{"Contractor"},
	})

	assert.Contains(t, m.SourceFields(), "payroll.employment.type")
	assert.Equal(t, []string{"department", "payrollEmploymentType", "title"}, m.ListNames())
}

func TestScopeFilterCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		filter mapping.FilterSpec
		want   string
	}{
		{name: "missing op", filter: mapping.FilterSpec{Field: "work.site"}, want: "missing op"},
		{name: "missing field", filter: mapping.FilterSpec{Op: "notEmpty"}, want: "missing field id"},
		{name: "equals blank", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: " "}, want: "op equals needs a non-blank value; use op empty"},
		{name: "equals with values", filter: mapping.FilterSpec{Field: "work.site", Op: "equals", Value: "a", Values: []string{"b"}}, want: "op equals takes value only"},
		{name: "in without values", filter: mapping.FilterSpec{Field: "work.site", Op: "in", Value: "a"}, want: "op in needs values"},
		{name: "in blank entry", filter: mapping.FilterSpec{Field: "work.site", Op: "in", Values: []string{"a", ""}}, want: "values[1] is blank"},
		{name: "regex invalid", filter: mapping.FilterSpec{Field: "work.site", Op: "regex", Pattern: "(?P<"}, want: "invalid pattern"},
		{name: "regex ignore case", filter: mapping.FilterSpec{Field: "work.site", Op: "regex", Pattern: "a", IgnoreCase: true}, want: "write (?i) in the pattern"},
		{name: "empty with value", filter: mapping.FilterSpec{Field: "work.site", Op: "empty", Value: "a"}, want: "op empty takes no value"},
		{name: "bad transform", filter: mapping.FilterSpec{Field: "work.site", Op: "notEmpty", Transforms: []mapping.TransformSpec{{Name: "list"}}}, want: `transforms[0]: transform "list": missing argument "list"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mapping.Compile(mapping.Spec{Version: 1, Extends: "default", Scope: []mapping.FilterSpec{tt.filter}})

			var filterErr *mapping.FilterError
			require.ErrorAs(t, err, &filterErr)
			assert.Equal(t, 0, filterErr.Index)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
