package qooper_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/qooper"
)

// errorTransport serves every request with one fixed error response, in
// process.
type errorTransport struct {
	status      int
	contentType string
	retryAfter  string
	body        []byte
}

func (e *errorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	header := http.Header{}
	if e.contentType != "" {
		header.Set("Content-Type", e.contentType)
	}
	if e.retryAfter != "" {
		header.Set("Retry-After", e.retryAfter)
	}
	return &http.Response{
		StatusCode: e.status,
		Header:     header,
		Body:       io.NopCloser(bytes.NewReader(e.body)),
		Request:    req,
	}, nil
}

// statusOfSentinel maps each sentinel error to the status that it matches.
// ErrConflict, ErrSuspended, ErrInvalid and ErrIdempotencyMismatch also
// depend on the code, so they are checked separately.
var statusOfSentinel = map[error]int{
	qooper.ErrNotFound:        http.StatusNotFound,
	qooper.ErrUnauthorized:    http.StatusUnauthorized,
	qooper.ErrForbidden:       http.StatusForbidden,
	qooper.ErrRateLimited:     http.StatusTooManyRequests,
	qooper.ErrVersionMismatch: http.StatusPreconditionFailed,
}

// FuzzAPIError sends any error status, content type, Retry-After and body
// to the real client and checks that the result is an *qooper.APIError
// with that status, whose message never shows Detail and whose sentinels
// match the status and code.
func FuzzAPIError(f *testing.F) {
	f.Add(409, "application/problem+json", "",
		[]byte(`{"type":"about:blank","title":"Email already in use","status":409,"code":"uniqueness",`+
			`"detail":"ada@example.com is used by usr_2","conflictingId":"usr_2","requestId":"req_1"}`))
	f.Add(422, "application/problem+json", "",
		[]byte(`{"title":"Invalid user fields","code":"invalidValue","errors":[{"field":"email","code":"invalidValue","message":"x"}]}`))
	f.Add(502, "text/html", "", []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	f.Add(429, "application/json", "1e10", []byte(`{"code":"rateLimited"}`))
	f.Add(401, "", "", []byte{})
	f.Add(409, "application/problem+json", "", []byte(`{"code":"suspended","detail":null,"errors":null}`))

	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter string, body []byte) {
		status = 400 + (status%200+200)%200
		if !isHeaderValue(contentType) || !isHeaderValue(retryAfter) {
			return
		}
		transport := &errorTransport{status: status, contentType: contentType, retryAfter: retryAfter, body: body}
		client, err := qooper.NewClient(mockBaseURL, mockToken,
			qooper.WithHTTPClient(&http.Client{Transport: transport}),
			qooper.WithRateLimit(rate.Inf, 1),
			qooper.WithRetryPolicy(qooper.RetryPolicy{}))
		if err != nil {
			t.Fatal(err)
		}

		_, err = client.GetUser(t.Context(), "usr_1")

		var apiErr *qooper.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("got %T %v, want a *qooper.APIError", err, err)
		}
		checkAPIError(t, apiErr, status, body)
	})
}

func checkAPIError(t *testing.T, apiErr *qooper.APIError, status int, body []byte) {
	t.Helper()
	if apiErr.StatusCode != status || apiErr.Method != http.MethodGet || apiErr.Path != "/users/{id}" {
		t.Fatalf("APIError names %s %s %d, want GET /users/{id} %d", apiErr.Method, apiErr.Path, apiErr.StatusCode, status)
	}
	message := apiErr.Error()
	if prefix := "qooper: GET /users/{id}: " + strconv.Itoa(status); !strings.HasPrefix(message, prefix) {
		t.Fatalf("Error() = %q, want the prefix %q", message, prefix)
	}
	if !bytes.Equal(apiErr.Body, body) {
		t.Fatalf("Body has %d bytes, want the %d bytes sent", len(apiErr.Body), len(body))
	}
	if apiErr.RetryAfter < 0 {
		t.Fatalf("RetryAfter = %v, want at least 0", apiErr.RetryAfter)
	}

	withoutDetail := *apiErr
	withoutDetail.Detail = ""
	if withoutDetail.Error() != message {
		t.Fatalf("Error() shows Detail, which may contain personal data: %q", message)
	}

	for sentinel, sentinelStatus := range statusOfSentinel {
		matched, want := errors.Is(apiErr, sentinel), status == sentinelStatus
		if matched != want {
			t.Fatalf("errors.Is(%d error, %v) = %v, want %v", status, sentinel, matched, want)
		}
	}
	conflict := status == http.StatusConflict
	if errors.Is(apiErr, qooper.ErrConflict) == errors.Is(apiErr, qooper.ErrSuspended) && conflict {
		t.Fatalf("a 409 with code %q must match exactly one of ErrConflict and ErrSuspended", apiErr.Code)
	}
	unprocessable := status == http.StatusUnprocessableEntity
	if errors.Is(apiErr, qooper.ErrIdempotencyMismatch) && errors.Is(apiErr, qooper.ErrInvalid) {
		t.Fatalf("a %d with code %q matches both ErrIdempotencyMismatch and ErrInvalid", status, apiErr.Code)
	}
	if errors.Is(apiErr, qooper.ErrInvalid) && status != http.StatusBadRequest && !unprocessable {
		t.Fatalf("a %d matches ErrInvalid", status)
	}
}

// isHeaderValue reports whether s can be sent as a header value as it is.
func isHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return strings.TrimSpace(s) == s
}
