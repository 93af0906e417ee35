package mapping_test

import (
	"encoding/json"
	"fmt"

	"github.com/qooper/hrsync/mapping"
)

// employee is a Record whose keys are HiBob field ids.
type employee map[string]any

func (e employee) ID() string { return e["root.id"].(string) }

func (e employee) Field(id string) (any, bool) {
	v, ok := e[id]
	return v, ok
}

func ExampleParseJSON() {
	m, err := mapping.ParseJSON([]byte(`{
	  "version": 1,
	  "extends": "default",
	  "rules": [
	    {"target": "location", "source": "work.site",
	     "transforms": [{"name": "map", "values": {"LDN": "London"}}]},
	    {"target": "customAttributes.costCenter", "source": "work.custom.field_1698036945383",
	     "default": "none"}
	  ]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	ada := employee{
		"root.id":                         "3332883884017713938",
		"root.email":                      " ada@example.com",
		"root.firstName":                  "Ada",
		"root.surname":                    "Lovelace",
		"work.title":                      "255490048",
		"work.site":                       "LDN",
		"work.employeeIdInCompany":        json.Number("1042"),
		"work.startDate":                  "2021-05-04",
		"work.reportsTo":                  map[string]any{"id": "3332883804594373380"},
		"work.custom.field_1698036945383": nil,
		"internal.status":                 "Active",
		"internal.terminationDate":        nil,
	}
	lists := mapping.Lists{"title": {"255490048": "Software Engineer"}}

	user, err := m.Map(ada, lists)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, target := range []string{"email", "jobTitle", "location", "employeeNumber", "manager",
		"status", "terminationDate", "department", "customAttributes.costCenter"} {
		v := user.Get(target)
		switch {
		case !v.Known:
			fmt.Printf("%s: unknown\n", target)
		case v.V == nil:
			fmt.Printf("%s: cleared\n", target)
		default:
			fmt.Printf("%s: %v\n", target, v.V)
		}
	}
	// Output:
	// email: ada@example.com
	// jobTitle: Software Engineer
	// location: London
	// employeeNumber: 1042
	// manager: 3332883804594373380
	// status: active
	// terminationDate: cleared
	// department: unknown
	// customAttributes.costCenter: none
}

func ExampleMapping_Validate() {
	fields := []mapping.FieldInfo{
		{ID: "root.id", Type: "text"},
		{ID: "root.email", Type: "text"},
		{ID: "root.firstName", Type: "text"},
		{ID: "root.surname", Type: "text"},
		{ID: "root.displayName", Type: "text"},
		{ID: "work.title", Type: "list", ListID: "title"},
		{ID: "work.department", Type: "hierarchy-list", ListID: "department"},
		{ID: "work.site", Type: "text"},
		{ID: "work.employeeIdInCompany", Type: "number"},
		{ID: "work.startDate", Type: "date"},
		{ID: "work.reportsTo", Type: "employee"},
		{ID: "work.manager", Type: "employee-reference"},
		{ID: "internal.status", Type: "list", ListID: "status"},
	}

	for _, problem := range mapping.Default().Validate(fields) {
		fmt.Println(problem)
	}
	// Output:
	// terminationDate (from internal.terminationDate): field not found in HiBob's fields metadata
}
