package qoopertest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

type bulkResponse struct {
	Results []struct {
		Status int             `json:"status"`
		User   *qooper.User    `json:"user"`
		Error  *qooper.Problem `json:"error"`
	} `json:"results"`
}

func bulk(t *testing.T, srv *qoopertest.Server, operations ...map[string]any) bulkResponse {
	t.Helper()
	res := call(t, srv, http.MethodPost, "/users/bulk", map[string]any{"operations": operations})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var out bulkResponse
	require.NoError(t, json.Unmarshal(res.body, &out))
	require.Len(t, out.Results, len(operations))
	return out
}

func TestBulkRunsInOrderAndIndependently(t *testing.T) {
	t.Parallel()
	srv := start(t)
	existing := seed(t, srv, ada(), person("2"))
	require.NoError(t, srv.SuspendUser(existing[1].ID))
	duplicate := person("9")
	duplicate["email"] = "ada.lovelace@example.com"

	out := bulk(t, srv,
		map[string]any{"op": "create", "user": person("3")},
		map[string]any{"op": "create", "user": duplicate},
		map[string]any{"op": "update", "id": existing[0].ID, "user": map[string]any{"location": "Paris"}},
		map[string]any{"op": "deactivate", "id": existing[1].ID},
		map[string]any{"op": "deactivate", "id": existing[0].ID},
		map[string]any{"op": "reactivate", "id": existing[0].ID},
		map[string]any{"op": "update", "id": "usr_none", "user": map[string]any{}},
	)

	wantStatus := []int{201, 409, 200, 409, 200, 200, 404}
	for i, result := range out.Results {
		assert.Equal(t, wantStatus[i], result.Status, "operation %d", i)
		assert.Equal(t, result.Status >= 400, result.Error != nil, "operation %d error", i)
		assert.Equal(t, result.Status < 400, result.User != nil, "operation %d user", i)
	}
	assert.Equal(t, existing[0].ID, out.Results[1].Error.ConflictingID)
	assert.Equal(t, qooper.CodeSuspended, out.Results[3].Error.Code)
	assert.Equal(t, qooper.StatusDeactivated, out.Results[4].User.Status)
	assert.Equal(t, "Paris", *out.Results[5].User.Location, "operations see the earlier ones")
	assert.Equal(t, qooper.StatusActive, out.Results[5].User.Status)
	assert.NotEmpty(t, out.Results[6].Error.RequestID)
	assert.Len(t, srv.Users(), 3)
}

func TestBulkOperationErrorsAreOwn400s(t *testing.T) {
	t.Parallel()
	srv := start(t)
	existing := seed(t, srv, ada())[0]

	out := bulk(t, srv,
		map[string]any{"op": "delete", "id": existing.ID},
		map[string]any{"op": "update", "user": map[string]any{"location": "Paris"}},
		map[string]any{"op": "create", "id": "usr_mine", "user": person("2")},
		map[string]any{"op": "create", "user": map[string]any{"email": "no-names@example.com"}},
		map[string]any{"op": "deactivate", "id": existing.ID, "user": map[string]any{}},
		map[string]any{"op": "update", "id": existing.ID, "user": map[string]any{"status": "active"}},
		map[string]any{"op": "update", "id": existing.ID, "idempotencyKey": "k", "user": map[string]any{}},
		map[string]any{"op": "create", "user": person("3"), "extra": true},
		map[string]any{"op": "create"},
		map[string]any{"op": "create", "user": person("4")},
	)

	for i, result := range out.Results[:9] {
		assert.Equal(t, http.StatusBadRequest, result.Status, "operation %d", i)
		require.NotNil(t, result.Error, "operation %d", i)
		assert.NotEmpty(t, result.Error.Code, "operation %d", i)
	}
	assert.Equal(t, qooper.CodeInvalidValue, out.Results[3].Error.Code)
	assert.Equal(t, http.StatusCreated, out.Results[9].Status, "a bad operation does not stop the others")
	assert.Len(t, srv.Users(), 2)
}

func TestBulkRejectsMalformedEnvelope(t *testing.T) {
	t.Parallel()
	srv := start(t)
	create := `{"op":"create","user":{"email":"a@example.com","firstName":"A","lastName":"B"}}`

	for _, body := range []string{
		`{}`,
		`{"operations":[]}`,
		`{"operations":{}}`,
		`{"operations":[` + create + `],"dryRun":true}`,
		`{"operations":[` + strings.TrimSuffix(strings.Repeat(create+",", 101), ",") + `]}`,
		`[` + create + `]`,
		`{"operations":[`,
	} {
		res := call(t, srv, http.MethodPost, "/users/bulk", body)
		res.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
	}
	assert.Empty(t, srv.Users())

	hundred := `{"operations":[` + strings.TrimSuffix(strings.Repeat(`{"op":"reactivate","id":"usr_none"},`, 100), ",") + `]}`
	assert.Equal(t, http.StatusOK, call(t, srv, http.MethodPost, "/users/bulk", hundred).status)
}

func TestBulkCreateSharesIdempotencyKeys(t *testing.T) {
	t.Parallel()
	srv := start(t)

	single := call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", "k-ada").user(t, http.StatusCreated)
	out := bulk(t, srv,
		map[string]any{"op": "create", "idempotencyKey": "k-ada", "user": ada()},
		map[string]any{"op": "create", "idempotencyKey": "k-ada", "user": person("2")},
		map[string]any{"op": "create", "idempotencyKey": "k-2", "user": person("2")},
		map[string]any{"op": "create", "idempotencyKey": "k-2", "user": person("2")},
	)

	assert.Equal(t, http.StatusCreated, out.Results[0].Status)
	assert.Equal(t, single.ID, out.Results[0].User.ID, "replayed from the single create")
	assert.Equal(t, http.StatusUnprocessableEntity, out.Results[1].Status)
	assert.Equal(t, qooper.CodeIdempotencyMismatch, out.Results[1].Error.Code)
	assert.Equal(t, out.Results[2].User.ID, out.Results[3].User.ID)
	assert.Len(t, srv.Users(), 2)
}

func TestBulkCountsAsOneRequest(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := qoopertest.Start(t, qoopertest.WithRateLimit(1, 2), qoopertest.WithClock(func() time.Time { return now }))
	operations := make([]map[string]any, 50)
	for i := range operations {
		operations[i] = map[string]any{"op": "reactivate", "id": "usr_none"}
	}

	res := call(t, srv, http.MethodPost, "/users/bulk", map[string]any{"operations": operations})

	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "1", res.header.Get("RateLimit-Remaining"))
}
