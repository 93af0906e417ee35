package hibob_test

import (
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
)

func TestSearchPeopleRejectsMissingEmployees(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"employees":null}`, `{"count":3}`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/search",
				httpmock.NewStringResponder(200, body).HeaderSet(http.Header{"Content-Type": {"application/json"}}))

			employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: []string{"root.id"}})

			var decodeErr *hibob.DecodeError
			require.ErrorAs(t, err, &decodeErr)
			assert.Equal(t, "/people/search", decodeErr.Path)
			assert.Contains(t, err.Error(), "employees")
			assert.Nil(t, employees)
		})
	}
}
