package qoopertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/qooper/hrsync/qooper"
)

// bulkResult is one entry of a bulk response.
type bulkResult struct {
	Status int             `json:"status"`
	User   *userJSON       `json:"user"`
	Error  *qooper.Problem `json:"error"`
}

// bulk serves POST /users/bulk. A malformed envelope rejects the whole
// call; otherwise each operation runs in order and gets its own result.
func (s *Server) bulk(ex *exchange) *response {
	if o := rejectQuery(ex.r); o != nil {
		return ex.response(*o)
	}
	if o := checkContentType(ex.r, false); o != nil {
		return ex.response(*o)
	}
	operations, o := decodeEnvelope(ex.body)
	if o != nil {
		return ex.response(*o)
	}

	results := make([]bulkResult, len(operations))
	for i, raw := range operations {
		o := s.bulkOperation(ex, raw)
		results[i] = bulkResult{Status: o.status}
		if o.problem != nil {
			problem := *o.problem
			if problem.RequestID == "" {
				problem.RequestID = ex.requestID
			}
			results[i].Error = &problem
		} else {
			user := wireUser(o.user)
			results[i].User = &user
		}
	}
	return jsonResponse(http.StatusOK, struct {
		Results []bulkResult `json:"results"`
	}{results})
}

// decodeEnvelope returns the raw operations of a bulk body, or a 400 when
// the body is not {"operations": [...]} with 1 to 100 operations.
func decodeEnvelope(body []byte) ([]json.RawMessage, *outcome) {
	reject := func(field, message string) ([]json.RawMessage, *outcome) {
		o := invalidRequest(field, message)
		return nil, &o
	}
	if !utf8.Valid(body) {
		return reject("", "the body must be UTF-8")
	}
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(body, &envelope); err != nil || envelope == nil {
		return reject("", `the body must be a JSON object {"operations": [...]}`)
	}
	for _, name := range slices.Sorted(maps.Keys(envelope)) {
		if name != "operations" {
			return reject(name, "unknown field")
		}
	}
	var operations []json.RawMessage
	if err := json.Unmarshal(envelope["operations"], &operations); err != nil || operations == nil {
		return reject("operations", "operations must be an array")
	}
	if len(operations) < 1 || len(operations) > qooper.MaxBulkOperations {
		return reject("operations", fmt.Sprintf("a bulk call takes 1 to %d operations", qooper.MaxBulkOperations))
	}
	return operations, nil
}

// bulkOperation runs one operation. The caller holds s.mu.
func (s *Server) bulkOperation(ex *exchange, raw json.RawMessage) outcome {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return invalidRequest("", "an operation must be a JSON object")
	}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		switch name {
		case "op", "id", "idempotencyKey", "user":
		default:
			return invalidRequest(name, "unknown field")
		}
	}
	var op, id string
	if json.Unmarshal(members["op"], &op) != nil {
		return invalidValue("op", "op must be create, update, deactivate or reactivate")
	}
	if value, sent := members["id"]; sent && json.Unmarshal(value, &id) != nil {
		return invalidValue("id", "id must be a string")
	}
	key, hasKey := "", false
	if value, sent := members["idempotencyKey"]; sent && !isNull(value) {
		if json.Unmarshal(value, &key) != nil {
			return invalidValue("idempotencyKey", "idempotencyKey must be a string")
		}
		hasKey = true
	}
	user, hasUser := members["user"]
	hasUser = hasUser && !isNull(user)

	switch qooper.BulkOp(op) {
	case qooper.BulkCreate:
		switch {
		case id != "":
			return invalidRequest("id", "a create takes no id")
		case !hasUser:
			return invalidRequest("user", "a create needs a user")
		case hasKey:
			return s.createIdempotent(ex.token, key, user, false, ex.requestID)
		}
		return s.create(user, false)
	case qooper.BulkUpdate, qooper.BulkDeactivate, qooper.BulkReactivate:
	default:
		return invalidValue("op", "op must be create, update, deactivate or reactivate")
	}

	switch {
	case id == "":
		return invalidRequest("id", "id is required")
	case hasKey:
		return invalidRequest("idempotencyKey", "only a create takes an idempotency key")
	case s.users[id] == nil:
		return ex.userNotFound()
	}
	switch qooper.BulkOp(op) {
	case qooper.BulkUpdate:
		if !hasUser {
			return invalidRequest("user", "an update needs a user")
		}
		return s.patch(id, user)
	case qooper.BulkDeactivate:
		if hasUser {
			return invalidRequest("user", "a deactivate takes no user")
		}
		return s.setStatus(id, qooper.StatusDeactivated)
	default:
		if hasUser {
			return invalidRequest("user", "a reactivate takes no user")
		}
		return s.setStatus(id, qooper.StatusActive)
	}
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}
