package hibobtest

import (
	"net/http"
	"strings"
	"time"
)

// Fault makes the fake misbehave for the next matching requests. Without
// Status, HTML, Truncate or Empty, a Fault only delays the normal response.
type Fault struct {
	// Path restricts the fault to one endpoint, given relative to /v1, for
	// example "/people/search". Empty matches every request.
	Path string
	// Times is how many matching requests the fault affects. Zero means 1.
	Times int
	// Status is the response status. With none of HTML, Truncate or Empty
	// set, the body is HiBob's JSON error body.
	Status int
	// HTML sends an HTML error page, as a proxy in front of an API does,
	// with Status or 502.
	HTML bool
	// Truncate sends a JSON content type and a body cut off in the middle,
	// with Status or 200.
	Truncate bool
	// Empty sends a JSON content type and an empty body, with Status or
	// 200.
	Empty bool
	// Delay is waited before the response, or until the client gives up.
	Delay time.Duration
	// Header is added to the response, for example Retry-After.
	Header http.Header
}

// InjectFault queues a fault. Faults apply in the order they were
// injected, before the credentials are checked.
func (s *Server) InjectFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &f)
}

// FailNext makes the next n requests to path (relative to /v1, or "" for
// any) fail with status and HiBob's JSON error body.
func (s *Server) FailNext(n, status int, path string) {
	s.InjectFault(Fault{Path: path, Times: n, Status: status})
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
}

// takeFault returns the first pending fault that matches r and counts it
// as used.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	for i, f := range s.faults {
		if f.Path != "" && f.Path != path {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		copied := *f
		return &copied
	}
	return nil
}

// applyFault sends the response of a pending fault and reports whether it
// did. A delay-only fault waits and lets the request go on.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f := s.takeFault(r)
	if f == nil {
		return false
	}
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return true
		}
	}
	for key, values := range f.Header {
		for _, v := range values {
			w.Header().Add(key, v)
		}
	}
	switch {
	case f.HTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(statusOr(f.Status, http.StatusBadGateway))
		_, _ = w.Write([]byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1></body>\r\n</html>\r\n"))
	case f.Truncate:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(statusOr(f.Status, http.StatusOK))
		_, _ = w.Write([]byte(`{"employees":[{"id":"3332883884017713938","firstName":"Jo`))
	case f.Empty:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(statusOr(f.Status, http.StatusOK))
	case f.Status != 0:
		writeError(w, f.Status, "fault.injected", http.StatusText(f.Status))
	default:
		return false
	}
	return true
}

func statusOr(status, fallback int) int {
	if status != 0 {
		return status
	}
	return fallback
}
