package hibobtest

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qooper/hrsync/hibob"
)

// DefaultCompanyID is the companyId of a Server that was not given one.
const DefaultCompanyID int64 = 636192

// maxRequestBytes caps the request body that the fake reads.
const maxRequestBytes = 10 << 20

// Server is an in-memory fake of HiBob's public API, served over HTTP on a
// loopback address. It is safe for concurrent use, so a test or a demo may
// change its data while a client reads it.
type Server struct {
	httpServer *httptest.Server
	creds      hibob.Credentials
	companyID  int64
	now        func() time.Time

	mu              sync.RWMutex
	order           []string
	position        map[string]int
	records         map[string]map[string]any
	fields          []*hibob.FieldMetadata
	fieldsByID      map[string]*hibob.FieldMetadata
	lists           map[string]*hibob.NamedList
	labels          map[string]map[string]string
	hidden          map[string]bool
	inactiveVisible bool

	limitMu   sync.Mutex
	perMinute int
	windows   map[string]*rateWindow

	faultMu sync.Mutex
	faults  []*Fault

	logMu    sync.Mutex
	requests []Request
}

// Request is a request that the fake received, for assertions.
type Request struct {
	Method string
	// Path is the URL path, including the /v1 prefix.
	Path  string
	Query url.Values
	// Body is the JSON body decoded with numbers as json.Number, or nil
	// when the body is empty or not JSON.
	Body    any
	RawBody []byte
	// Status is the response status the fake sent.
	Status int
	Time   time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the service user that the fake accepts. By default
// it accepts the ID "SERVICE-FAKE" with a random token, which
// Server.Credentials returns.
func WithCredentials(creds hibob.Credentials) Option {
	return func(s *Server) { s.creds = creds }
}

// WithCompany seeds the fake with the employees, named lists, fields
// metadata and company id of c.
func WithCompany(c *Company) Option {
	return func(s *Server) { s.loadCompany(c) }
}

// WithEmployees seeds the fake with employee records. It panics on a
// record without an id, because a seed is fixed test data.
func WithEmployees(records ...map[string]any) Option {
	return func(s *Server) {
		for _, record := range records {
			if err := s.addLocked(record, false); err != nil {
				panic("hibobtest: WithEmployees: " + err.Error())
			}
		}
	}
}

// WithFields replaces the fields metadata. The metadata decides which
// field ids a search returns and where their values sit in a record.
func WithFields(fields []*hibob.FieldMetadata) Option {
	return func(s *Server) { s.setFieldsLocked(fields) }
}

// WithNamedLists replaces the named lists.
func WithNamedLists(lists map[string]*hibob.NamedList) Option {
	return func(s *Server) { s.setListsLocked(lists) }
}

// WithHiddenFields makes the fake leave these field ids out of every
// response, as HiBob does for fields the service user may not see.
func WithHiddenFields(fieldIDs ...string) Option {
	return func(s *Server) {
		for _, id := range fieldIDs {
			s.hidden[id] = true
		}
	}
}

// WithInactiveHidden makes inactive employees invisible even to searches
// with showInactive, as for a service user whose audience excludes former
// employees.
func WithInactiveHidden() Option {
	return func(s *Server) { s.inactiveVisible = false }
}

// WithRateLimit makes the fake respond with 429 once an endpoint has received
// perMinute requests in the current one-minute window. Zero, the default,
// means no limit.
func WithRateLimit(perMinute int) Option {
	return func(s *Server) { s.perMinute = perMinute }
}

// WithCompanyID sets the companyId in records and webhook events.
func WithCompanyID(id int64) Option {
	return func(s *Server) { s.companyID = id }
}

// WithClock sets the clock for the rate-limit windows, the request log and
// webhook timestamps.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// NewServer starts a fake HiBob on a loopback port. Call Close when done.
// Without options it has no employees, the fields metadata of
// DefaultFields and no named lists.
func NewServer(opts ...Option) *Server {
	s := &Server{
		creds:           hibob.Credentials{ServiceUserID: "SERVICE-FAKE", Token: rand.Text()},
		companyID:       DefaultCompanyID,
		now:             time.Now,
		records:         map[string]map[string]any{},
		position:        map[string]int{},
		hidden:          map[string]bool{},
		inactiveVisible: true,
		windows:         map[string]*rateWindow{},
	}
	s.setFieldsLocked(DefaultFields())
	s.setListsLocked(nil)
	for _, opt := range opts {
		opt(s)
	}
	s.httpServer = httptest.NewServer(s.handler())
	return s
}

// Start starts a fake HiBob and closes it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// URL returns the API base URL, ending in /v1.
func (s *Server) URL() string { return s.httpServer.URL + "/v1" }

// Credentials returns the service user that the fake accepts.
func (s *Server) Credentials() hibob.Credentials { return s.creds }

// CompanyID returns the company id of the fake.
func (s *Server) CompanyID() int64 { return s.companyID }

// HTTPClient returns an *http.Client that reaches the fake.
func (s *Server) HTTPClient() *http.Client { return s.httpServer.Client() }

// Close stops the server and waits for open requests to finish.
func (s *Server) Close() { s.httpServer.Close() }

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.requests = nil
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/people/search", s.handleSearch)
	mux.HandleFunc("POST /v1/people/{identifier}", s.handleRead)
	mux.HandleFunc("GET /v1/company/people/fields", s.handleFields)
	mux.HandleFunc("GET /v1/company/named-lists", s.handleNamedLists)
	mux.HandleFunc("GET /v1/company/named-lists/{name}", s.handleNamedList)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes))
		r.Body = io.NopCloser(bytes.NewReader(body))
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer s.logRequest(r, body, recorder)

		if s.applyFault(recorder, r) {
			return
		}
		if !s.allowRate(recorder, r) {
			return
		}
		if !s.authorized(r) {
			// HiBob responds to bad credentials with 401 and an empty body.
			recorder.WriteHeader(http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(recorder, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.creds.ServiceUserID)) == 1
	passwordOK := subtle.ConstantTimeCompare([]byte(password), []byte(s.creds.Token)) == 1
	return userOK && passwordOK
}

