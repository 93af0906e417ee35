package hibob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/qooper/hrsync/internal/rest"
)

// Sentinel errors. An *APIError matches the one for its status through
// errors.Is.
var (
	// ErrUnauthorized matches a 401: the service user ID or token is wrong,
	// or, on some write endpoints, a permission is missing.
	ErrUnauthorized = errors.New("hibob: unauthorized")
	// ErrForbidden matches a 403: the service user lacks a permission, or
	// the tenant restricts API access by IP address.
	ErrForbidden = errors.New("hibob: forbidden")
	// ErrNotFound matches a 404, for example an unknown employee or list.
	ErrNotFound = errors.New("hibob: not found")
	// ErrRateLimited matches a 429 that persisted after the retries.
	ErrRateLimited = errors.New("hibob: rate limited")
	// ErrServer matches any 5xx status.
	ErrServer = errors.New("hibob: server error")
	// ErrInvalidRequest wraps the errors of requests that the client
	// rejects before sending, such as a search over more than 400 fields.
	ErrInvalidRequest = errors.New("hibob: invalid request")
)

// APIError is a response from HiBob with a status of 400 or more. It
// contains no credentials. Body may contain personal data, so log Error()
// rather than Body.
type APIError struct {
	StatusCode int
	Method     string
	// Path is the route relative to the base URL, with identifiers replaced
	// by placeholders, for example "/people/{identifier}".
	Path string
	// Key is HiBob's error id from {"key": ..., "error": ...} bodies.
	Key string
	// Message is HiBob's human-readable message, empty when the body has
	// none, for example the empty body of a 401 or an HTML error page.
	Message string
	// FieldErrors maps a field path to its message, from bodies of the
	// form {"errors": {"/path": {"error": ..., "message": ...}}}.
	FieldErrors map[string]string
	// RequestID is the value of the X-Request-Id response header, if any.
	RequestID string
	// Body is the raw response body, capped at 1 MiB.
	Body []byte
}

// Error returns a line like "hibob: POST /people/search: 429 Too Many
// Requests: message".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hibob: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, " (key %s)", e.Key)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Is reports whether target is the sentinel for the error's status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// DecodeError is a successful response whose body is not the expected
// JSON: empty, truncated, HTML or of the wrong shape. It unwraps to the
// *rest.DecodeError or the decoder error that caused it.
type DecodeError struct {
	StatusCode  int
	Method      string
	Path        string
	ContentType string
	Err         error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("hibob: %s %s: %d response: %v", e.Method, e.Path, e.StatusCode, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// newDecodeError wraps err, which decoding the body of resp returned.
func newDecodeError(r *rest.Request, resp *http.Response, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var restErr *rest.DecodeError
	if errors.As(err, &restErr) {
		return &DecodeError{
			StatusCode:  restErr.StatusCode,
			Method:      r.Method,
			Path:        routeOf(r),
			ContentType: restErr.ContentType,
			Err:         restErr,
		}
	}
	if errors.Is(err, errEmptyBody) {
		err = &rest.DecodeError{StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Err: err}
	}
	return &DecodeError{
		StatusCode:  resp.StatusCode,
		Method:      r.Method,
		Path:        routeOf(r),
		ContentType: resp.Header.Get("Content-Type"),
		Err:         err,
	}
}

var errEmptyBody = errors.New("empty body")

func routeOf(r *rest.Request) string {
	if r.Route != "" {
		return r.Route
	}
	return r.Path
}

// convertError turns an error of the HTTP core into this package's types.
// It drops the request URL from transport errors, because the URL can
// contain an e-mail address.
func convertError(ctx context.Context, r *rest.Request, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return ctxErr
	}
	var statusErr *rest.StatusError
	if errors.As(err, &statusErr) {
		return newAPIError(r, statusErr)
	}
	var transportErr *rest.TransportError
	if errors.As(err, &transportErr) {
		cause := transportErr.Err
		var urlErr *url.Error
		if errors.As(cause, &urlErr) {
			cause = urlErr.Err
		}
		return fmt.Errorf("hibob: %s %s: request failed: %w", r.Method, routeOf(r), cause)
	}
	return fmt.Errorf("hibob: %s %s: %w", r.Method, routeOf(r), err)
}

// newAPIError decodes the error body shapes that HiBob uses:
// {"key": ..., "error": ...}, {"errorMessage": ...} and
// {"errors": {"/field": {"error": ..., "message": ...}}}.
func newAPIError(r *rest.Request, se *rest.StatusError) *APIError {
	header := http.Header(se.Header)
	e := &APIError{
		StatusCode: se.StatusCode,
		Method:     r.Method,
		Path:       routeOf(r),
		RequestID:  requestID(header),
		Body:       se.Body,
	}
	trimmed := bytes.TrimSpace(se.Body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return e
	}
	var body struct {
		Key          json.RawMessage            `json:"key"`
		Error        json.RawMessage            `json:"error"`
		ErrorMessage string                     `json:"errorMessage"`
		Message      string                     `json:"message"`
		Errors       map[string]json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(trimmed, &body); err != nil {
		return e
	}
	e.Key = rawText(body.Key)
	e.Message = firstNonEmpty(rawText(body.Error), body.ErrorMessage, body.Message)
	if len(body.Errors) > 0 {
		e.FieldErrors = make(map[string]string, len(body.Errors))
		for field, raw := range body.Errors {
			e.FieldErrors[field] = fieldErrorText(raw)
		}
		if e.Message == "" {
			e.Message = summarizeFieldErrors(e.FieldErrors)
		}
	}
	return e
}

// rawText returns a JSON string's value, or the JSON text of any other
// value such as a number or an object.
func rawText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func fieldErrorText(raw json.RawMessage) string {
	var detail struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &detail) == nil && (detail.Error != "" || detail.Message != "") {
		switch {
		case detail.Error == "":
			return detail.Message
		case detail.Message == "":
			return detail.Error
		default:
			return detail.Error + ": " + detail.Message
		}
	}
	return rawText(raw)
}

func summarizeFieldErrors(fieldErrors map[string]string) string {
	fields := make([]string, 0, len(fieldErrors))
	for field := range fieldErrors {
		fields = append(fields, field)
	}
	sort.Strings(fields)
	parts := make([]string, 0, len(fields))
	for _, field := range fields {
		parts = append(parts, field+": "+fieldErrors[field])
	}
	return strings.Join(parts, "; ")
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// requestID returns the request id that HiBob or its load balancer sent.
func requestID(h http.Header) string {
	if id := rest.RequestID(h); id != "" {
		return id
	}
	return h.Get("X-Amzn-Requestid")
}
