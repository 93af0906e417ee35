package qoopertest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qooper/hrsync/qooper"
)

// defaultPageSize is the page size of a list without limit.
const defaultPageSize = 100

// cursor is the state behind an opaque list cursor: the last id of the
// previous page and the filters that produced it.
type cursor struct {
	afterID string
	filters string
}

// listUsers serves GET /users.
func (s *Server) listUsers(ex *exchange) *response {
	if o := rejectQuery(ex.r, "limit", "cursor", "status", "externalId", "email"); o != nil {
		return ex.response(*o)
	}
	query := ex.r.URL.Query()
	for _, name := range []string{"limit", "cursor", "externalId", "email"} {
		if len(query[name]) > 1 {
			return ex.response(invalidRequest(name, "query parameter "+name+" must not repeat"))
		}
	}

	limit := defaultPageSize
	if query.Has("limit") {
		raw := query.Get("limit")
		n, err := strconv.Atoi(raw)
		// Only plain decimal digits: Atoi also takes "+5", and "05" is not
		// the canonical form of a number.
		if err != nil || n < 1 || n > qooper.MaxPageSize || raw != strconv.Itoa(n) {
			return ex.response(invalidValue("limit", fmt.Sprintf("limit must be an integer from 1 to %d", qooper.MaxPageSize)))
		}
		limit = n
	}
	statuses := map[qooper.Status]bool{}
	for _, value := range query["status"] {
		status := qooper.Status(value)
		if status != qooper.StatusActive && status != qooper.StatusSuspended && status != qooper.StatusDeactivated {
			return ex.response(invalidValue("status", "status must be active, suspended or deactivated"))
		}
		statuses[status] = true
	}
	externalID, hasExternalID := query.Get("externalId"), query.Has("externalId")
	email, hasEmail := query.Get("email"), query.Has("email")
	filters := fmt.Sprintf("%q|%t:%q|%t:%q", slices.Sorted(maps.Keys(statuses)),
		hasExternalID, externalID, hasEmail, strings.ToLower(email))

	afterID := ""
	if query.Has("cursor") {
		c, found := s.cursors[query.Get("cursor")]
		switch {
		case !found:
			return ex.response(invalidValue("cursor", "cursor is empty or unknown, start again without one"))
		case c.filters != filters:
			return ex.response(invalidValue("cursor", "cursor was issued for other filters, keep the filters of the first page"))
		}
		afterID = c.afterID
	}

	var page []*qooper.User
	more := false
	for _, id := range slices.Sorted(maps.Keys(s.users)) {
		u := s.users[id]
		if id <= afterID ||
			len(statuses) > 0 && !statuses[u.Status] ||
			hasExternalID && (u.ExternalID == nil || *u.ExternalID != externalID) ||
			hasEmail && !strings.EqualFold(u.Email, email) {
			continue
		}
		if len(page) == min(limit, s.maxPage) {
			more = true
			break
		}
		page = append(page, u)
	}

	body := struct {
		Data       []userJSON `json:"data"`
		NextCursor *string    `json:"nextCursor"`
	}{Data: []userJSON{}}
	for _, u := range page {
		body.Data = append(body.Data, wireUser(s.render(u)))
	}
	if more {
		next := "cur_" + rand.Text()
		s.cursors[next] = cursor{afterID: page[len(page)-1].ID, filters: filters}
		body.NextCursor = &next
	}
	return jsonResponse(http.StatusOK, body)
}

// getUser serves GET /users/{id}.
func (s *Server) getUser(ex *exchange, id string) *response {
	if o := rejectQuery(ex.r); o != nil {
		return ex.response(*o)
	}
	u := s.users[id]
	if u == nil {
		return ex.response(ex.userNotFound())
	}
	return ex.response(userOutcome(http.StatusOK, s.render(u)))
}

// storedOutcome is the first response to a create with an idempotency key.
type storedOutcome struct {
	fingerprint string
	outcome     outcome
	storedAt    time.Time
}

