package rest

import (
	"fmt"
)

// StatusError is a response with a status of 400 or more. Body holds at most
// MaxErrorBodyBytes of the response body.
type StatusError struct {
	StatusCode int
	Method     string
	Path       string
	Header     map[string][]string
	Body       []byte
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d", e.Method, e.Path, e.StatusCode)
}

// TransportError is a request that got no HTTP response, after retries.
type TransportError struct {
	Method string
	Path   string
	Err    error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is a successful response whose body could not be decoded.
type DecodeError struct {
	StatusCode  int
	ContentType string
	Err         error
}

func (e *DecodeError) Error() string {
	contentType := e.ContentType
	if contentType == "" {
		contentType = "no content type"
	}
	return fmt.Sprintf("invalid response body (status %d, %s): %v", e.StatusCode, contentType, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
