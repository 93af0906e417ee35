package hibobtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

const (
	janeID = "3332883804594373380"
	johnID = "3332883884017713938"
	olaID  = "3332883884017700001"
)

func seed() hibobtest.Option {
	return hibobtest.WithEmployees(
		map[string]any{
			"id": janeID, "firstName": "Jane", "surname": "Doe", "displayName": "Jane Doe", "email": "jane@example.com",
			"work": map[string]any{
				"title": "255490060", "department": "209192160", "site": "London", "siteId": 2154020,
				"startDate": "2019-09-08", "manager": nil, "employeeIdInCompany": 1,
				"custom": map[string]any{"field_1698036945383": "Mentor"},
			},
			"internal": map[string]any{"status": "Active", "lifecycleStatus": "employed", "terminationDate": nil},
		},
		map[string]any{
			"id": johnID, "firstName": "John", "surname": "O'Brien", "displayName": "John O'Brien", "email": nil,
			"work": map[string]any{
				"title": "255490048", "department": "209192170", "site": "Zürich", "siteId": 2154021,
				"startDate": "2021-05-04", "manager": janeID, "employeeIdInCompany": 10,
			},
			"internal": map[string]any{"status": "Active", "lifecycleStatus": "employed", "terminationDate": nil},
		},
		map[string]any{
			"id": olaID, "firstName": "Ólafur", "surname": "Sigurðsson", "displayName": "Ólafur Sigurðsson", "email": "olafur@example.com",
			"work":     map[string]any{"manager": johnID, "employeeIdInCompany": 7, "startDate": "2018-03-01"},
			"internal": map[string]any{"status": "Inactive", "lifecycleStatus": "terminated", "terminationDate": "2024-12-31"},
		},
	)
}

func lists() hibobtest.Option {
	return hibobtest.WithNamedLists(hibobtest.SampleCompanyAt(1, 50, time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)).Lists)
}

// call sends a request with the server's credentials and decodes a JSON
// response body, if any.
func call(t *testing.T, srv *hibobtest.Server, method, path, body string) (*http.Response, any) {
	t.Helper()
	creds := srv.Credentials()
	return callAs(t, srv, creds.ServiceUserID, creds.Token, method, path, body)
}

func callAs(t *testing.T, srv *hibobtest.Server, user, token, method, path, body string) (*http.Response, any) {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, reader)
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, token)
	}
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if len(raw) == 0 {
		return resp, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var decoded any
	if dec.Decode(&decoded) != nil {
		return resp, string(raw)
	}
	return resp, decoded
}

func employeesOf(t *testing.T, body any) []map[string]any {
	t.Helper()
	object, ok := body.(map[string]any)
	require.True(t, ok, "body %v", body)
	array, ok := object["employees"].([]any)
	require.True(t, ok, "employees %v", object["employees"])
	out := make([]map[string]any, len(array))
	for i, element := range array {
		out[i] = element.(map[string]any)
	}
	return out
}

func TestServerRequiresBasicAuth(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	creds := srv.Credentials()
	tests := []struct{ name, user, token string }{
		{"no credentials", "", ""},
		{"wrong token", creds.ServiceUserID, "wrong"},
		{"wrong user", "SERVICE-OTHER", creds.Token},
	}
	for _, tt := range tests {
		resp, body := callAs(t, srv, tt.user, tt.token, http.MethodPost, "/people/search", `{}`)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, tt.name)
		assert.Nil(t, body, "%s: HiBob answers 401 with an empty body", tt.name)
	}
}

func TestServerWithCredentials(t *testing.T) {
	t.Parallel()
	creds := hibob.Credentials{ServiceUserID: "SERVICE-9", Token: "fixed"}
	srv := hibobtest.Start(t, hibobtest.WithCredentials(creds))

	resp, _ := callAs(t, srv, "SERVICE-9", "fixed", http.MethodGet, "/company/people/fields", "")

	assert.Equal(t, creds, srv.Credentials())
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, strings.HasSuffix(srv.URL(), "/v1"))
	assert.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"))
}

