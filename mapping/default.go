package mapping

import (
	"fmt"
	"sync"
)

// DefaultSpec returns the spec of the default mapping. Each call returns a
// new copy.
func DefaultSpec() Spec {
	return Spec{Version: SpecVersion, Rules: defaultRules()}
}

// Default returns the default mapping. The Mapping is shared, which is safe
// because a Mapping never changes.
func Default() *Mapping { return defaultMapping() }

var defaultMapping = sync.OnceValue(func() *Mapping {
	m, err := NewRegistry().Compile(DefaultSpec())
	if err != nil {
		panic(fmt.Sprintf("mapping: the default mapping does not compile: %v", err))
	}
	return m
})

// defaultRules returns the default rules in target order. The package
// documentation lists them; tests keep the two in step.
func defaultRules() []RuleSpec {
	transform := func(name string) []TransformSpec { return []TransformSpec{{Name: name}} }
	list := func(list string) []TransformSpec {
		return []TransformSpec{{Name: TransformList, Args: Args{"list": list}}}
	}
	return []RuleSpec{
		{Target: TargetExternalID, Source: "root.id"},
		{Target: TargetEmail, Source: "root.email", Transforms: transform(TransformTrim)},
		{Target: TargetFirstName, Source: "root.firstName", Transforms: transform(TransformCollapse)},
		{Target: TargetLastName, Source: "root.surname", Transforms: transform(TransformCollapse)},
		{Target: TargetDisplayName, Source: "root.displayName", Transforms: transform(TransformCollapse)},
		{Target: TargetJobTitle, Source: "work.title", Transforms: list("title")},
		{Target: TargetDepartment, Source: "work.department", Transforms: list("department")},
		{Target: TargetLocation, Source: "work.site"},
		{Target: TargetEmployeeNumber, Source: "work.employeeIdInCompany", Transforms: transform(TransformText)},
		{Target: TargetStartDate, Source: "work.startDate", Transforms: transform(TransformDate)},
		{Target: TargetTerminationDate, Source: "internal.terminationDate", Transforms: transform(TransformDate)},
		{
			Target:     TargetManager,
			Source:     "work.reportsTo",
			Fallbacks:  []string{"work.manager"},
			Transforms: transform(TransformEmployeeID),
		},
		{
			Target: TargetStatus,
			Source: "internal.status",
			Transforms: []TransformSpec{{Name: TransformMap, Args: Args{
				"values":     map[string]any{"Active": StatusActive, "Inactive": StatusInactive},
				"unmatched":  unmatchedError,
				"ignoreCase": true,
			}}},
		},
	}
}