// createUser serves POST /users.
func (s *Server) createUser(ex *exchange) *response {
	if o := rejectQuery(ex.r, "invite"); o != nil {
		return ex.response(*o)
	}
	invite := false
	if values := ex.r.URL.Query()["invite"]; len(values) > 0 {
		if len(values) > 1 || values[0] != "true" && values[0] != "false" {
			return ex.response(invalidValue("invite", "invite must be true or false"))
		}
		invite = values[0] == "true"
	}
	if len(ex.body) == 0 {
		return ex.response(invalidRequest("", "the request needs a JSON body"))
	}
	if o := checkContentType(ex.r, false); o != nil {
		return ex.response(*o)
	}

	var o outcome
	key := ex.r.Header.Get("Idempotency-Key")
	if _, sent := ex.r.Header["Idempotency-Key"]; sent {
		o = s.createIdempotent(ex.token, key, ex.body, invite, ex.requestID)
	} else {
		o = s.create(ex.body, invite)
	}

	resp := ex.response(o)
	if s.drops > 0 {
		s.drops--
		resp.drop = true
	}
	return resp
}

// createIdempotent creates a user once per idempotency key: a repeated
// request with the same key, body and invite gets the first outcome, and
// another body gets 422. Every outcome but a 5xx is stored. Keys are per
// token. The caller holds s.mu.
func (s *Server) createIdempotent(token, key string, body []byte, invite bool, requestID string) outcome {
	if len(key) < 1 || len(key) > 255 || !isPrintableASCII(key) {
		return invalidRequest("Idempotency-Key", "Idempotency-Key must be 1 to 255 printable ASCII characters")
	}
	storeKey := token + "\x00" + key
	fingerprint := fingerprint(body, invite)
	now := s.now()
	if stored := s.idempotency[storeKey]; stored != nil && now.Sub(stored.storedAt) < idempotencyTTL {
		if stored.fingerprint != fingerprint {
			return problemOutcome(http.StatusUnprocessableEntity, qooper.CodeIdempotencyMismatch, "Idempotency key reused",
				"this idempotency key was used with another request body or invite, use a new key", nil)
		}
		return stored.outcome
	}

	o := s.create(body, invite)
	if o.status < 500 {
		if o.problem != nil {
			problem := *o.problem
			problem.RequestID = requestID
			o.problem = &problem
		}
		s.idempotency[storeKey] = &storedOutcome{fingerprint: fingerprint, outcome: o, storedAt: now}
	}
	return o
}

// fingerprint identifies a create request: its body as canonical JSON, so
// that key order and spacing do not matter, and invite.
func fingerprint(body []byte, invite bool) string {
	canonical := body
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	var value any
	if err := decoder.Decode(&value); err == nil {
		if encoded, err := json.Marshal(value); err == nil {
			canonical = encoded
		}
	}
	sum := sha256.Sum256(append(canonical, []byte(" invite="+strconv.FormatBool(invite))...))
	return hex.EncodeToString(sum[:])
}

// create validates body and stores a new active user. The caller holds
// s.mu.
func (s *Server) create(body []byte, invite bool) outcome {
	fields, problem := decodeFields(body, true)
	if problem != nil {
		return *problem
	}
	if managerID, ok := fields.ManagerID.Value(); ok && s.users[managerID] == nil {
		return managerProblem("the manager does not exist")
	}
	email, _ := fields.Email.Value()
	if id := s.emailOwner("", email); id != "" {
		return uniquenessProblem(id, "email")
	}
	if externalID, ok := fields.ExternalID.Value(); ok {
		if id := s.externalIDOwner("", externalID); id != "" {
			return uniquenessProblem(id, "externalId")
		}
	}

	now := s.timestamp()
	u := &qooper.User{
		ID:        s.newID(),
		Status:    qooper.StatusActive,
		CreatedAt: now,
		UpdatedAt: now,
		Version:   1,
	}
	applyFields(u, fields)
	s.users[u.ID] = u
	if invite {
		s.invitations = append(s.invitations, u.ID)
	}
	return userOutcome(http.StatusCreated, s.render(u))
}

// decodeFields decodes and validates a create or merge-patch body.
func decodeFields(body []byte, create bool) (qooper.UserFields, *outcome) {
	if !utf8.Valid(body) {
		o := invalidRequest("", "the body must be UTF-8")
		return qooper.UserFields{}, &o
	}
	var fields qooper.UserFields
	if err := json.Unmarshal(body, &fields); err != nil {
		o := validationOutcome(err)
		return qooper.UserFields{}, &o
	}
	if err := fields.Validate(create); err != nil {
		o := validationOutcome(err)
		return qooper.UserFields{}, &o
	}
	return fields, nil
}

func managerProblem(message string) outcome {
	return problemOutcome(http.StatusUnprocessableEntity, qooper.CodeInvalidValue, "Invalid manager", message,
		[]qooper.FieldError{{Field: "manager", Code: qooper.CodeInvalidValue, Message: message}})
}

