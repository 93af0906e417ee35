package hibob

import (
	"context"
	"fmt"
	"slices"
)

// PermissionReport describes what a HiBob service user can read, as
// measured by CheckPermissions.
type PermissionReport struct {
	// FieldCount is the number of fields in the company's fields metadata.
	// Reading it proves that the credentials work.
	FieldCount int
	// EmployeesSeen is the number of employees, active or not, that the
	// search returned.
	EmployeesSeen int
	// InactiveSeen is the number of those employees whose internal.status
	// is not Active.
	InactiveSeen int
	// InactiveVisible reports whether the search returned any inactive
	// employee. It is false both when the audience excludes former
	// employees and when the company has none, and also when
	// internal.status itself is not visible.
	InactiveVisible bool
	// MissingFields lists the requested field ids that no returned record
	// contains, in request order. HiBob leaves out fields that the service
	// user may not see without an error, so these are most likely missing
	// permissions. When no employee is visible, every field is missing.
	MissingFields []string
	// UnknownFields lists the requested field ids that the fields metadata
	// does not contain, in request order: most likely misspelled ids.
	UnknownFields []string
}

// OK reports whether every requested field was seen, at least one
// employee was seen, and no field id is unknown.
func (r *PermissionReport) OK() bool {
	return r.EmployeesSeen > 0 && len(r.MissingFields) == 0 && len(r.UnknownFields) == 0
}

// CheckPermissions measures what the service user can read: it reads the
// fields metadata, which needs no permission and so checks the
// credentials, then searches every employee, inactive ones included, for
// fieldIDs plus root.id and internal.status. It is the check to run when a
// customer hands over credentials.
//
// An authentication failure returns an error that matches ErrUnauthorized.
// Missing permissions are not errors: they are listed in the report.
func (c *Client) CheckPermissions(ctx context.Context, fieldIDs []string) (*PermissionReport, error) {
	fields, err := c.Fields(ctx)
	if err != nil {
		return nil, fmt.Errorf("hibob: check credentials with the fields metadata: %w", err)
	}
	known := make(map[string]bool, len(fields))
	for _, field := range fields {
		known[field.ID] = true
	}

	requested := uniqueStrings(fieldIDs)
	searched := uniqueStrings(append(slices.Clone(requested), "root.id", "internal.status"))
	employees, err := c.SearchPeople(ctx, &SearchRequest{Fields: searched, ShowInactive: true})
	if err != nil {
		return nil, fmt.Errorf("hibob: check permissions with a people search: %w", err)
	}

	report := &PermissionReport{FieldCount: len(fields), EmployeesSeen: len(employees)}
	seen := make(map[string]bool, len(requested))
	for _, employee := range employees {
		if status := employee.Status(); status != "" && status != "Active" {
			report.InactiveSeen++
		}
		for _, id := range requested {
			if !seen[id] {
				if _, present := employee.Field(id); present {
					seen[id] = true
				}
			}
		}
	}
	report.InactiveVisible = report.InactiveSeen > 0
	for _, id := range requested {
		if !seen[id] {
			report.MissingFields = append(report.MissingFields, id)
		}
		if !known[id] {
			report.UnknownFields = append(report.UnknownFields, id)
		}
	}
	return report, nil
}

// uniqueStrings returns values without duplicates, in first-seen order.
func uniqueStrings(values []string) []string {
	seen := make(map[string]bool, len(values))
	unique := make([]string, 0, len(values))
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			unique = append(unique, v)
		}
	}
	return unique
}
