package hibob_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

func TestSearchPeopleRequestBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  *hibob.SearchRequest
		want map[string]any
	}{
		{
			name: "nil request",
			req:  nil,
			want: map[string]any{"showInactive": false},
		},
		{
			name: "no filter omits filters",
			req:  &hibob.SearchRequest{Fields: []string{"root.id", "work.department"}, ShowInactive: true},
			want: map[string]any{"fields": []any{"root.id", "work.department"}, "showInactive": true},
		},
		{
			name: "id filter",
			req:  &hibob.SearchRequest{Filter: hibob.FilterByID("1", "2"), HumanReadable: hibob.HumanReadableAppend},
			want: map[string]any{
				"filters":       []any{map[string]any{"fieldPath": "root.id", "operator": "equals", "values": []any{"1", "2"}}},
				"showInactive":  false,
				"humanReadable": "APPEND",
			},
		},
		{
			name: "email filter",
			req:  &hibob.SearchRequest{Filter: hibob.FilterByEmail("o'brien@example.com"), HumanReadable: hibob.HumanReadableReplace},
			want: map[string]any{
				"filters":       []any{map[string]any{"fieldPath": "root.email", "operator": "equals", "values": []any{"o'brien@example.com"}}},
				"showInactive":  false,
				"humanReadable": "REPLACE",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			var got map[string]any
			var contentType string
			transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/search",
				func(r *http.Request) (*http.Response, error) {
					got = decodeBody(t, r)
					contentType = r.Header.Get("Content-Type")
					return jsonResponder(200, `{"employees":[]}`)(r)
				})

			employees, err := client.SearchPeople(t.Context(), tt.req)

			require.NoError(t, err)
			assert.Empty(t, employees)
			assert.Equal(t, "application/json", contentType)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchPeopleRejectsInvalidRequests(t *testing.T) {
	t.Parallel()
	tooMany := make([]string, 401)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("work.custom.field_%d", i)
	}
	tests := []struct {
		name    string
		req     *hibob.SearchRequest
		message string
	}{
		{"401 fields", &hibob.SearchRequest{Fields: tooMany}, "401 field ids"},
		{"empty field id", &hibob.SearchRequest{Fields: []string{"root.id", ""}}, "field id 1 is empty"},
		{"filter on another field", &hibob.SearchRequest{Filter: &hibob.Filter{FieldPath: "work.department", Values: []string{"1"}}}, "work.department"},
		{"filter without values", &hibob.SearchRequest{Filter: hibob.FilterByID()}, "no values"},
		{"unknown human readable mode", &hibob.SearchRequest{HumanReadable: "append"}, "append"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)

			_, err := client.SearchPeople(t.Context(), tt.req)

			require.ErrorIs(t, err, hibob.ErrInvalidRequest)
			assert.Contains(t, err.Error(), tt.message)
			assert.Zero(t, transport.GetTotalCallCount(), "an invalid request must not be sent")
		})
	}
}

func TestSearchPeopleAcceptsMaxFields(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)
	fields := make([]string, hibob.MaxSearchFields)
	fields[0] = "root.id"
	for i := 1; i < len(fields); i++ {
		fields[i] = fmt.Sprintf("work.custom.field_%d", i)
	}

	employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: fields})

	require.NoError(t, err)
	assert.Len(t, employees, 3)
}

func TestSearchPeopleAgainstFake(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)

	active, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{
		Fields: []string{"root.id", "root.email", "work.reportsTo", "work.employeeIdInCompany", "internal.status"},
	})
	require.NoError(t, err)
	all, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: []string{"root.id"}, ShowInactive: true})
	require.NoError(t, err)

	assert.Equal(t, []string{"3332883804594373380", "3332883884017713938", "3332883884017799999"}, ids(active))
	assert.Len(t, all, 4)
	john := active[1]
	assert.Equal(t, "o'brien@example.com", john.Email())
	assert.Equal(t, "3332883804594373380", john.ManagerID())
	assert.Equal(t, "10", john.EmployeeNumber())
	number, _ := john.Field("work.employeeIdInCompany")
	assert.Equal(t, json.Number("10"), number)
	assert.Equal(t, "Active", john.Status())
	_, present := john.Field("work.department")
	assert.False(t, present, "fields that were not requested must be absent")
	manager, present := active[0].Field("work.reportsTo")
	assert.True(t, present)
	assert.Nil(t, manager, "the CEO reports to nobody")
}

func TestSearchPeopleFilterByEmail(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)

	found, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{
		Fields: []string{"root.id"},
		Filter: hibob.FilterByEmail("ana+hr@example.com", "o'brien@example.com"),
	})

	require.NoError(t, err)
	assert.Equal(t, []string{"3332883884017713938", "3332883884017799999"}, ids(found))
}

