package mapping_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// initialsTransform renders the initials of the first name and surname. It
// reads both fields itself and declares them.
type initialsTransform struct{ separator string }

func (t initialsTransform) SourceFields() []string {
	return []string{"root.firstName", "root.surname"}
}

func (t initialsTransform) Apply(_ any, env mapping.Env) (mapping.Value, error) {
	var initials []string
	for _, id := range t.SourceFields() {
		v, ok := env.Record.Field(id)
		if !ok {
			return mapping.Value{}, nil
		}
		name, ok := v.(string)
		if !ok {
			return mapping.Value{}, fmt.Errorf("%s is not text", id)
		}
		if name != "" {
			initials = append(initials, strings.ToUpper(name[:1]))
		}
	}
	return mapping.Value{Known: true, V: strings.Join(initials, t.separator)}, nil
}

func newInitialsTransform(args mapping.Args) (mapping.Transform, error) {
	if err := args.CheckNames("separator"); err != nil {
		return nil, err
	}
	separator, err := args.OptionalText("separator", "")
	if err != nil {
		return nil, err
	}
	return initialsTransform{separator: separator}, nil
}

func TestRegistryCustomTransform(t *testing.T) {
	registry := mapping.NewRegistry()
	require.NoError(t, registry.Register("initials", newInitialsTransform))

	m, err := registry.ParseJSON([]byte(`{"version":1,"extends":"default","rules":[
	  {"target":"customAttributes.initials","transforms":[{"name":"initials","separator":"."}]}
	]}`))
	require.NoError(t, err)
	got, err := m.Map(fieldsRecord{"root.id": "1", "root.firstName": "ada", "root.surname": "Lovelace"}, nil)
	require.NoError(t, err)

	assert.Equal(t, text("A.L"), got.Get("customAttributes.initials"))
	assert.Contains(t, m.SourceFields(), "root.firstName")
	assert.Contains(t, registry.Names(), "initials")
}

func TestRegistryCustomTransformArgumentError(t *testing.T) {
	registry := mapping.NewRegistry()
	require.NoError(t, registry.Register("initials", newInitialsTransform))

	_, err := registry.ParseJSON([]byte(`{"version":1,"extends":"default","rules":[
	  {"target":"customAttributes.initials","transforms":[{"name":"initials","sep":"."}]}
	]}`))

	assert.EqualError(t, err, `mapping: rule 0 (customAttributes.initials): transforms[0]: transform "initials": unknown argument "sep" (allowed: [separator])`)
}

func TestRegistriesAreIndependent(t *testing.T) {
	registry := mapping.NewRegistry()
	require.NoError(t, registry.Register("initials", newInitialsTransform))

	_, err := mapping.NewRegistry().Compile(mapping.Spec{Version: 1, Extends: "default", Rules: []mapping.RuleSpec{
		{Target: "customAttributes.initials", Transforms: []mapping.TransformSpec{{Name: "initials"}}},
	}})

	assert.ErrorContains(t, err, `unknown transform "initials"`)
}

// registerReverse registers the package-level "test.reverse" transform
// once per test binary, so that -count=2 does not register it twice.
var registerReverse = sync.OnceValue(func() error {
	return mapping.RegisterTransform("test.reverse", func(args mapping.Args) (mapping.Transform, error) {
		return mapping.TransformFunc(func(v any, _ mapping.Env) (mapping.Value, error) {
			s, ok := v.(string)
			if !ok {
				return mapping.Value{Known: true, V: v}, nil
			}
			runes := []rune(s)
			for i, j := 0, len(runes)-1; i < j; i, j = i+1, j-1 {
				runes[i], runes[j] = runes[j], runes[i]
			}
			return mapping.Value{Known: true, V: string(runes)}, nil
		}), args.CheckNames()
	})
})

