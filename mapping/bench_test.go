package mapping_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// benchRecord returns a complete, clean employee and the lists it needs.
func benchRecord() (fieldsRecord, mapping.Lists) {
	rec := fieldsRecord{
		"root.id":                  "3332883884017713938",
		"root.email":               "ada.lovelace@example.com",
		"root.firstName":           "Ada",
		"root.surname":             "Lovelace",
		"root.displayName":         "Ada Lovelace",
		"work.title":               "255490048",
		"work.department":          "209192163",
		"work.site":                "London",
		"work.employeeIdInCompany": json.Number("1042"),
		"work.startDate":           "2021-05-04",
		"work.reportsTo":           map[string]any{"id": "3332883804594373380", "displayName": "Grace Hopper"},
		"work.manager":             "3332883804594373380",
		"internal.status":          "Active",
		"internal.terminationDate": nil,
	}
	lists := mapping.Lists{
		"title":      {"255490048": "Software Engineer"},
		"department": {"209192163": "Platform"},
	}
	return rec, lists
}

func BenchmarkDefaultMap(b *testing.B) {
	rec, lists := benchRecord()
	m := mapping.Default()
	b.ReportAllocs()

	for b.Loop() {
		if _, err := m.Map(rec, lists); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDefaultMapAllocations guards the allocation count of Map, which runs
// once per employee in every sync.
func TestDefaultMapAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	rec, lists := benchRecord()
	m := mapping.Default()
	_, err := m.Map(rec, lists)
	require.NoError(t, err)

	allocs := testing.AllocsPerRun(100, func() {
		_, _ = m.Map(rec, lists)
	})

	// The User, its map, two list labels and the employee number as text.
	assert.LessOrEqual(t, allocs, 8.0)
}
