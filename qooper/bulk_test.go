package qooper_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

func TestBulkRequestShape(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users/bulk", rec.responder(200, `{"results":[
	  {"status":201,"user":`+userJSON+`,"error":null},
	  {"status":200,"user":`+userJSON+`,"error":null},
	  {"status":409,"user":null,"error":{"status":409,"code":"suspended","title":"User is suspended","requestId":"req_b"}},
	  {"status":404,"user":null,"error":null}
	]}`))

	results, err := client.Bulk(t.Context(), []qooper.BulkOperation{
		{Op: qooper.BulkCreate, IdempotencyKey: "k1", User: qooper.UserFields{Email: qooper.Set("a@example.com")}},
		{Op: qooper.BulkUpdate, ID: "usr_1", User: qooper.UserFields{JobTitle: qooper.Null[string]()}},
		{Op: qooper.BulkDeactivate, ID: "usr_2", User: qooper.UserFields{Email: qooper.Set("ignored@example.com")}},
		{Op: qooper.BulkReactivate, ID: "usr_3"},
	})

	require.NoError(t, err)
	sent := rec.sent()
	require.Len(t, sent, 1)
	assert.Equal(t, "/v1/users/bulk", sent[0].Path)
	assert.Equal(t, "application/json", sent[0].Header.Get("Content-Type"))
	assert.JSONEq(t, `{"operations":[
	  {"op":"create","idempotencyKey":"k1","user":{"email":"a@example.com"}},
	  {"op":"update","id":"usr_1","user":{"jobTitle":null}},
	  {"op":"deactivate","id":"usr_2"},
	  {"op":"reactivate","id":"usr_3"}
	]}`, sent[0].Body)

	require.Len(t, results, 4)
	assert.Equal(t, 201, results[0].StatusCode)
	assert.Nil(t, results[0].Err)
	assert.Equal(t, "usr_1", results[0].User.ID)
	require.NotNil(t, results[2].Err)
	assert.Nil(t, results[2].User)
	assert.ErrorIs(t, results[2].Err, qooper.ErrSuspended)
	assert.Equal(t, "qooper: POST /users/{id}/deactivate: 409 suspended: User is suspended (request req_b)", results[2].Err.Error())
	require.NotNil(t, results[3].Err, "an error status without a body is still an error")
	assert.ErrorIs(t, results[3].Err, qooper.ErrNotFound)
}

func TestBulkRejectsOperationCountLocally(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)

	_, none := client.Bulk(t.Context(), nil)
	_, tooMany := client.Bulk(t.Context(), make([]qooper.BulkOperation, qooper.MaxBulkOperations+1))
	_, badKey := client.Bulk(t.Context(), []qooper.BulkOperation{{Op: qooper.BulkCreate, IdempotencyKey: " k"}})

	assert.Error(t, none)
	assert.Error(t, tooMany)
	assert.Error(t, badKey)
	assert.Zero(t, transport.GetTotalCallCount())
}

func TestBulkRetriedOnlyWhenCreatesHaveKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ops       []qooper.BulkOperation
		wantCalls int
	}{
		{"no creates", []qooper.BulkOperation{{Op: qooper.BulkDeactivate, ID: "usr_1"}}, 2},
		{"keyed creates", []qooper.BulkOperation{
			{Op: qooper.BulkCreate, IdempotencyKey: "k1", User: person("1")},
			{Op: qooper.BulkUpdate, ID: "usr_1"},
		}, 2},
		{"one create without key", []qooper.BulkOperation{
			{Op: qooper.BulkCreate, IdempotencyKey: "k1", User: person("1")},
			{Op: qooper.BulkCreate, User: person("2")},
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			results := `{"results":[` + `{"status":200,"user":` + userJSON + `}` + `,{"status":200,"user":` + userJSON + `}]}`
			if len(tt.ops) == 1 {
				results = `{"results":[{"status":200,"user":` + userJSON + `}]}`
			}
			transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users/bulk", sequence(
				status(503, "application/problem+json", `{"status":503,"code":"serverError"}`),
				status(200, "application/json", results),
			))

			_, err := client.Bulk(t.Context(), tt.ops)

			assert.Equal(t, tt.wantCalls, transport.GetTotalCallCount())
			if tt.wantCalls == 1 {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

func TestBulkResultCountMismatchFails(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users/bulk",
		status(200, "application/json", `{"results":[]}`))

	_, err := client.Bulk(t.Context(), []qooper.BulkOperation{{Op: qooper.BulkReactivate, ID: "usr_1"}})

	assert.Error(t, err)
}

func TestBulkAgainstFake(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	existing, err := client.CreateUser(t.Context(), validFields(), nil)
	require.NoError(t, err)
	duplicate := person("2")
	duplicate.Email = qooper.Set("ADA.LOVELACE@example.com")

	results, err := client.Bulk(t.Context(), []qooper.BulkOperation{
		{Op: qooper.BulkCreate, IdempotencyKey: "k-3", User: person("3")},
		{Op: qooper.BulkCreate, User: duplicate},
		{Op: qooper.BulkUpdate, ID: existing.ID, User: qooper.UserFields{Location: qooper.Set("Paris")}},
		{Op: qooper.BulkDeactivate, ID: existing.ID},
		{Op: qooper.BulkUpdate, ID: "usr_none"},
		{Op: qooper.BulkCreate, User: qooper.UserFields{Email: qooper.Set("bad")}},
	})

	require.NoError(t, err)
	require.Len(t, results, 6)
	assert.Equal(t, 201, results[0].StatusCode)
	assert.Nil(t, results[0].Err)
	require.NotNil(t, results[1].Err)
	assert.ErrorIs(t, results[1].Err, qooper.ErrConflict)
	assert.Equal(t, existing.ID, results[1].Err.ConflictingID)
	assert.Equal(t, "/users", results[1].Err.Path)
	assert.Equal(t, "Paris", *results[2].User.Location)
	assert.Equal(t, qooper.StatusDeactivated, results[3].User.Status)
	assert.ErrorIs(t, results[4].Err, qooper.ErrNotFound)
	assert.Equal(t, http.MethodPatch, results[4].Err.Method)
	assert.ErrorIs(t, results[5].Err, qooper.ErrInvalid)
	assert.NotEmpty(t, results[5].Err.FieldErrors)
	assert.NotEmpty(t, results[5].Err.RequestID)
	assert.Len(t, srv.Users(), 2)
}

func TestBulkWithKeysRetriedAfter502(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	srv.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users/bulk", Status: 502})

	results, err := client.Bulk(t.Context(), []qooper.BulkOperation{
		{Op: qooper.BulkCreate, IdempotencyKey: "k-1", User: person("1")},
	})

	require.NoError(t, err)
	assert.Equal(t, 201, results[0].StatusCode)
	assert.Len(t, srv.Users(), 1)
}
