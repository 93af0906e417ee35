package qooper_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
)

const uniquenessProblem = `{
  "type": "https://docs.example-qooper.test/errors/uniqueness",
  "title": "Email already in use",
  "status": 409,
  "detail": "email ada.lovelace@example.com belongs to usr_01HV9Z3K8M",
  "code": "uniqueness",
  "conflictingId": "usr_01HV9Z3K8M",
  "errors": [{"field": "email", "code": "uniqueness", "message": "already in use"}],
  "requestId": "req_5f1c"
}`

func TestAPIErrorDecodesProblem(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users",
		status(409, "application/problem+json", uniquenessProblem))

	_, err := client.CreateUser(t.Context(), validFields(), nil)

	var apiErr *qooper.APIError
	require.ErrorAs(t, err, &apiErr)
	want := &qooper.APIError{
		StatusCode:    409,
		Method:        http.MethodPost,
		Path:          "/users",
		Code:          qooper.CodeUniqueness,
		Type:          "https://docs.example-qooper.test/errors/uniqueness",
		Title:         "Email already in use",
		Detail:        "email ada.lovelace@example.com belongs to usr_01HV9Z3K8M",
		ConflictingID: "usr_01HV9Z3K8M",
		FieldErrors:   []qooper.FieldError{{Field: "email", Code: qooper.CodeUniqueness, Message: "already in use"}},
		RequestID:     "req_5f1c",
		Body:          []byte(uniquenessProblem),
	}
	if diff := cmp.Diff(want, apiErr); diff != "" {
		t.Errorf("APIError mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, "qooper: POST /users: 409 uniqueness: Email already in use [email: uniqueness] (request req_5f1c)", err.Error())
	assert.NotContains(t, err.Error(), "lovelace", "the detail may hold personal data")
	assert.ErrorIs(t, err, qooper.ErrConflict)
	assert.NotErrorIs(t, err, qooper.ErrSuspended)
}

func TestAPIErrorRequestIDPrefersHeader(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1",
		status(404, "application/problem+json", `{"status":404,"code":"notFound","requestId":"req_body"}`, "X-Request-Id", "req_header"))

	_, err := client.GetUser(t.Context(), "usr_1")

	var apiErr *qooper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "req_header", apiErr.RequestID)
	assert.Equal(t, "/users/{id}", apiErr.Path, "the path hides the id")
	assert.ErrorIs(t, err, qooper.ErrNotFound)
}

func TestAPIErrorFromNonJSONBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		code        int
		contentType string
		body        string
		wantError   string
	}{
		{"html page", 502, "text/html", "<html><body>Bad gateway</body></html>", "qooper: GET /users/{id}: 502: Bad Gateway (request req_9)"},
		{"empty body", 404, "", "", "qooper: GET /users/{id}: 404: Not Found (request req_9)"},
		{"truncated json", 409, "application/problem+json", `{"code":"uniq`, "qooper: GET /users/{id}: 409: Conflict (request req_9)"},
		{"json lookalike as text", 400, "text/plain", `{"code":"invalidValue"}`, "qooper: GET /users/{id}: 400: Bad Request (request req_9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t, qooper.WithRetryPolicy(qooper.RetryPolicy{}))
			transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1",
				status(tt.code, tt.contentType, tt.body, "X-Request-Id", "req_9"))

			_, err := client.GetUser(t.Context(), "usr_1")

			var apiErr *qooper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.code, apiErr.StatusCode)
			assert.Equal(t, "req_9", apiErr.RequestID)
			assert.Empty(t, apiErr.Code)
			assert.Equal(t, tt.body, string(apiErr.Body))
			assert.Equal(t, tt.wantError, err.Error())
		})
	}
}

func TestAPIErrorSentinels(t *testing.T) {
	t.Parallel()
	sentinels := []error{
		qooper.ErrNotFound, qooper.ErrConflict, qooper.ErrUnauthorized, qooper.ErrForbidden,
		qooper.ErrRateLimited, qooper.ErrVersionMismatch, qooper.ErrSuspended,
		qooper.ErrIdempotencyMismatch, qooper.ErrInvalid,
	}
	tests := []struct {
		status int
		code   string
		want   []error
	}{
		{400, qooper.CodeInvalidRequest, []error{qooper.ErrInvalid}},
		{400, qooper.CodeInvalidValue, []error{qooper.ErrInvalid}},
		{401, qooper.CodeUnauthorized, []error{qooper.ErrUnauthorized}},
		{403, qooper.CodeForbidden, []error{qooper.ErrForbidden}},
		{404, qooper.CodeNotFound, []error{qooper.ErrNotFound}},
		{409, qooper.CodeUniqueness, []error{qooper.ErrConflict}},
		{409, "", []error{qooper.ErrConflict}},
		{409, qooper.CodeSuspended, []error{qooper.ErrSuspended}},
		{412, qooper.CodeVersionMismatch, []error{qooper.ErrVersionMismatch}},
		{422, qooper.CodeInvalidValue, []error{qooper.ErrInvalid}},
		{422, qooper.CodeIdempotencyMismatch, []error{qooper.ErrIdempotencyMismatch}},
		{429, qooper.CodeRateLimited, []error{qooper.ErrRateLimited}},
		{500, qooper.CodeServerError, nil},
	}
	for _, tt := range tests {
		err := error(&qooper.APIError{StatusCode: tt.status, Code: tt.code})
		for _, sentinel := range sentinels {
			want := false
			for _, w := range tt.want {
				want = want || w == sentinel
			}
			assert.Equal(t, want, errors.Is(err, sentinel), "%d %s is %v", tt.status, tt.code, sentinel)
		}
	}
}

func TestValidationErrorMatchesErrInvalid(t *testing.T) {
	t.Parallel()
	err := qooper.UserFields{}.Validate(true)

	var validationErr *qooper.ValidationError
	require.ErrorAs(t, err, &validationErr)
	assert.ErrorIs(t, err, qooper.ErrInvalid)
	assert.Equal(t, qooper.CodeInvalidValue, validationErr.Code())
	assert.Equal(t, "qooper: invalid user fields: email: field is required (required); "+
		"firstName: field is required (required); lastName: field is required (required)", err.Error())
}

func TestSuccessBodyThatIsNotJSONFails(t *testing.T) {
	t.Parallel()
	for name, responder := range map[string]func(*http.Request) (*http.Response, error){
		"html":      status(200, "text/html", "<html>login</html>"),
		"truncated": status(200, "application/json", `{"id":"usr_1","email":`),
		"empty":     status(200, "application/json", ""),
	} {
		client, transport := newMockClient(t)
		transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", responder)

		_, err := client.GetUser(t.Context(), "usr_1")

		require.Error(t, err, name)
		var apiErr *qooper.APIError
		assert.False(t, errors.As(err, &apiErr), name)
		assert.Contains(t, err.Error(), "qooper: GET /users/{id}: ", name)
	}
}
