package syncer

import (
	"strings"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// fieldsForChange builds the request fields of a change. resolveManager
// returns the Qooper id of the new manager, or "" when it has none yet, which
// leaves the manager out. A nil resolveManager leaves the manager out too.
func fieldsForChange(c *Change, resolveManager func(*ManagerRef) string) qooper.UserFields {
	var f qooper.UserFields
	for _, fc := range c.Fields {
		if key, ok := strings.CutPrefix(fc.Field, mapping.CustomAttributePrefix); ok {
			if f.CustomAttributes == nil {
				f.CustomAttributes = make(map[string]any)
			}
			f.CustomAttributes[key] = fc.After
			continue
		}
		target := stringField(&f, fc.Field)
		if target == nil {
			continue
		}
		if s, ok := fc.After.(string); ok {
			*target = qooper.Set(s)
		} else {
			*target = qooper.Null[string]()
		}
	}
	if c.Manager != nil && resolveManager != nil {
		if c.Manager.After == nil {
			f.ManagerID = qooper.Null[string]()
		} else if id := resolveManager(c.Manager.After); id != "" {
			f.ManagerID = qooper.Set(id)
		}
	}
	return f
}

func stringField(f *qooper.UserFields, name string) *qooper.Field[string] {
	switch name {
	case mapping.TargetExternalID:
		return &f.ExternalID
	case mapping.TargetEmail:
		return &f.Email
	case mapping.TargetFirstName:
		return &f.FirstName
	case mapping.TargetLastName:
		return &f.LastName
	case mapping.TargetDisplayName:
		return &f.DisplayName
	case mapping.TargetJobTitle:
		return &f.JobTitle
	case mapping.TargetDepartment:
		return &f.Department
	case mapping.TargetLocation:
		return &f.Location
	case mapping.TargetEmployeeNumber:
		return &f.EmployeeNumber
	case mapping.TargetStartDate:
		return &f.StartDate
	case mapping.TargetTerminationDate:
		return &f.TerminationDate
	}
	return nil
}

// isEmpty reports whether the fields would send nothing.
func isEmpty(f qooper.UserFields) bool {
	for _, field := range []qooper.Field[string]{
		f.ExternalID, f.Email, f.FirstName, f.LastName, f.DisplayName, f.JobTitle,
		f.Department, f.Location, f.EmployeeNumber, f.StartDate, f.TerminationDate, f.ManagerID,
	} {
		if field.IsSet() {
			return false
		}
	}
	return len(f.CustomAttributes) == 0 && !f.ClearCustomAttributes
}