func TestSearchBadRequests(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	tooMany := make([]string, 401)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("%q", fmt.Sprintf("work.custom.field_%d", i))
	}
	tests := []struct{ name, body, key string }{
		{"malformed JSON", `{"fields": [`, "request.malformed"},
		{"empty filters", `{"filters": []}`, "request.filters.empty"},
		{"filters object", `{"filters": {}}`, "request.filters.invalid"},
		{"two filters", `{"filters": [{"fieldPath":"root.id","operator":"equals","values":["1"]},{"fieldPath":"root.id","operator":"equals","values":["2"]}]}`, "request.filters.tooMany"},
		{"other field path", `{"filters": [{"fieldPath":"work.title","operator":"equals","values":["1"]}]}`, "request.filters.fieldPath"},
		{"other operator", `{"filters": [{"fieldPath":"root.id","operator":"contains","values":["1"]}]}`, "request.filters.operator"},
		{"no values", `{"filters": [{"fieldPath":"root.id","operator":"equals","values":[]}]}`, "request.filters.values"},
		{"401 fields", `{"fields": [` + strings.Join(tooMany, ",") + `]}`, "request.fields.tooMany"},
		{"fields not an array", `{"fields": "root.id"}`, "request.fields.invalid"},
		{"unknown human readable mode", `{"humanReadable": "append"}`, "request.humanReadable.invalid"},
		{"showInactive not a boolean", `{"showInactive": "yes"}`, "request.showInactive.invalid"},
	}
	for _, tt := range tests {
		resp, body := call(t, srv, http.MethodPost, "/people/search", tt.body)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, tt.name)
		object, _ := body.(map[string]any)
		assert.Equal(t, tt.key, object["key"], tt.name)
		assert.NotEmpty(t, object["error"], tt.name)
	}
}

func TestSearchReturnsRequestedFieldsInBothForms(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())

	resp, body := call(t, srv, http.MethodPost, "/people/search",
		`{"fields":["root.id","root.email","work.reportsTo","work.employeeIdInCompany","work.custom.field_1698036945383","root.companyId","no.such.field"]}`)

	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	employees := employeesOf(t, body)
	require.Len(t, employees, 2, "the inactive employee is hidden without showInactive")
	want := []map[string]any{
		{
			"id": janeID, "email": "jane@example.com", "companyId": json.Number("636192"),
			"work": map[string]any{
				"reportsTo": nil, "employeeIdInCompany": json.Number("1"),
				"custom": map[string]any{"field_1698036945383": "Mentor"},
			},
			"/root/id":                         map[string]any{"value": janeID},
			"/root/email":                      map[string]any{"value": "jane@example.com"},
			"/root/companyId":                  map[string]any{"value": json.Number("636192")},
			"/work/employeeIdInCompany":        map[string]any{"value": json.Number("1")},
			"/work/custom/field_1698036945383": map[string]any{"value": "Mentor"},
		},
		{
			"id": johnID, "email": nil, "companyId": json.Number("636192"),
			"work": map[string]any{
				"reportsTo": map[string]any{
					"id": janeID, "firstName": "Jane", "surname": "Doe", "email": "jane@example.com", "displayName": "Jane Doe",
				},
				"employeeIdInCompany": json.Number("10"),
				"custom":              map[string]any{"field_1698036945383": nil},
			},
			"/root/id":        map[string]any{"value": johnID},
			"/root/companyId": map[string]any{"value": json.Number("636192")},
			"/work/reportsTo": map[string]any{"value": map[string]any{
				"id": janeID, "firstName": "Jane", "surname": "Doe", "email": "jane@example.com", "displayName": "Jane Doe",
			}},
			"/work/employeeIdInCompany": map[string]any{"value": json.Number("10")},
		},
	}
	if diff := cmp.Diff(want, employees); diff != "" {
		t.Errorf("employees mismatch (-want +got):\n%s", diff)
	}
}

func TestSearchDefaultFields(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())

	_, body := call(t, srv, http.MethodPost, "/people/search", ``)

	employees := employeesOf(t, body)
	require.Len(t, employees, 2)
	jane := employees[0]
	for _, key := range []string{"id", "email", "firstName", "work", "about", "payroll", "/work/department"} {
		assert.Contains(t, jane, key)
	}
	assert.NotContains(t, jane, "internal", "lifecycle fields are not in the default categories")
	assert.NotContains(t, jane["work"], "custom", "custom fields are returned only when listed")
}

func TestSearchShowInactive(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	count := func() int {
		_, body := call(t, srv, http.MethodPost, "/people/search", `{"fields":["root.id"],"showInactive":true}`)
		return len(employeesOf(t, body))
	}

	visible := count()
	srv.SetInactiveVisible(false)
	hidden := count()

	assert.Equal(t, 3, visible)
	assert.Equal(t, 2, hidden)
}

