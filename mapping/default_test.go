package mapping_test

import (
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// text returns a known text Value.
func text(s string) mapping.Value { return mapping.Value{Known: true, V: s} }

// cleared is the Value that clears a target.
var cleared = mapping.Value{Known: true}

// Employee ids of testdata/people.json.
const (
	adaID     = "3332883884017713938"
	graceID   = "3332883804594373380"
	alanID    = "3332883884017713940"
	liID      = "3332883884017713941"
	djordjeID = "3332883884017713942"
	unknownID = "3332883884017713943"
	charlesID = "3332883884017713944"
	maryID    = "3332883884017713945"
	hedyID    = "3332883884017713946"
	kurtID    = "3332883884017713947"
	emmyID    = "3332883884017713948"
)

func TestDefaultMapsHibobRecords(t *testing.T) {
	people := loadPeople(t)
	lists := loadLists(t)

	tests := []struct {
		name string
		id   string
		want map[string]mapping.Value
	}{
		{
			name: "complete active employee",
			id:   adaID,
			want: map[string]mapping.Value{
				"externalId":      text(adaID),
				"email":           text("ada.lovelace@example.com"),
				"firstName":       text("Ada"),
				"lastName":        text("Lovelace"),
				"displayName":     text("Ada Lovelace"),
				"jobTitle":        text("Software Engineer"),
				"department":      text("Platform"),
				"location":        text("London"),
				"employeeNumber":  text("1042"),
				"startDate":       text("2021-05-04"),
				"terminationDate": cleared,
				"manager":         text(graceID),
				"status":          text("active"),
			},
		},
		{
			name: "top of org with null manager",
			id:   graceID,
			want: map[string]mapping.Value{
				"externalId":      text(graceID),
				"email":           text("Grace.Hopper@example.com"),
				"firstName":       text("Grace"),
				"lastName":        text("Hopper"),
				"displayName":     text("Grace Hopper"),
				"jobTitle":        text("Chief Executive Officer"),
				"department":      text("Engineering"),
				"location":        text("New York"),
				"employeeNumber":  text("1"),
				"startDate":       text("2015-01-12"),
				"terminationDate": cleared,
				"manager":         cleared,
				"status":          text("active"),
			},
		},
		{
			name: "missing email stays unknown",
			id:   alanID,
			want: map[string]mapping.Value{
				"externalId":      text(alanID),
				"firstName":       text("Alan"),
				"lastName":        text("Turing"),
				"jobTitle":        text("Software Engineer"),
				"department":      text("Site Reliability"),
				"location":        text("London"),
				"employeeNumber":  text("1043"),
				"startDate":       text("2022-02-01"),
				"terminationDate": cleared,
				"manager":         text(adaID),
				"status":          text("active"),
			},
		},
		{
			name: "chinese names collapsed",
			id:   liID,
			want: map[string]mapping.Value{
				"externalId":      text(liID),
				"email":           text("li.lei@example.com"),
				"firstName":       text("李"),
				"lastName":        text("雷"),
				"displayName":     text("李 雷"),
				"jobTitle":        text("Account Executive"),
				"department":      text("Sales"),
				"location":        text("上海"),
				"employeeNumber":  text("1044"),
				"startDate":       text("2020-07-15"),
				"terminationDate": cleared,
				"manager":         text(graceID),
				"status":          text("active"),
			},
		},
		{
			name: "cyrillic names with tab and newline",
			id:   djordjeID,
			want: map[string]mapping.Value{
				"externalId":      text(djordjeID),
				"email":           text("djordje@example.com"),
				"firstName":       text("Ђорђе"),
				"lastName":        text("Балашевић"),
				"displayName":     text("Ђорђе Балашевић"),
				"jobTitle":        text("Account Executive"),
				"department":      text("Sales"),
				"location":        text("Beograd"),
				"employeeNumber":  text("1045"),
				"startDate":       text("2020-07-15"),
				"terminationDate": cleared,
				"manager":         text(graceID),
				"status":          text("active"),
			},
		},
		{
			name: "leaver with timestamp dates",
			id:   charlesID,
			want: map[string]mapping.Value{
				"externalId":      text(charlesID),
				"email":           text("charles.babbage@example.com"),
				"firstName":       text("Charles"),
				"lastName":        text("Babbage"),
				"displayName":     text("Charles Babbage"),
				"jobTitle":        text("Software Engineer"),
				"department":      text("Platform"),
				"location":        text("London"),
				"employeeNumber":  text("1500000"),
				"startDate":       text("2019-03-01"),
				"terminationDate": text("2024-02-29"),
				"manager":         text(graceID),
				"status":          text("inactive"),
			},
		},
		{
			name: "rehire with labels in place of ids",
			id:   maryID,
			want: map[string]mapping.Value{
				"externalId":      text(maryID),
				"email":           text("mary.somerville@example.com"),
				"firstName":       text("Mary"),
				"lastName":        text("Somerville"),
				"displayName":     text("Mary Somerville"),
				"jobTitle":        text("Account Executive"),
				"department":      text("Sales"),
				"location":        text("Edinburgh"),
				"employeeNumber":  text("10"),
				"startDate":       text("2023-01-09"),
				"terminationDate": text("2022-08-31"),
				"manager":         text(graceID),
				"status":          text("active"),
			},
		},
		{
			name: "blank text, archived item, manager fallback",
			id:   hedyID,
			want: map[string]mapping.Value{
				"externalId":      text(hedyID),
				"email":           text("hedy.lamarr@example.com"),
				"firstName":       text("Hedy"),
				"lastName":        text("Lamarr"),
				"displayName":     cleared,
				"jobTitle":        text("Account Executive"),
				"department":      text("Legacy Operations"),
				"location":        cleared,
				"employeeNumber":  text("1047"),
				"startDate":       text("2018-10-01"),
				"terminationDate": cleared,
				"manager":         text(graceID),
				"status":          text("active"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, ok := people[tt.id]
			require.True(t, ok, "fixture %s", tt.id)

			got, err := mapping.Default().Map(rec, lists)
			require.NoError(t, err)

			want := &mapping.User{EmployeeID: tt.id, Values: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Map mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// fieldFailure is an expected FieldError.
type fieldFailure struct {
	Target string
	Source string
	Err    error
}

func TestDefaultReportsFieldErrors(t *testing.T) {
	people := loadPeople(t)
	lists := loadLists(t)

	tests := []struct {
		name string
		id   string
		want []fieldFailure
	}{
		{
			name: "list ids without label",
			id:   unknownID,
			want: []fieldFailure{
				{Target: "jobTitle", Source: "work.title", Err: mapping.ErrListItemNotFound},
				{Target: "department", Source: "work.department", Err: mapping.ErrListItemNotFound},
			},
		},
		{
			name: "wrong types and human-readable date",
			id:   kurtID,
			want: []fieldFailure{
				{Target: "email", Source: "root.email", Err: mapping.ErrInvalidType},
				{Target: "firstName", Source: "root.firstName", Err: mapping.ErrInvalidType},
				{Target: "startDate", Source: "work.startDate", Err: mapping.ErrInvalidDate},
			},
		},
		{
			name: "unknown status",
			id:   emmyID,
			want: []fieldFailure{
				{Target: "status", Source: "internal.status", Err: mapping.ErrUnmappedValue},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mapping.Default().Map(people[tt.id], lists)
			assert.Nil(t, got)

			var recordErr *mapping.RecordError
			require.ErrorAs(t, err, &recordErr)
			assert.Equal(t, tt.id, recordErr.EmployeeID)
			assert.Contains(t, err.Error(), tt.id)

			var gotFailures []fieldFailure
			for _, f := range recordErr.Fields {
				assert.Equal(t, tt.id, f.EmployeeID)
				failure := fieldFailure{Target: f.Target, Source: f.Source, Err: f.Err}
				for _, want := range tt.want {
					if errors.Is(f, want.Err) {
						failure.Err = want.Err
					}
				}
				gotFailures = append(gotFailures, failure)
			}
			if diff := cmp.Diff(tt.want, gotFailures, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("field errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultErrorNamesEmployeeAndFields(t *testing.T) {
	people := loadPeople(t)

	_, err := mapping.Default().Map(people[unknownID], loadLists(t))

	require.Error(t, err)
	assert.Equal(t,
		`mapping: employee 3332883884017713943: 2 field errors; `+
			`jobTitle (from work.title): list: list item not found: item "999999" in list "title"; `+
			`department (from work.department): list: list item not found: item "888888" in list "department"`,
		err.Error())
}

func TestDefaultMissingListIsFieldError(t *testing.T) {
	people := loadPeople(t)

	_, err := mapping.Default().Map(people[adaID], mapping.Lists{})

	assert.ErrorIs(t, err, mapping.ErrListNotFound)
}

func TestDefaultSourceFieldsAndLists(t *testing.T) {
	m := mapping.Default()

	wantFields := []string{
		"internal.status",
		"internal.terminationDate",
		"root.displayName",
		"root.email",
		"root.firstName",
		"root.id",
		"root.surname",
		"work.department",
		"work.employeeIdInCompany",
		"work.manager",
		"work.reportsTo",
		"work.site",
		"work.startDate",
		"work.title",
	}
	if diff := cmp.Diff(wantFields, m.SourceFields()); diff != "" {
		t.Errorf("SourceFields mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"department", "title"}, m.ListNames()); diff != "" {
		t.Errorf("ListNames mismatch (-want +got):\n%s", diff)
	}
}

func TestDefaultMatchesPackageDoc(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)

	for _, rule := range mapping.DefaultSpec().Rules {
		row := regexp.MustCompile(`(?m)^//\t` + regexp.QuoteMeta(rule.Target) + ` +` + regexp.QuoteMeta(rule.Source) + `\b`)
		assert.Regexp(t, row, string(doc), "doc.go lists %s ← %s", rule.Target, rule.Source)
	}
}

func TestDefaultIsShared(t *testing.T) {
	assert.Same(t, mapping.Default(), mapping.Default())
}

func TestStatusIgnoresTerminationDate(t *testing.T) {
	rec := fieldsRecord{
		"root.id":                  "1",
		"internal.status":          "Active",
		"internal.terminationDate": "2020-01-31",
	}

	got, err := mapping.Default().Map(rec, nil)

	require.NoError(t, err)
	assert.Equal(t, text("active"), got.Get("status"))
	assert.Equal(t, text("2020-01-31"), got.Get("terminationDate"))
}

func TestNilRecordIsError(t *testing.T) {
	_, err := mapping.Default().Map(nil, nil)

	assert.Error(t, err)
}
