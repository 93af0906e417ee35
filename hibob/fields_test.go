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

func TestFieldsFromFake(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	client := newFakeClient(t, srv)

	fields, err := client.Fields(t.Context())

	require.NoError(t, err)
	if diff := cmp.Diff(hibobtest.DefaultFields(), fields); diff != "" {
		t.Errorf("fields mismatch (-want +got):\n%s", diff)
	}
	requests := srv.Requests()
	require.Len(t, requests, 1)
	assert.Equal(t, http.MethodGet, requests[0].Method)
	assert.Equal(t, "/v1/company/people/fields", requests[0].Path)
}

func TestFieldsResponseShapes(t *testing.T) {
	t.Parallel()
	department := &hibob.FieldMetadata{
		ID: "work.department", Category: "work", CategoryID: "work", Name: "Department",
		JSONPath: "work.department", Type: "list", TypeData: hibob.TypeData{ListID: "department"}, Historical: true,
	}
	custom := &hibob.FieldMetadata{
		ID: "work.custom.field_1698036945383", Category: "work", CategoryID: "1698036900000", Name: "Mentoring",
		JSONPath: "work.custom.field_1698036945383", Type: "text",
	}
	element := `{"id":"work.department","category":"work","categoryId":"work","categoryDisplayName":"Work",` +
		`"name":"Department","description":null,"jsonPath":"work.department","type":"list",` +
		`"typeData":{"listId":"department"},"historical":true}`
	customElement := `{"id":"work.custom.field_1698036945383","category":"work","categoryId":1698036900000,` +
		`"name":"Mentoring","jsonPath":"work.custom.field_1698036945383","type":"text","typeData":null,"historical":null}`
	tests := []struct {
		name string
		body string
	}{
		{"bare array", `[` + element + `,` + customElement + `]`},
		{"wrapped", `{"fields":[` + element + `,` + customElement + `]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			transport.RegisterResponder(http.MethodGet, mockBaseURL+"/company/people/fields", jsonResponder(200, tt.body))

			fields, err := client.Fields(t.Context())

			require.NoError(t, err)
			if diff := cmp.Diff([]*hibob.FieldMetadata{department, custom}, fields); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldsRejectsOtherShapes(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/company/people/fields", jsonResponder(200, `{"items":[]}`))

	_, err := client.Fields(t.Context())

	var decodeErr *hibob.DecodeError
	assert.ErrorAs(t, err, &decodeErr)
}