func TestSearchFilters(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	tests := []struct {
		name string
		body string
		want []any
	}{
		{"ids", `{"fields":["root.id"],"filters":[{"fieldPath":"root.id","operator":"equals","values":["` + johnID + `","` + janeID + `"]}]}`, []any{janeID, johnID}},
		{"email ignoring case", `{"fields":["root.id"],"filters":[{"fieldPath":"root.email","operator":"equals","values":["JANE@example.com"]}]}`, []any{janeID}},
		{"inactive needs showInactive", `{"fields":["root.id"],"filters":[{"fieldPath":"root.id","operator":"equals","values":["` + olaID + `"]}]}`, []any{}},
		{"inactive with showInactive", `{"fields":["root.id"],"showInactive":true,"filters":[{"fieldPath":"root.id","operator":"equals","values":["` + olaID + `"]}]}`, []any{olaID}},
	}
	for _, tt := range tests {
		_, body := call(t, srv, http.MethodPost, "/people/search", tt.body)
		got := []any{}
		for _, employee := range employeesOf(t, body) {
			got = append(got, employee["id"])
		}
		assert.Equal(t, tt.want, got, tt.name)
	}
}

func TestSearchHumanReadable(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed(), lists())
	request := `{"fields":["root.id","work.department","work.title","work.startDate","work.manager","work.employeeIdInCompany"],` +
		`"filters":[{"fieldPath":"root.id","operator":"equals","values":["` + johnID + `"]}],"humanReadable":"%s"}`

	_, appended := call(t, srv, http.MethodPost, "/people/search", fmt.Sprintf(request, "APPEND"))
	_, replaced := call(t, srv, http.MethodPost, "/people/search", fmt.Sprintf(request, "REPLACE"))

	john := employeesOf(t, appended)[0]
	assert.Equal(t, "209192170", john["work"].(map[string]any)["department"])
	wantHuman := map[string]any{
		"id": johnID,
		"work": map[string]any{
			"department": "Platform", "title": "Software Engineer", "startDate": "04/05/2021",
			"manager": "Jane Doe", "employeeIdInCompany": "10",
		},
	}
	if diff := cmp.Diff(wantHuman, john["humanReadable"]); diff != "" {
		t.Errorf("humanReadable mismatch (-want +got):\n%s", diff)
	}
	johnReplaced := employeesOf(t, replaced)[0]
	assert.NotContains(t, johnReplaced, "humanReadable")
	assert.Equal(t, "Platform", johnReplaced["work"].(map[string]any)["department"])
	assert.Equal(t, map[string]any{"value": "Platform"}, johnReplaced["/work/department"])
}

func TestSearchHiddenFields(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed(), hibobtest.WithHiddenFields("root.email"))

	_, before := call(t, srv, http.MethodPost, "/people/search", `{"fields":["root.id","root.email"]}`)
	srv.SetHiddenFields()
	_, after := call(t, srv, http.MethodPost, "/people/search", `{"fields":["root.id","root.email"]}`)

	assert.NotContains(t, employeesOf(t, before)[0], "email")
	assert.NotContains(t, employeesOf(t, before)[0], "/root/email")
	assert.Contains(t, employeesOf(t, after)[0], "email")
}

func TestReadEmployee(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())

	resp, byID := call(t, srv, http.MethodPost, "/people/"+johnID, `{"fields":["root.id","root.surname"]}`)
	_, byEmail := call(t, srv, http.MethodPost, "/people/Jane@Example.com", ``)
	_, inactive := call(t, srv, http.MethodPost, "/people/"+olaID, `{"fields":["root.id"]}`)
	missing, missingBody := call(t, srv, http.MethodPost, "/people/nobody@example.com", `{}`)
	bad, _ := call(t, srv, http.MethodPost, "/people/"+johnID, `{"fields":`)

	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, map[string]any{
		"id": johnID, "surname": "O'Brien",
		"/root/id": map[string]any{"value": johnID}, "/root/surname": map[string]any{"value": "O'Brien"},
	}, byID, "the employee is not wrapped")
	assert.Equal(t, janeID, byEmail.(map[string]any)["id"])
	assert.Equal(t, olaID, inactive.(map[string]any)["id"])
	assert.Equal(t, http.StatusNotFound, missing.StatusCode)
	assert.Equal(t, "employee.not.found", missingBody.(map[string]any)["key"])
	assert.Equal(t, http.StatusBadRequest, bad.StatusCode)
}