func TestSearchPeopleHumanReadable(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)
	fields := []string{"root.id", "work.department", "work.title", "work.startDate", "work.reportsTo"}
	filter := hibob.FilterByID("3332883884017713938")

	appended, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: fields, Filter: filter, HumanReadable: hibob.HumanReadableAppend})
	require.NoError(t, err)
	replaced, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: fields, Filter: filter, HumanReadable: hibob.HumanReadableReplace})
	require.NoError(t, err)

	require.Len(t, appended, 1)
	require.Len(t, replaced, 1)
	assert.Equal(t, "209192170", appended[0].Department())
	label, present := appended[0].HumanReadable("work.department")
	assert.True(t, present)
	assert.Equal(t, "Platform", label)
	date, _ := appended[0].HumanReadable("work.startDate")
	assert.Equal(t, "04/05/2021", date)
	manager, _ := appended[0].HumanReadable("work.reportsTo")
	assert.Equal(t, "Jane Doe", manager)
	assert.Equal(t, "Platform", replaced[0].Department())
	assert.Equal(t, "Software Engineer", replaced[0].Title())
}

func TestSearchPeopleOmitsHiddenFields(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, append(smallCompany(), hibobtest.WithHiddenFields("root.email"))...)
	client := newFakeClient(t, srv)

	employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: []string{"root.id", "root.email"}})

	require.NoError(t, err)
	require.NotEmpty(t, employees)
	for _, employee := range employees {
		_, present := employee.Field("root.email")
		assert.False(t, present, employee.ID())
	}
}

func TestSearchPeopleDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault hibobtest.Fault
	}{
		{"truncated body", hibobtest.Fault{Truncate: true}},
		{"empty body", hibobtest.Fault{Empty: true}},
		{"HTML page with 200", hibobtest.Fault{HTML: true, Status: http.StatusOK}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := hibobtest.Start(t, smallCompany()...)
			tt.fault.Path = "/people/search"
			srv.InjectFault(tt.fault)
			client := newFakeClient(t, srv)

			_, err := client.SearchPeople(t.Context(), nil)

			var decodeErr *hibob.DecodeError
			require.ErrorAs(t, err, &decodeErr)
			assert.Equal(t, http.StatusOK, decodeErr.StatusCode)
			assert.Equal(t, "/people/search", decodeErr.Path)
			assert.Contains(t, err.Error(), "200")
		})
	}
}

func TestSearchPeopleRejectsWrongShape(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/search", jsonResponder(200, `{"employees":{"id":"1"}}`))

	_, err := client.SearchPeople(t.Context(), nil)

	var decodeErr *hibob.DecodeError
	assert.ErrorAs(t, err, &decodeErr)
}

func TestSearchPeopleSkipsUnknownMembers(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/search",
		jsonResponder(200, `{"meta":{"x":[1,2]},"employees":[{"id":"1"},null,{"id":"2"}],"more":true}`))

	employees, err := client.SearchPeople(t.Context(), nil)

	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2"}, ids(employees))
}

func TestGetEmployee(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)
	tests := []struct {
		identifier string
		want       string
	}{
		{"3332883884017713938", "3332883884017713938"},
		{"o'brien@example.com", "3332883884017713938"},
		{"ANA+HR@example.com", "3332883884017799999"},
		{"3332883884017700001", "3332883884017700001"},
	}
	for _, tt := range tests {
		employee, err := client.GetEmployee(t.Context(), tt.identifier, []string{"root.id", "root.email"})
		require.NoError(t, err, tt.identifier)
		assert.Equal(t, tt.want, employee.ID(), tt.identifier)
	}

	requests := srv.Requests()
	require.Len(t, requests, len(tests))
	assert.Equal(t, "/v1/people/ANA+HR@example.com", requests[2].Path)
	assert.Equal(t, map[string]any{"fields": []any{"root.id", "root.email"}}, requests[0].Body)
}

func TestGetEmployeeNotFound(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)

	_, err := client.GetEmployee(t.Context(), "9999999999999999999", nil)

	require.ErrorIs(t, err, hibob.ErrNotFound)
	var apiErr *hibob.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "/people/{identifier}", apiErr.Path)
	assert.Equal(t, "employee.not.found", apiErr.Key)
	assert.Len(t, srv.Requests(), 1, "a 404 must not be retried")
}

