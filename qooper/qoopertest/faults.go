package qoopertest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/qooper/hrsync/qooper"
)

// Fault makes the server fail the next Count requests that match Method
// and Path with Status, before it looks at them. A failed request changes
// no state.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// Path matches the path after /v1, such as "/users" or
	// "/users/*/deactivate". A segment "*" matches any one segment. Empty
	// matches any path.
	Path string
	// Status is the response status; zero means 503.
	Status int
	// Count is the number of requests to fail; zero means 1.
	Count int
	// Body replaces the default problem body, for example with an HTML
	// error page from a proxy. ContentType goes with it.
	Body        []byte
	ContentType string
}

// InjectFault adds a fault. Faults are checked in the order they were added.
func (s *Server) InjectFault(f Fault) {
	if f.Status == 0 {
		f.Status = http.StatusServiceUnavailable
	}
	if f.Count == 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// DropNextCreates makes the server commit each of the next n requests to
// POST /users and then close the connection without a response, as when a
// response is lost on the network. The stored idempotent response is then
// replayed to a retry with the same key.
func (s *Server) DropNextCreates(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops = n
}

// matchFault returns the first fault that matches r and counts it, or nil.
// The caller holds s.mu.
func (s *Server) matchFault(r *http.Request) *Fault {
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	for i, fault := range s.faults {
		if fault.Method != "" && fault.Method != r.Method || fault.Path != "" && !matchPath(fault.Path, path) {
			continue
		}
		fault.Count--
		if fault.Count <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return fault
	}
	return nil
}

func matchPath(pattern, path string) bool {
	patternSegments := strings.Split(strings.Trim(pattern, "/"), "/")
	pathSegments := strings.Split(strings.Trim(path, "/"), "/")
	if len(patternSegments) != len(pathSegments) {
		return false
	}
	for i, segment := range patternSegments {
		if segment != "*" && segment != pathSegments[i] {
			return false
		}
	}
	return true
}

func (f *Fault) response(ex *exchange) *response {
	if f.Body == nil {
		return ex.problem(f.Status, qooper.CodeServerError, http.StatusText(f.Status), "injected fault", nil)
	}
	header := http.Header{}
	if f.ContentType != "" {
		header.Set("Content-Type", f.ContentType)
	}
	return &response{status: f.Status, header: header, body: f.Body}
}

// RecordedRequest is a request as the server received it. Header leaves
// out Authorization.
type RecordedRequest struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

func (s *Server) record(r *http.Request, body []byte) {
	header := r.Header.Clone()
	header.Del("Authorization")
	recorded := RecordedRequest{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: header,
		Body:   body,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, recorded)
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RecordedRequest(nil), s.requests...)
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}