func TestFieldsEndpoint(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, hibobtest.WithFields([]*hibob.FieldMetadata{
		{ID: "root.email", Category: "root", CategoryID: "root", Name: "Email", JSONPath: "email", Type: "text"},
		{ID: "custom.field_9", Category: "Custom", CategoryID: "1698036900000", Name: "Custom", JSONPath: "custom.field_9", Type: "list", TypeData: hibob.TypeData{ListID: "x"}},
	}))

	_, body := call(t, srv, http.MethodGet, "/company/people/fields", "")

	array, ok := body.([]any)
	require.True(t, ok, "HiBob sends the fields metadata as a bare array")
	require.Len(t, array, 2)
	assert.Equal(t, "root", array[0].(map[string]any)["categoryId"])
	assert.Equal(t, json.Number("1698036900000"), array[1].(map[string]any)["categoryId"])
	assert.Equal(t, map[string]any{"listId": "x"}, array[1].(map[string]any)["typeData"])
	assert.Nil(t, array[0].(map[string]any)["typeData"])
}

func TestNamedListsEndpoints(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, lists())

	_, all := call(t, srv, http.MethodGet, "/company/named-lists?includeArchived=true", "")
	_, current := call(t, srv, http.MethodGet, "/company/named-lists", "")
	_, titleList := call(t, srv, http.MethodGet, "/company/named-lists/title?includeArchived=false", "")
	wrongCase, _ := call(t, srv, http.MethodGet, "/company/named-lists/Title", "")

	department := all.(map[string]any)["department"].(map[string]any)
	assert.Equal(t, "department", department["name"])
	assert.Equal(t, department["values"], department["items"])
	items := department["items"].([]any)
	first := items[0].(map[string]any)
	assert.Equal(t, json.Number("209192160"), first["id"], "numeric ids are JSON numbers")
	assert.Len(t, first["children"], 3)
	support := items[2].(map[string]any)["children"].([]any)
	assert.Len(t, support, 3, "includeArchived=true keeps the archived child")
	currentSupport := current.(map[string]any)["department"].(map[string]any)["items"].([]any)[2].(map[string]any)["children"].([]any)
	assert.Len(t, currentSupport, 2, "archived items are left out by default")
	assert.Equal(t, "title", titleList.(map[string]any)["name"])
	assert.Len(t, titleList.(map[string]any)["items"], 13)
	assert.Equal(t, http.StatusNotFound, wrongCase.StatusCode, "list names are case-sensitive")
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	srv := hibobtest.Start(t, seed(), hibobtest.WithRateLimit(2), hibobtest.WithClock(clock))

	first, _ := call(t, srv, http.MethodPost, "/people/search", `{}`)
	call(t, srv, http.MethodPost, "/people/search", `{}`)
	limited, body := call(t, srv, http.MethodPost, "/people/search", `{}`)
	otherEndpoint, _ := call(t, srv, http.MethodGet, "/company/people/fields", "")
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	nextWindow, _ := call(t, srv, http.MethodPost, "/people/search", `{}`)

	assert.Equal(t, "2", first.Header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "1", first.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, fmt.Sprint(now.Add(-time.Second).Unix()), first.Header.Get("X-RateLimit-Reset"))
	assert.Equal(t, http.StatusTooManyRequests, limited.StatusCode)
	assert.Equal(t, "0", limited.Header.Get("X-RateLimit-Remaining"))
	assert.Equal(t, "rate.limit.exceeded", body.(map[string]any)["key"])
	assert.Equal(t, http.StatusOK, otherEndpoint.StatusCode, "each endpoint has its own budget")
	assert.Equal(t, http.StatusOK, nextWindow.StatusCode)

	srv.SetRateLimit(1)
	srv.ResetRateLimit()
	again, _ := call(t, srv, http.MethodPost, "/people/search", `{}`)
	assert.Equal(t, http.StatusOK, again.StatusCode)
}