func (s *Server) logRequest(r *http.Request, body []byte, recorder *statusRecorder) {
	entry := Request{
		Method:  r.Method,
		Path:    r.URL.Path,
		Query:   r.URL.Query(),
		RawBody: body,
		Status:  recorder.status,
		Time:    s.now(),
	}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var decoded any
		if dec.Decode(&decoded) == nil {
			entry.Body = decoded
		}
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.requests = append(s.requests, entry)
}

// statusRecorder remembers the status that a handler sent.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Flush() {
	if flusher, ok := r.ResponseWriter.(http.Flusher); ok {
		flusher.Flush()
	}
}

// rateWindow counts the requests to one endpoint in a one-minute window.
type rateWindow struct {
	start time.Time
	count int
}

// allowRate counts the request against its endpoint's window, sets the
// X-RateLimit headers and responds with 429 when the budget is spent.
func (s *Server) allowRate(w http.ResponseWriter, r *http.Request) bool {
	s.limitMu.Lock()
	defer s.limitMu.Unlock()
	if s.perMinute <= 0 {
		return true
	}
	now := s.now()
	key := r.Method + " " + endpointOf(r.URL.Path)
	window := s.windows[key]
	if window == nil || now.Sub(window.start) >= time.Minute {
		window = &rateWindow{start: now}
		s.windows[key] = window
	}
	window.count++
	remaining := max(s.perMinute-window.count, 0)
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.perMinute))
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(window.start.Add(time.Minute).Unix(), 10))
	if window.count > s.perMinute {
		writeError(w, http.StatusTooManyRequests, "rate.limit.exceeded", "Too many requests, retry after the rate limit resets")
		return false
	}
	return true
}

// ResetRateLimit starts a new window for every endpoint.
func (s *Server) ResetRateLimit() {
	s.limitMu.Lock()
	defer s.limitMu.Unlock()
	clear(s.windows)
}

// SetRateLimit changes the per-minute budget of each endpoint. Zero means
// no limit.
func (s *Server) SetRateLimit(perMinute int) {
	s.limitMu.Lock()
	defer s.limitMu.Unlock()
	s.perMinute = perMinute
}

// endpointOf groups paths by endpoint, so that reads of different
// employees share one budget.
func endpointOf(path string) string {
	switch {
	case path == "/v1/people/search":
		return path
	case strings.HasPrefix(path, "/v1/people/"):
		return "/v1/people/{identifier}"
	case strings.HasPrefix(path, "/v1/company/named-lists/"):
		return "/v1/company/named-lists/{name}"
	default:
		return path
	}
}

// writeError sends HiBob's usual error body, {"key": ..., "error": ...}.
func writeError(w http.ResponseWriter, status int, key, message string) {
	writeJSON(w, status, map[string]string{"key": key, "error": message})
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	// A failed write means the client went away, which the fake ignores.
	_ = enc.Encode(value)
}
