package qooper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// MaxBulkOperations is the most operations one Bulk call may carry.
const MaxBulkOperations = 100

// BulkOp is the kind of a bulk operation.
type BulkOp string

// Bulk operation kinds.
const (
	BulkCreate     BulkOp = "create"
	BulkUpdate     BulkOp = "update"
	BulkDeactivate BulkOp = "deactivate"
	BulkReactivate BulkOp = "reactivate"
)

// BulkOperation is one operation of a Bulk call.
type BulkOperation struct {
	Op BulkOp
	// ID is the Qooper id of the user. Every operation but a create needs
	// it.
	ID string
	// IdempotencyKey makes a repeated create return its first result, as
	// CreateOptions.IdempotencyKey does; the two share one key space.
	IdempotencyKey string
	// User holds the fields of a create or the merge patch of an update.
	// Deactivate and reactivate operations send no user.
	User UserFields
}

// MarshalJSON encodes the operation as the API expects it.
func (op BulkOperation) MarshalJSON() ([]byte, error) {
	wire := struct {
		Op             BulkOp      `json:"op"`
		ID             string      `json:"id,omitempty"`
		IdempotencyKey string      `json:"idempotencyKey,omitempty"`
		User           *UserFields `json:"user,omitempty"`
	}{Op: op.Op, ID: op.ID, IdempotencyKey: op.IdempotencyKey}
	if op.Op == BulkCreate || op.Op == BulkUpdate {
		wire.User = &op.User
	}
	return json.Marshal(wire)
}

// BulkResult is the outcome of one bulk operation.
type BulkResult struct {
	// StatusCode is the status the operation would have had as a single
	// request, such as 201, 200 or 409.
	StatusCode int
	// User is the user after a successful operation.
	User *User
	// Err is the operation's error, or nil when it succeeded. Its Method
	// and Path are those of the single request the operation stands for,
	// such as POST /users for a create.
	Err *APIError
}

// Bulk runs up to 100 operations in one request, which counts once against
// the rate limit. The server runs them in order and independently, so some
// may fail while others apply: check each result's Err. The error return
// covers the call as a whole.
//
// The call is sent again after a network error or a 5xx only when every
// create in it carries an idempotency key.
//
// Qooper API docs: POST /users/bulk.
func (c *Client) Bulk(ctx context.Context, ops []BulkOperation) ([]BulkResult, error) {
	if len(ops) == 0 || len(ops) > MaxBulkOperations {
		return nil, fmt.Errorf("qooper: a bulk call needs 1 to %d operations, got %d", MaxBulkOperations, len(ops))
	}
	idempotent := true
	for i, op := range ops {
		if op.Op == BulkCreate && op.IdempotencyKey == "" {
			idempotent = false
		}
		if op.IdempotencyKey != "" {
			if err := checkIdempotencyKey(op.IdempotencyKey); err != nil {
				return nil, fmt.Errorf("operation %d: %w", i, err)
			}
		}
	}
	body, err := json.Marshal(struct {
		Operations []BulkOperation `json:"operations"`
	}{ops})
	if err != nil {
		return nil, err
	}
	r := &request{method: http.MethodPost, path: "/users/bulk", route: "/users/bulk", body: body, idempotent: idempotent}

	var response struct {
		Results []struct {
			Status int             `json:"status"`
			User   *User           `json:"user"`
			Error  json.RawMessage `json:"error"`
		} `json:"results"`
	}
	if err := c.do(ctx, r, &response); err != nil {
		return nil, err
	}
	if len(response.Results) != len(ops) {
		return nil, fmt.Errorf("qooper: POST /users/bulk: got %d results for %d operations", len(response.Results), len(ops))
	}

	results := make([]BulkResult, len(ops))
	for i, result := range response.Results {
		results[i] = BulkResult{StatusCode: result.Status, User: result.User}
		hasError := len(result.Error) > 0 && !bytes.Equal(result.Error, []byte("null"))
		if result.Status >= 400 || hasError {
			var problem []byte
			if hasError {
				problem = result.Error
			}
			method, route := ops[i].Op.request()
			results[i].User = nil
			results[i].Err = newAPIError(result.Status, method, route, "", problem)
		}
	}
	return results, nil
}

// request returns the method and route of the single request that stands
// for the operation.
func (op BulkOp) request() (method, route string) {
	switch op {
	case BulkCreate:
		return http.MethodPost, "/users"
	case BulkUpdate:
		return http.MethodPatch, "/users/{id}"
	case BulkDeactivate:
		return http.MethodPost, "/users/{id}/deactivate"
	case BulkReactivate:
		return http.MethodPost, "/users/{id}/reactivate"
	}
	return http.MethodPost, "/users/bulk"
}