func uniquenessProblem(conflictingID, field string) outcome {
	o := problemOutcome(http.StatusConflict, qooper.CodeUniqueness, "Already in use",
		fmt.Sprintf("the %s belongs to %s", field, conflictingID),
		[]qooper.FieldError{{Field: field, Code: qooper.CodeUniqueness, Message: "already in use"}})
	o.problem.ConflictingID = conflictingID
	return o
}

// applyFields writes the set fields into u as a merge patch.
func applyFields(u *qooper.User, fields qooper.UserFields) {
	if email, ok := fields.Email.Value(); ok {
		u.Email = email
	}
	if firstName, ok := fields.FirstName.Value(); ok {
		u.FirstName = firstName
	}
	if lastName, ok := fields.LastName.Value(); ok {
		u.LastName = lastName
	}
	for _, optional := range []struct {
		field  qooper.Field[string]
		target **string
	}{
		{fields.ExternalID, &u.ExternalID},
		{fields.DisplayName, &u.DisplayName},
		{fields.JobTitle, &u.JobTitle},
		{fields.Department, &u.Department},
		{fields.Location, &u.Location},
		{fields.EmployeeNumber, &u.EmployeeNumber},
		{fields.StartDate, &u.StartDate},
		{fields.TerminationDate, &u.TerminationDate},
	} {
		if !optional.field.IsSet() {
			continue
		}
		*optional.target = nil
		if value, ok := optional.field.Value(); ok {
			*optional.target = &value
		}
	}
	if fields.ManagerID.IsSet() {
		u.Manager = nil
		if managerID, ok := fields.ManagerID.Value(); ok {
			u.Manager = &qooper.ManagerRef{ID: managerID}
		}
	}
	if fields.ClearCustomAttributes {
		u.CustomAttributes = nil
	}
	for key, value := range fields.CustomAttributes {
		if value == nil {
			delete(u.CustomAttributes, key)
			continue
		}
		if u.CustomAttributes == nil {
			u.CustomAttributes = map[string]any{}
		}
		u.CustomAttributes[key] = value
	}
	if len(u.CustomAttributes) == 0 {
		u.CustomAttributes = nil
	}
}

// patchUser serves PATCH /users/{id}.
func (s *Server) patchUser(ex *exchange, id string) *response {
	if o := rejectQuery(ex.r); o != nil {
		return ex.response(*o)
	}
	if s.users[id] == nil {
		return ex.response(ex.userNotFound())
	}
	if o := checkContentType(ex.r, true); o != nil {
		return ex.response(*o)
	}
	if values := ex.r.Header.Values("If-Match"); len(values) > 0 {
		if o := s.checkIfMatch(id, strings.Join(values, ",")); o != nil {
			return ex.response(*o)
		}
	}
	return ex.response(s.patch(id, ex.body))
}

// checkIfMatch compares an If-Match value, "*" or a list of quoted
// versions, with the user's version. The caller holds s.mu.
func (s *Server) checkIfMatch(id, value string) *outcome {
	value = strings.TrimSpace(value)
	if value == "*" {
		return nil
	}
	current := s.users[id].ETag()
	for _, tag := range strings.Split(value, ",") {
		tag = strings.TrimSpace(tag)
		if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
			o := invalidRequest("If-Match", `If-Match must be "*" or a quoted version such as "7"`)
			return &o
		}
		if tag == current {
			return nil
		}
	}
	o := problemOutcome(http.StatusPreconditionFailed, qooper.CodeVersionMismatch, "Version mismatch",
		"the user has version "+current+", read it again before updating", nil)
	return &o
}

