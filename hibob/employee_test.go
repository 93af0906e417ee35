package hibob_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
)

// sourceRecord is the interface that the mapping package reads source records
// through.
type sourceRecord interface {
	ID() string
	Field(id string) (value any, present bool)
}

var _ sourceRecord = (*hibob.Employee)(nil)

const employeeJSON = `{
	"id": "3332883884017713938",
	"companyId": 557418,
	"firstName": "José",
	"surname": "Müller-Łukasiewicz",
	"displayName": "José Müller-Łukasiewicz",
	"email": null,
	"work": {
		"title": "255490048",
		"department": "209192163",
		"site": "London",
		"siteId": 2154020,
		"startDate": "2021-05-04",
		"manager": "3332883804594373380",
		"reportsTo": {"id": "3332883804594373380", "displayName": "Jane Doe"},
		"employeeIdInCompany": 10,
		"custom": {"field_1698036945383": "Mentor"}
	},
	"internal": {"status": "Active", "lifecycleStatus": "employed", "terminationDate": "2020-01-31"},
	"/root/id": {"value": "3332883884017713938"},
	"/work/department": {"value": "209192163"},
	"/payroll/employment/contract": {"value": "315000001"},
	"/work/secondLevelManager": {"value": {"id": "1", "email": "boss@example.com"}}
}`

func decodeEmployee(t *testing.T, text string) *hibob.Employee {
	t.Helper()
	var employee hibob.Employee
	require.NoError(t, json.Unmarshal([]byte(text), &employee))
	return &employee
}

