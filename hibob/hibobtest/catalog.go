package hibobtest

import (
	"github.com/qooper/hrsync/hibob"
)

// MentoringInterestField is the id of the custom field in DefaultFields,
// a text field in the work category.
const MentoringInterestField = "work.custom.field_1698036945383"

// DefaultFields returns the fields metadata that the fake serves unless
// WithFields or SetFields replaces it: the root fields, a few about and employment fields, the
// work fields, the lifecycle fields whose ids start with "internal.", and
// one custom field. Each call returns new values.
func DefaultFields() []*hibob.FieldMetadata {
	field := func(id, category, name, jsonPath, fieldType, listID string, historical bool) *hibob.FieldMetadata {
		return &hibob.FieldMetadata{
			ID:         id,
			Category:   category,
			CategoryID: category,
			Name:       name,
			JSONPath:   jsonPath,
			Type:       fieldType,
			TypeData:   hibob.TypeData{ListID: listID},
			Historical: historical,
		}
	}
	return []*hibob.FieldMetadata{
		field("root.id", "root", "Employee ID", "id", "text", "", false),
		field("root.companyId", "root", "Company ID", "companyId", "number", "", false),
		field("root.email", "root", "Email", "email", "text", "", false),
		field("root.firstName", "root", "First name", "firstName", "text", "", false),
		field("root.surname", "root", "Last name", "surname", "text", "", false),
		field("root.displayName", "root", "Display name", "displayName", "text", "", false),
		field("root.fullName", "root", "Full name", "fullName", "text", "", false),
		field("root.creationDateTime", "root", "Creation date time", "creationDateTime", "time", "", false),
		field("about.about", "about", "About", "about.about", "text-area", "", false),
		field("payroll.employment.contract", "employment", "Contract", "payroll.employment.contract", "list", "employmentstatus", true),
		field("payroll.employment.type", "employment", "Employment type", "payroll.employment.type", "list", "payrollEmploymentType", true),
		field("work.title", "work", "Job title", "work.title", "list", "title", true),
		field("work.department", "work", "Department", "work.department", "hierarchy-list", "department", true),
		field("work.site", "work", "Site", "work.site", "text", "", false),
		field("work.siteId", "work", "Site", "work.siteId", "list_id", "site", true),
		field("work.startDate", "work", "Start date", "work.startDate", "date", "", false),
		field("work.manager", "work", "Manager", "work.manager", "employee-reference", "", true),
		field("work.reportsTo", "work", "Reports to", "work.reportsTo", "employee", "", true),
		field("work.employeeIdInCompany", "work", "Employee number", "work.employeeIdInCompany", "number", "", false),
		&hibob.FieldMetadata{
			ID:         MentoringInterestField,
			Category:   "work",
			CategoryID: "work",
			Name:       "Mentoring interest",
			JSONPath:   MentoringInterestField,
			Type:       "text",
		},
		field("internal.status", "lifecycle", "Status", "internal.status", "list", "status", false),
		field("internal.lifecycleStatus", "lifecycle", "Lifecycle status", "internal.lifecycleStatus", "list", "lifecycleStatus", false),
		field("internal.terminationDate", "lifecycle", "Termination date", "internal.terminationDate", "date", "", false),
		field("personal.birthDate", "personal", "Date of birth", "personal.birthDate", "date", "", false),
	}
}