func TestFaults(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	srv.FailNext(2, http.StatusServiceUnavailable, "/people/search")
	srv.InjectFault(hibobtest.Fault{Path: "/company/people/fields", HTML: true, Header: http.Header{"Retry-After": {"3"}}})
	srv.InjectFault(hibobtest.Fault{Path: "/company/named-lists", Truncate: true})
	srv.InjectFault(hibobtest.Fault{Path: "/company/named-lists", Empty: true, Status: http.StatusAccepted})

	fields, fieldsBody := call(t, srv, http.MethodGet, "/company/people/fields", "")
	first, _ := call(t, srv, http.MethodPost, "/people/search", `{}`)
	second, _ := call(t, srv, http.MethodPost, "/people/search", `{}`)
	third, _ := call(t, srv, http.MethodPost, "/people/search", `{}`)
	truncated, truncatedBody := call(t, srv, http.MethodGet, "/company/named-lists", "")
	empty, emptyBody := call(t, srv, http.MethodGet, "/company/named-lists", "")
	wrongAuth, _ := callAs(t, srv, "x", "y", http.MethodGet, "/company/people/fields", "")

	assert.Equal(t, http.StatusBadGateway, fields.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", fields.Header.Get("Content-Type"))
	assert.Equal(t, "3", fields.Header.Get("Retry-After"))
	assert.Contains(t, fieldsBody, "<html>")
	assert.Equal(t, http.StatusServiceUnavailable, first.StatusCode)
	assert.Equal(t, http.StatusServiceUnavailable, second.StatusCode)
	assert.Equal(t, http.StatusOK, third.StatusCode)
	assert.Equal(t, http.StatusOK, truncated.StatusCode)
	assert.IsType(t, "", truncatedBody, "a truncated body is not valid JSON")
	assert.Equal(t, http.StatusAccepted, empty.StatusCode)
	assert.Nil(t, emptyBody)
	assert.Equal(t, http.StatusUnauthorized, wrongAuth.StatusCode, "all faults are used up")
}

func TestFaultDelayEndsWithClient(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	// Separate paths keep the long delay away from the second request even
	// when the first one times out before it reaches the server.
	srv.InjectFault(hibobtest.Fault{Path: "/company/people/fields", Delay: time.Hour})
	srv.InjectFault(hibobtest.Fault{Path: "/company/named-lists", Delay: time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/company/people/fields", nil)
	require.NoError(t, err)

	_, err = srv.HTTPClient().Do(req)
	delayed, _ := call(t, srv, http.MethodGet, "/company/named-lists", "")
	srv.ClearFaults()

	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, http.StatusOK, delayed.StatusCode, "a delay-only fault lets the request through")
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 6, 12, 0, 0, 0, time.UTC)
	srv := hibobtest.Start(t, seed(), hibobtest.WithClock(func() time.Time { return at }))

	call(t, srv, http.MethodPost, "/people/search", `{"fields":["root.id"],"showInactive":true,"n":1}`)
	call(t, srv, http.MethodGet, "/company/named-lists?includeArchived=true", "")
	requests := srv.Requests()
	srv.ClearRequests()

	require.Len(t, requests, 2)
	assert.Equal(t, http.MethodPost, requests[0].Method)
	assert.Equal(t, "/v1/people/search", requests[0].Path)
	assert.Equal(t, map[string]any{"fields": []any{"root.id"}, "showInactive": true, "n": json.Number("1")}, requests[0].Body)
	assert.Equal(t, http.StatusOK, requests[0].Status)
	assert.Equal(t, at, requests[0].Time)
	assert.Equal(t, "true", requests[1].Query.Get("includeArchived"))
	assert.Nil(t, requests[1].Body)
	assert.Empty(t, srv.Requests())
}

func TestEmployeeMutations(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	newHire := map[string]any{
		"id": "3332883884017800000", "firstName": "山田", "surname": "太郎", "displayName": "山田 太郎", "email": "taro@example.com",
		"work":     map[string]any{"reportsTo": map[string]any{"id": johnID}},
		"internal": map[string]any{},
	}

	require.NoError(t, srv.AddEmployee(newHire))
	assert.Error(t, srv.AddEmployee(newHire), "the id is in use")
	assert.Error(t, srv.AddEmployee(map[string]any{"email": "x@example.com"}), "a record needs an id")
	assert.Error(t, srv.ReplaceEmployee(map[string]any{"id": "1"}), "the employee does not exist")
	require.NoError(t, srv.SetField(johnID, "root.email", "john.obrien@example.com"))
	require.NoError(t, srv.SetField(johnID, "work.reportsTo", map[string]any{"id": olaID}))
	require.NoError(t, srv.UpdateEmployee(janeID, func(record map[string]any) {
		record["displayName"] = "Jane Doe-Smith"
	}))
	assert.Error(t, srv.UpdateEmployee("1", func(map[string]any) {}))
	assert.Error(t, srv.UpdateEmployee(janeID, func(record map[string]any) { record["id"] = "2" }))
	assert.True(t, srv.RemoveEmployee(olaID))
	assert.False(t, srv.RemoveEmployee(olaID))

	assert.Equal(t, []string{janeID, johnID, "3332883884017800000"}, srv.EmployeeIDs())
	stored, ok := srv.Employee("3332883884017800000")
	require.True(t, ok)
	assert.Equal(t, johnID, stored["work"].(map[string]any)["manager"], "work.manager comes from work.reportsTo")
	assert.Equal(t, "Active", stored["internal"].(map[string]any)["status"])
	_, body := call(t, srv, http.MethodPost, "/people/search", `{"fields":["root.id","root.email","work.reportsTo"],"showInactive":true}`)
	employees := employeesOf(t, body)
	require.Len(t, employees, 3)
	assert.Equal(t, "john.obrien@example.com", employees[1]["email"])
	assert.Equal(t, map[string]any{"id": olaID}, employees[1]["work"].(map[string]any)["reportsTo"], "a manager without a record")
	assert.Equal(t, "john.obrien@example.com", employees[2]["work"].(map[string]any)["reportsTo"].(map[string]any)["email"],
		"reportsTo follows the manager's current record")
}

func TestLoadJSON(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed())
	input := `{"employees":[
		{"id":3332883884017713938,"email":"a@example.com","/root/email":{"value":"a@example.com"},
		 "work":{"reportsTo":{"id":"3332883804594373380","email":"jane@example.com"}},"humanReadable":{"email":"a"}},
		{"id":"3332883804594373380","internal":{"status":"Inactive"}}
	]}`

	require.NoError(t, srv.LoadJSON(strings.NewReader(input)))
	assert.Error(t, srv.LoadJSON(strings.NewReader(`{"employees":{}}`)))
	assert.Error(t, srv.LoadJSON(strings.NewReader(`[{"id":"1"},{"id":"1"}]`)))
	assert.Error(t, srv.LoadJSON(strings.NewReader(`[1]`)))

	assert.Equal(t, []string{johnID, janeID}, srv.EmployeeIDs())
	stored, _ := srv.Employee(johnID)
	want := map[string]any{
		"id": johnID, "email": "a@example.com",
		"work":     map[string]any{"manager": janeID},
		"internal": map[string]any{"status": "Active"},
	}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored record mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, seed(), lists())
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 10 {
				call(t, srv, http.MethodPost, "/people/search", `{"showInactive":true,"humanReadable":"APPEND"}`)
			}
		}()
		go func() {
			defer wg.Done()
			for j := range 10 {
				id := fmt.Sprintf("9%018d", i*100+j)
				assert.NoError(t, srv.AddEmployee(map[string]any{"id": id, "work": map[string]any{"manager": janeID}}))
				assert.NoError(t, srv.SetField(janeID, "root.displayName", id))
				srv.RemoveEmployee(id)
			}
		}()
	}
	wg.Wait()

	assert.Len(t, srv.EmployeeIDs(), 3)
}

func TestSendWebhookRejectsRemoteURL(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"https://hooks.example.com/hibob", "ftp://127.0.0.1/x", "://"} {
		err := hibobtest.SendWebhook(t.Context(), url, []byte("s"), hibobtest.PingEvent)
		assert.Error(t, err, url)
	}
}

func TestEmployeeEvent(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 8, 13, 6, 26, 915906000, time.UTC)
	srv := hibobtest.Start(t, hibobtest.WithClock(func() time.Time { return at }), hibobtest.WithCompanyID(557418))

	updated := srv.EmployeeEvent(hibob.EventEmployeeUpdated, johnID, "work.title")
	joined := srv.EmployeeEvent(hibob.EventEmployeeJoined, johnID)

	assert.Equal(t, &hibobtest.WebhookEvent{
		CompanyID: 557418, Type: "employee.updated", TriggeredBy: "system",
		TriggeredAt: "2025-01-08T13:06:26.915906", Version: "v2",
		Data: map[string]any{"employeeId": johnID, "fieldUpdates": []any{"work.title"}},
	}, updated)
	assert.Equal(t, map[string]any{"employeeId": johnID}, joined.Data)
	assert.Equal(t, int64(557418), srv.CompanyID())
}
