package qooper

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qooper/hrsync/internal/rest"
)

// Error codes of the API. A problem body carries one in its code member, and
// a FieldError carries CodeRequired, CodeInvalidRequest, CodeInvalidValue or
// CodeUniqueness.
const (
	CodeInvalidRequest      = "invalidRequest"
	CodeInvalidValue        = "invalidValue"
	CodeRequired            = "required"
	CodeUnauthorized        = "unauthorized"
	CodeForbidden           = "forbidden"
	CodeNotFound            = "notFound"
	CodeUniqueness          = "uniqueness"
	CodeSuspended           = "suspended"
	CodeVersionMismatch     = "versionMismatch"
	CodeIdempotencyMismatch = "idempotencyMismatch"
	CodeRateLimited         = "rateLimited"
	CodeServerError         = "serverError"
)

// Sentinel errors, matched with errors.Is against an *APIError (or, for
// ErrInvalid, also a *ValidationError).
var (
	// ErrNotFound matches a 404, and a lookup that found no user.
	ErrNotFound = errors.New("qooper: not found")
	// ErrConflict matches a 409 other than CodeSuspended, which is an email
	// or external id already in use. APIError.ConflictingID names the user
	// that has it.
	ErrConflict = errors.New("qooper: conflict")
	// ErrUnauthorized matches a 401: the token is missing, wrong or revoked.
	ErrUnauthorized = errors.New("qooper: unauthorized")
	// ErrForbidden matches a 403: the token may not do this.
	ErrForbidden = errors.New("qooper: forbidden")
	// ErrRateLimited matches a 429 that was still returned after the retries.
	ErrRateLimited = errors.New("qooper: rate limited")
	// ErrVersionMismatch matches a 412: the user changed since the version
	// named in If-Match.
	ErrVersionMismatch = errors.New("qooper: version mismatch")
	// ErrSuspended matches a 409 with CodeSuspended: an administrator
	// suspended the user, and the API does not change its status.
	ErrSuspended = errors.New("qooper: user is suspended")
	// ErrIdempotencyMismatch matches a 422 with CodeIdempotencyMismatch: the
	// idempotency key was used before with another request body.
	ErrIdempotencyMismatch = errors.New("qooper: idempotency key reused with another request")
	// ErrInvalid matches a 400, a 422 other than CodeIdempotencyMismatch,
	// and a *ValidationError.
	ErrInvalid = errors.New("qooper: invalid request")
	// ErrMultipleMatches is returned by a lookup that found more than one
	// user.
	ErrMultipleMatches = errors.New("qooper: more than one user matches")
)

// APIError is a response with a status of 400 or more, or a failed
// operation inside a bulk call. Fields other than StatusCode, Method and
// Path are empty when the body is not an application/problem+json document,
// as with an error page from a proxy.
type APIError struct {
	StatusCode int
	Method     string
	// Path is the request path relative to the base URL with identifiers
	// replaced by placeholders, such as "/users/{id}".
	Path string
	// Code is the API's error code, one of the Code constants.
	Code  string
	Type  string
	Title string
	// Detail explains this occurrence. It may contain personal data, so
	// Error leaves it out.
	Detail string
	// ConflictingID names the user that already has the email or external
	// id of a 409 CodeUniqueness.
	ConflictingID string
	FieldErrors   []FieldError
	// RequestID comes from the X-Request-Id header, else from the body.
	RequestID string
	// RetryAfter is the wait the server asked for, if it sent one.
	RetryAfter time.Duration
	// Body holds up to 1 MiB of the raw response body.
	Body []byte
}

// Error returns the method, path, status, code and title, such as
// "qooper: POST /users: 409 uniqueness: Email already in use (request
// req_5f1c)". It names fields with errors but never shows a value.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "qooper: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	title := e.Title
	if title == "" {
		title = http.StatusText(e.StatusCode)
	}
	if title != "" {
		b.WriteString(": " + title)
	}
	if len(e.FieldErrors) > 0 {
		fields := make([]string, len(e.FieldErrors))
		for i, fieldErr := range e.FieldErrors {
			fields[i] = fieldErr.Code
			if fieldErr.Field != "" {
				fields[i] = fieldErr.Field + ": " + fieldErr.Code
			}
		}
		b.WriteString(" [" + strings.Join(fields, ", ") + "]")
	}
	if e.RequestID != "" {
		b.WriteString(" (request " + e.RequestID + ")")
	}
	return b.String()
}

// Is matches the sentinel errors by status and code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict && e.Code != CodeSuspended
	case ErrSuspended:
		return e.StatusCode == http.StatusConflict && e.Code == CodeSuspended
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrVersionMismatch:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrIdempotencyMismatch:
		return e.StatusCode == http.StatusUnprocessableEntity && e.Code == CodeIdempotencyMismatch
	case ErrInvalid:
		return e.StatusCode == http.StatusBadRequest ||
			e.StatusCode == http.StatusUnprocessableEntity && e.Code != CodeIdempotencyMismatch
	}
	return false
}

// Problem is the application/problem+json body (RFC 9457) of an error
// response, with the API's extension members.
type Problem struct {
	Type          string       `json:"type,omitempty"`
	Title         string       `json:"title,omitempty"`
	Status        int          `json:"status,omitempty"`
	Detail        string       `json:"detail,omitempty"`
	Code          string       `json:"code,omitempty"`
	ConflictingID string       `json:"conflictingId,omitempty"`
	Errors        []FieldError `json:"errors,omitempty"`
	RequestID     string       `json:"requestId,omitempty"`
}

// newAPIError builds an *APIError from a problem body, if body is one.
func newAPIError(status int, method, route, requestID string, body []byte) *APIError {
	apiErr := &APIError{
		StatusCode: status,
		Method:     method,
		Path:       route,
		RequestID:  requestID,
		Body:       body,
	}
	var problem Problem
	if len(body) == 0 || json.Unmarshal(body, &problem) != nil {
		return apiErr
	}
	apiErr.Code = problem.Code
	apiErr.Type = problem.Type
	apiErr.Title = problem.Title
	apiErr.Detail = problem.Detail
	apiErr.ConflictingID = problem.ConflictingID
	apiErr.FieldErrors = problem.Errors
	if apiErr.RequestID == "" {
		apiErr.RequestID = problem.RequestID
	}
	return apiErr
}

// convertError turns an error of the HTTP core into the package's errors.
// Context errors pass through unchanged. The message of a transport error
// keeps the cause but drops the URL, whose query may hold an email address.
func convertError(method, route string, err error) error {
	var statusErr *rest.StatusError
	if errors.As(err, &statusErr) {
		header := http.Header(statusErr.Header)
		var body []byte
		if rest.IsJSONContentType(header.Get("Content-Type")) {
			body = statusErr.Body
		}
		apiErr := newAPIError(statusErr.StatusCode, method, route, rest.RequestID(header), body)
		apiErr.Body = statusErr.Body
		if wait, ok := rest.ServerWait(header, time.Now()); ok {
			apiErr.RetryAfter = wait
		}
		return apiErr
	}

	var transportErr *rest.TransportError
	if errors.As(err, &transportErr) {
		cause := transportErr.Err
		var urlErr *url.Error
		if errors.As(cause, &urlErr) {
			cause = urlErr.Err
		}
		return fmt.Errorf("qooper: %s %s: %w", method, route, cause)
	}

	var decodeErr *rest.DecodeError
	if errors.As(err, &decodeErr) {
		return fmt.Errorf("qooper: %s %s: %w", method, route, err)
	}
	return err
}