// patch applies a merge patch to the user. A patch that changes nothing
// keeps the version. The caller holds s.mu.
func (s *Server) patch(id string, body []byte) outcome {
	stored := s.users[id]
	if stored == nil {
		return problemOutcome(http.StatusNotFound, qooper.CodeNotFound, "User not found", "no user has this id", nil)
	}
	fields, problem := decodeFields(body, false)
	if problem != nil {
		return *problem
	}

	updated := cloneUser(stored)
	applyFields(updated, fields)
	if len(updated.CustomAttributes) > qooper.MaxCustomAttributes {
		return invalidValue("customAttributes", fmt.Sprintf("a user may have at most %d custom attributes", qooper.MaxCustomAttributes))
	}
	if managerID, ok := fields.ManagerID.Value(); ok {
		if message := s.checkManager(id, managerID); message != "" {
			return managerProblem(message)
		}
	}
	if email, ok := fields.Email.Value(); ok {
		if ownerID := s.emailOwner(id, email); ownerID != "" {
			return uniquenessProblem(ownerID, "email")
		}
	}
	if externalID, ok := fields.ExternalID.Value(); ok {
		if ownerID := s.externalIDOwner(id, externalID); ownerID != "" {
			return uniquenessProblem(ownerID, "externalId")
		}
	}

	if !reflect.DeepEqual(updated, cloneUser(stored)) {
		updated.Version++
		updated.UpdatedAt = s.timestamp()
		s.users[id] = updated
	}
	return userOutcome(http.StatusOK, s.render(s.users[id]))
}

// checkManager returns why managerID cannot manage the user id, or "". The
// caller holds s.mu.
func (s *Server) checkManager(id, managerID string) string {
	if managerID == id {
		return "a user cannot be their own manager"
	}
	if s.users[managerID] == nil {
		return "the manager does not exist"
	}
	seen := map[string]bool{}
	for current := managerID; current != "" && !seen[current]; {
		if current == id {
			return "the manager reports to this user, which would make a reporting cycle"
		}
		seen[current] = true
		next := s.users[current]
		if next == nil || next.Manager == nil {
			break
		}
		current = next.Manager.ID
	}
	return ""
}

// deactivateUser serves POST /users/{id}/deactivate.
func (s *Server) deactivateUser(ex *exchange, id string) *response {
	if o := rejectQuery(ex.r); o != nil {
		return ex.response(*o)
	}
	if s.users[id] == nil {
		return ex.response(ex.userNotFound())
	}
	if len(bytes.TrimSpace(ex.body)) > 0 {
		if o := checkContentType(ex.r, false); o != nil {
			return ex.response(*o)
		}
		if o := checkDeactivateBody(ex.body); o != nil {
			return ex.response(*o)
		}
	}
	return ex.response(s.setStatus(id, qooper.StatusDeactivated))
}

// checkDeactivateBody accepts {"reason": string, "effectiveDate":
// "YYYY-MM-DD"} with either member optional or null.
func checkDeactivateBody(body []byte) *outcome {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		o := invalidRequest("", "the body must be a JSON object")
		return &o
	}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		raw := members[name]
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		var value string
		switch name {
		case "reason":
			if json.Unmarshal(raw, &value) != nil {
				o := invalidValue(name, "reason must be a string")
				return &o
			}
		case "effectiveDate":
			if json.Unmarshal(raw, &value) != nil || !qooper.IsDate(value) {
				o := invalidValue(name, "effectiveDate must be a date written YYYY-MM-DD")
				return &o
			}
		default:
			o := invalidRequest(name, "unknown field")
			return &o
		}
	}
	return nil
}

// reactivateUser serves POST /users/{id}/reactivate, which takes no body.
func (s *Server) reactivateUser(ex *exchange, id string) *response {
	if o := rejectQuery(ex.r); o != nil {
		return ex.response(*o)
	}
	if s.users[id] == nil {
		return ex.response(ex.userNotFound())
	}
	if body := bytes.TrimSpace(ex.body); len(body) > 0 {
		if o := checkContentType(ex.r, false); o != nil {
			return ex.response(*o)
		}
		if !bytes.Equal(body, []byte("{}")) {
			return ex.response(invalidRequest("", "reactivate takes no body"))
		}
	}
	return ex.response(s.setStatus(id, qooper.StatusActive))
}

// setStatus deactivates or reactivates a user. A user that already has the
// status is returned unchanged, and a suspended user is left alone with a
// 409. The caller holds s.mu.
func (s *Server) setStatus(id string, status qooper.Status) outcome {
	stored := s.users[id]
	if stored == nil {
		return problemOutcome(http.StatusNotFound, qooper.CodeNotFound, "User not found", "no user has this id", nil)
	}
	if stored.Status == qooper.StatusSuspended {
		return problemOutcome(http.StatusConflict, qooper.CodeSuspended, "User is suspended",
			"an administrator suspended this user, and the API does not change its status", nil)
	}
	if stored.Status != status {
		stored.Status = status
		stored.Version++
		stored.UpdatedAt = s.timestamp()
	}
	return userOutcome(http.StatusOK, s.render(stored))
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