func TestRegisterTransformPackageLevel(t *testing.T) {
	require.NoError(t, registerReverse())

	m, err := mapping.ParseJSON([]byte(`{"version":1,"extends":"default","rules":[
	  {"target":"location","source":"work.site","transforms":[{"name":"test.reverse"}]}
	]}`))
	require.NoError(t, err)
	got, err := m.Map(fieldsRecord{"root.id": "1", "work.site": "Wien"}, nil)

	require.NoError(t, err)
	assert.Equal(t, text("neiW"), got.Get("location"))
}

func TestRegisterRejects(t *testing.T) {
	registry := mapping.NewRegistry()
	require.NoError(t, registry.Register("initials", newInitialsTransform))

	tests := []struct {
		name      string
		transform string
		factory   mapping.TransformFactory
		want      string
	}{
		{name: "built-in name", transform: "list", factory: newInitialsTransform, want: `mapping: transform "list" is already registered`},
		{name: "twice", transform: "initials", factory: newInitialsTransform, want: `mapping: transform "initials" is already registered`},
		{name: "invalid name", transform: "my transform", factory: newInitialsTransform, want: `mapping: invalid transform name "my transform"`},
		{name: "empty name", transform: "", factory: newInitialsTransform, want: `mapping: invalid transform name ""`},
		{name: "nil factory", transform: "nothing", want: `mapping: transform "nothing" has a nil factory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := registry.Register(tt.transform, tt.factory)

			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestRuleWithGoTransform(t *testing.T) {
	siteCodes := mapping.TransformFunc(func(v any, _ mapping.Env) (mapping.Value, error) {
		if v == "LDN" {
			return mapping.Value{Known: true, V: "London"}, nil
		}
		return mapping.Value{}, nil // unknown: leave the location as it is
	})
	m, err := mapping.Compile(mapping.Spec{Version: 1, Extends: "default", Rules: []mapping.RuleSpec{
		{Target: "location", Source: "work.site", Transforms: []mapping.TransformSpec{{Name: "siteCodes", Transform: siteCodes}}},
	}})
	require.NoError(t, err)

	london, err := m.Map(fieldsRecord{"root.id": "1", "work.site": "LDN"}, nil)
	require.NoError(t, err)
	other, err := m.Map(fieldsRecord{"root.id": "2", "work.site": "XYZ"}, nil)
	require.NoError(t, err)

	assert.Equal(t, text("London"), london.Get("location"))
	assert.Equal(t, mapping.Value{}, other.Get("location"))
}

func TestTransformErrorBecomesFieldError(t *testing.T) {
	failing := mapping.TransformFunc(func(any, mapping.Env) (mapping.Value, error) {
		return mapping.Value{}, errors.New("site service rules out this value")
	})
	m, err := mapping.Compile(mapping.Spec{Version: 1, Extends: "default", Rules: []mapping.RuleSpec{
		{Target: "location", Source: "work.site", Transforms: []mapping.TransformSpec{{Name: "siteCheck", Transform: failing}}},
	}})
	require.NoError(t, err)

	_, err = m.Map(fieldsRecord{"root.id": "7", "work.site": "LDN"}, nil)

	assert.EqualError(t, err, "mapping: employee 7: location (from work.site): siteCheck: site service rules out this value")
}

// staticMapper replaces the whole mapping.
type staticMapper struct{}

func (staticMapper) Map(rec mapping.Record, _ mapping.Lists) (*mapping.User, error) {
	return &mapping.User{EmployeeID: rec.ID(), Values: map[string]mapping.Value{
		mapping.TargetExternalID: {Known: true, V: rec.ID()},
	}}, nil
}
func (staticMapper) SourceFields() []string { return []string{"root.id"} }
func (staticMapper) ListNames() []string    { return nil }

func TestMapperInterfaceReplacesMapping(t *testing.T) {
	mappers := []mapping.Mapper{mapping.Default(), staticMapper{}}

	for _, m := range mappers {
		got, err := m.Map(fieldsRecord{"root.id": "9"}, nil)

		require.NoError(t, err)
		if diff := cmp.Diff(text("9"), got.Get(mapping.TargetExternalID)); diff != "" {
			t.Errorf("%T externalId mismatch (-want +got):\n%s", m, diff)
		}
	}
}
