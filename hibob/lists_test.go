package hibob_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

func departmentList() *hibob.NamedList {
	return &hibob.NamedList{Name: "department", Items: []*hibob.ListItem{
		{ID: "1", Value: "Engineering", Name: "Engineering", Children: []*hibob.ListItem{
			{ID: "11", Value: "Platform", Name: "Platform"},
			{ID: "12", Value: "Old Team", Name: "Old Team", Archived: true},
		}},
		{ID: "2", Value: "Sales", Name: "Sales"},
		{ID: "3", Value: "Closed", Name: "Closed", Archived: true},
	}}
}

func TestNamedListsFromFake(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, hibobtest.WithNamedLists(map[string]*hibob.NamedList{
		"department": departmentList(),
		"site":       {Name: "site", Items: []*hibob.ListItem{{ID: "London", Value: "London", Name: "London"}}},
	}))
	client := newFakeClient(t, srv)

	all, err := client.NamedLists(t.Context(), true)
	require.NoError(t, err)
	current, err := client.NamedLists(t.Context(), false)
	require.NoError(t, err)

	if diff := cmp.Diff(departmentList(), all["department"]); diff != "" {
		t.Errorf("department with archived items mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, map[string]string{"1": "Engineering", "11": "Platform", "2": "Sales"}, current["department"].Labels())
	assert.Equal(t, "London", all["site"].Items[0].ID)
	requests := srv.Requests()
	require.Len(t, requests, 2)
	assert.Equal(t, "true", requests[0].Query.Get("includeArchived"))
	assert.Equal(t, "false", requests[1].Query.Get("includeArchived"))
}

func TestNamedListLabels(t *testing.T) {
	t.Parallel()
	want := map[string]string{"1": "Engineering", "11": "Platform", "12": "Old Team", "2": "Sales", "3": "Closed"}

	assert.Equal(t, want, departmentList().Labels())
	assert.Equal(t, map[string]string{"7": "Seven"}, (&hibob.NamedList{Items: []*hibob.ListItem{{ID: "7", Name: "Seven"}, nil}}).Labels())
}

func TestNamedListsResponseShapes(t *testing.T) {
	t.Parallel()
	item := `{"id":209192163,"value":"Account Receivables","name":"Account Receivables","archived":false,"children":[]}`
	tests := []struct {
		name string
		body string
	}{
		{"keyed by name", `{"department":{"name":"department","values":[` + item + `],"items":[` + item + `]}}`},
		{"keyed by name without name", `{"department":{"values":[` + item + `]}}`},
		{"array", `[{"name":"department","items":[` + item + `]}]`},
		{"lists wrapper", `{"lists":[{"name":"department","items":[` + item + `]}]}`},
	}
	want := map[string]*hibob.NamedList{"department": {Name: "department", Items: []*hibob.ListItem{
		{ID: "209192163", Value: "Account Receivables", Name: "Account Receivables"},
	}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			transport.RegisterResponder(http.MethodGet, mockBaseURL+"/company/named-lists", jsonResponder(200, tt.body))

			lists, err := client.NamedLists(t.Context(), false)

			require.NoError(t, err)
			if diff := cmp.Diff(want, lists); diff != "" {
				t.Errorf("lists mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNamedListsRejectsOtherShapes(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/company/named-lists", jsonResponder(200, `"lists"`))

	_, err := client.NamedLists(t.Context(), false)

	var decodeErr *hibob.DecodeError
	assert.ErrorAs(t, err, &decodeErr)
}

func TestNamedList(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, hibobtest.WithNamedLists(map[string]*hibob.NamedList{"department": departmentList()}))
	client := newFakeClient(t, srv)

	list, err := client.NamedList(t.Context(), "department", false)
	require.NoError(t, err)
	_, caseErr := client.NamedList(t.Context(), "Department", false)

	assert.Equal(t, "department", list.Name)
	assert.Equal(t, map[string]string{"1": "Engineering", "11": "Platform", "2": "Sales"}, list.Labels())
	require.ErrorIs(t, caseErr, hibob.ErrNotFound, "list names are case-sensitive")
	var apiErr *hibob.APIError
	require.ErrorAs(t, caseErr, &apiErr)
	assert.Equal(t, "/company/named-lists/{name}", apiErr.Path)
}

func TestNamedListRejectsInvalidName(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)

	_, err := client.NamedList(t.Context(), "a/b", false)

	assert.ErrorIs(t, err, hibob.ErrInvalidRequest)
	assert.Zero(t, transport.GetTotalCallCount())
}
