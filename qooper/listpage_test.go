package qooper_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListUsersRejectsMalformedPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"missing data", `{"nextCursor":null}`, "data array is missing"},
		{"null data", `{"data":null}`, "data array is missing"},
		{"null user", `{"data":[null],"nextCursor":null}`, "user 0 of the page is null"},
		{"user without id", `{"data":[` + userJSON + `,{"email":"x@example.com"}],"nextCursor":null}`, "user 1 of the page has no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users", status(200, "application/json", tt.body))

			page, err := client.ListUsers(t.Context(), nil)

			require.Error(t, err)
			assert.Nil(t, page)
			assert.Contains(t, err.Error(), "qooper: GET /users: invalid response body")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestListUsersAcceptsEmptyPage(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users", status(200, "application/json", `{"data":[],"nextCursor":null}`))

	page, err := client.ListUsers(t.Context(), nil)

	require.NoError(t, err)
	assert.Empty(t, page.Users)
	assert.NotNil(t, page.Users)
	assert.Empty(t, page.NextCursor)
}