func TestEmployeeField(t *testing.T) {
	t.Parallel()
	employee := decodeEmployee(t, employeeJSON)
	tests := []struct {
		id          string
		wantValue   any
		wantPresent bool
	}{
		{"root.id", "3332883884017713938", true},
		{"root.email", nil, true},
		{"root.companyId", json.Number("557418"), true},
		{"work.department", "209192163", true},
		{"work.siteId", json.Number("2154020"), true},
		{"work.custom.field_1698036945383", "Mentor", true},
		{"work.reportsTo.id", "3332883804594373380", true},
		{"payroll.employment.contract", "315000001", true},
		{"work.secondLevelManager.email", "boss@example.com", true},
		{"work.secondLevelManager", map[string]any{"id": "1", "email": "boss@example.com"}, true},
		{"work.reportsTo.email", nil, false},
		{"personal.birthDate", nil, false},
		{"root.surname.first", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		value, present := employee.Field(tt.id)
		assert.Equal(t, tt.wantPresent, present, tt.id)
		if diff := cmp.Diff(tt.wantValue, value); diff != "" {
			t.Errorf("Field(%q) mismatch (-want +got):\n%s", tt.id, diff)
		}
	}
}

func TestEmployeeFieldNullIntermediate(t *testing.T) {
	t.Parallel()
	employee := decodeEmployee(t, `{"id":"1","work":{"reportsTo":null,"manager":null}}`)

	value, present := employee.Field("work.reportsTo.id")

	assert.True(t, present, "a null manager object means the manager id is known to be empty")
	assert.Nil(t, value)
	assert.Empty(t, employee.ManagerID())
}

func TestEmployeeAccessors(t *testing.T) {
	t.Parallel()
	employee := decodeEmployee(t, employeeJSON)

	got := map[string]string{
		"ID":              employee.ID(),
		"FirstName":       employee.FirstName(),
		"Surname":         employee.Surname(),
		"DisplayName":     employee.DisplayName(),
		"Email":           employee.Email(),
		"Title":           employee.Title(),
		"Department":      employee.Department(),
		"Site":            employee.Site(),
		"StartDate":       employee.StartDate(),
		"ManagerID":       employee.ManagerID(),
		"Status":          employee.Status(),
		"LifecycleStatus": employee.LifecycleStatus(),
		"TerminationDate": employee.TerminationDate(),
		"EmployeeNumber":  employee.EmployeeNumber(),
	}
	want := map[string]string{
		"ID":              "3332883884017713938",
		"FirstName":       "José",
		"Surname":         "Müller-Łukasiewicz",
		"DisplayName":     "José Müller-Łukasiewicz",
		"Email":           "",
		"Title":           "255490048",
		"Department":      "209192163",
		"Site":            "London",
		"StartDate":       "2021-05-04",
		"ManagerID":       "3332883804594373380",
		"Status":          "Active",
		"LifecycleStatus": "employed",
		"TerminationDate": "2020-01-31",
		"EmployeeNumber":  "10",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accessors mismatch (-want +got):\n%s", diff)
	}
}

func TestEmployeeSlashKeysOnly(t *testing.T) {
	t.Parallel()
	employee := decodeEmployee(t, `{
		"/root/id": {"value": "42"},
		"/root/email": {"value": "ana+hr@example.com"},
		"/work/manager": {"value": "41"},
		"/work/employeeIdInCompany": {"value": 12}
	}`)

	assert.Equal(t, "42", employee.ID())
	assert.Equal(t, "ana+hr@example.com", employee.Email())
	assert.Equal(t, "41", employee.ManagerID(), "work.manager is the fallback of work.reportsTo.id")
	assert.Equal(t, "12", employee.EmployeeNumber())
	_, present := employee.Field("work.title")
	assert.False(t, present)
}

func TestEmployeeNumericIDStaysText(t *testing.T) {
	t.Parallel()
	employee := decodeEmployee(t, `{"id": 3332883884017713938}`)

	assert.Equal(t, "3332883884017713938", employee.ID(), "a 19-digit id must not lose digits")
}

func TestEmployeeJSONRoundTrip(t *testing.T) {
	t.Parallel()
	employee := decodeEmployee(t, employeeJSON)

	encoded, err := json.Marshal(employee)
	require.NoError(t, err)
	again := decodeEmployee(t, string(encoded))

	if diff := cmp.Diff(employee.Raw(), again.Raw()); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	assert.JSONEq(t, employeeJSON, string(encoded))
}

func TestEmployeeRejectsNonObject(t *testing.T) {
	t.Parallel()
	for _, text := range []string{`null`, `[1]`, `"x"`, `{`} {
		var employee hibob.Employee
		assert.Error(t, json.Unmarshal([]byte(text), &employee), text)
	}
}

func TestNewEmployee(t *testing.T) {
	t.Parallel()
	employee := hibob.NewEmployee(map[string]any{"id": "5", "work": map[string]any{"site": "Kraków"}})

	assert.Equal(t, "5", employee.ID())
	assert.Equal(t, "Kraków", employee.Site())
	assert.Empty(t, hibob.NewEmployee(nil).ID())
}

func TestSearchDropsDuplicateSlashKeys(t *testing.T) {
	t.Parallel()
	transport := httpmock.NewMockTransport()
	transport.RegisterResponder(http.MethodPost, "https://api.hibob.com/v1/people/search",
		httpmock.NewStringResponder(http.StatusOK, `{"employees":[{
			"id": "1", "work": {"department": "209192163", "title": null},
			"/root/id": {"value": "1"},
			"/work/department": {"value": "209192163"},
			"/work/site": {"value": "London"}
		}]}`).HeaderSet(http.Header{"Content-Type": {"application/json"}}))
	client, err := hibob.NewClient(hibob.Credentials{ServiceUserID: "u", Token: "t"},
		hibob.WithHTTPClient(&http.Client{Transport: transport}), hibob.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)

	employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: []string{"root.id", "work.department", "work.site", "work.title"}})
	require.NoError(t, err)
	require.Len(t, employees, 1)
	e := employees[0]

	assert.NotContains(t, e.Raw(), "/root/id")
	assert.NotContains(t, e.Raw(), "/work/department")
	assert.Contains(t, e.Raw(), "/work/site", "a slash key without a nested twin stays")
	assert.Equal(t, "1", e.ID())
	assert.Equal(t, "209192163", e.Department())
	site, present := e.Field("work.site")
	assert.True(t, present)
	assert.Equal(t, "London", site)
	title, present := e.Field("work.title")
	assert.True(t, present)
	assert.Nil(t, title)
}