func TestGetEmployeeRejectsInvalidIdentifier(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	for _, identifier := range []string{"", " ", "a/b", "..", "."} {
		_, err := client.GetEmployee(t.Context(), identifier, nil)
		assert.ErrorIs(t, err, hibob.ErrInvalidRequest, "%q", identifier)
	}
	assert.Zero(t, transport.GetTotalCallCount())
}

func TestGetEmployeeResponseShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		wantID  string
		wantErr error
	}{
		{"bare employee", `{"id":"7","/root/id":{"value":"7"}}`, "7", nil},
		{"wrapped employee", `{"employees":[{"id":"8"}]}`, "8", nil},
		{"empty wrapper", `{"employees":[]}`, "", hibob.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			var body string
			transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/7",
				func(r *http.Request) (*http.Response, error) {
					raw, _ := json.Marshal(decodeBody(t, r))
					body = string(raw)
					return jsonResponder(200, tt.body)(r)
				})

			employee, err := client.GetEmployee(t.Context(), "7", nil)

			assert.Equal(t, `{}`, body, "without fields the body must be an empty object")
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, employee.ID())
		})
	}
}

func TestSearchPeopleInBatchesMatchesSingleSearch(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(7, 200, time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC))
	srv := hibobtest.Start(t, hibobtest.WithCompany(company))
	client := newFakeClient(t, srv)
	for _, showInactive := range []bool{false, true} {
		req := &hibob.SearchRequest{
			Fields:        []string{"root.id", "root.email", "work.department", "work.reportsTo", "internal.status"},
			ShowInactive:  showInactive,
			HumanReadable: hibob.HumanReadableAppend,
		}

		single, err := client.SearchPeople(t.Context(), req)
		require.NoError(t, err)
		srv.ClearRequests()
		batched, err := client.SearchPeopleInBatches(t.Context(), req, 37)
		require.NoError(t, err)

		if diff := cmp.Diff(toJSON(t, single), toJSON(t, batched)); diff != "" {
			t.Errorf("showInactive %v: batched search mismatch (-want +got):\n%s", showInactive, diff)
		}
		sortedSingle, sortedBatched := ids(single), ids(batched)
		sort.Strings(sortedSingle)
		sort.Strings(sortedBatched)
		assert.Equal(t, sortedSingle, sortedBatched)
		requests := srv.Requests()
		assert.Len(t, requests, 1+(len(single)+36)/37, "one id search plus one search per batch")
		first, _ := requests[0].Body.(map[string]any)
		assert.Equal(t, []any{"root.id"}, first["fields"])
		assert.Equal(t, showInactive, first["showInactive"])
		for _, r := range requests[1:] {
			body, _ := r.Body.(map[string]any)
			filters, _ := body["filters"].([]any)
			require.Len(t, filters, 1)
			filter, _ := filters[0].(map[string]any)
			assert.Equal(t, "root.id", filter["fieldPath"])
			assert.LessOrEqual(t, len(filter["values"].([]any)), 37)
		}
	}
}

func TestSearchPeopleInBatchesRejectsNegativeSize(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)

	_, err := client.SearchPeopleInBatches(t.Context(), nil, -1)

	assert.ErrorIs(t, err, hibob.ErrInvalidRequest)
	assert.Zero(t, transport.GetTotalCallCount())
}

func TestSearchPeopleInBatchesReportsFailedBatch(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	client := newFakeClient(t, srv)
	// A delay-only fault lets the id search through, and the first batch
	// then gets the 400.
	srv.InjectFault(hibobtest.Fault{Path: "/people/search", Delay: time.Nanosecond})
	srv.InjectFault(hibobtest.Fault{Path: "/people/search", Status: http.StatusBadRequest})

	_, err := client.SearchPeopleInBatches(t.Context(), &hibob.SearchRequest{Fields: []string{"root.id"}}, 2)

	var apiErr *hibob.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.True(t, strings.Contains(err.Error(), "batch of employees 1 to 2 of 3"), err.Error())
}

func TestSearchPeopleDefaultFieldsFromMock(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/search",
		httpmock.NewStringResponder(200, `{"employees":[]}`).HeaderSet(http.Header{"Content-Type": {"application/json; charset=utf-8"}}))

	employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{})

	require.NoError(t, err)
	assert.Empty(t, employees)
}

func ids(employees []*hibob.Employee) []string {
	out := make([]string, len(employees))
	for i, employee := range employees {
		out[i] = employee.ID()
	}
	return out
}

func toJSON(t *testing.T, employees []*hibob.Employee) []string {
	t.Helper()
	out := make([]string, len(employees))
	for i, employee := range employees {
		encoded, err := json.Marshal(employee)
		require.NoError(t, err)
		out[i] = string(encoded)
	}
	return out
}
