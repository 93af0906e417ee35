package qoopertest

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/qooper"
)

// DefaultToken is the API token a Server accepts unless WithToken sets
// another.
const DefaultToken = "qoopertest-token"

// maxBodyBytes caps a request body.
const maxBodyBytes = 1 << 20

// idempotencyTTL is how long a stored create response is replayed.
const idempotencyTTL = 24 * time.Hour

// Server is a fake Qooper Users API served over HTTP on a loopback address.
// It enforces the whole contract and keeps one organization in memory. It
// is safe for concurrent use; requests are handled one at a time.
type Server struct {
	httpServer *httptest.Server
	token      string
	forbidden  map[string]bool
	limit      rate.Limit
	burst      int
	maxPage    int
	now        func() time.Time
	logger     *slog.Logger

	requestSeq atomic.Uint64
	done       chan struct{}
	closeOnce  sync.Once

	mu          sync.Mutex
	latency     time.Duration
	users       map[string]*qooper.User
	ids         idGenerator
	idempotency map[string]*storedOutcome
	cursors     map[string]cursor
	buckets     map[string]*rate.Limiter
	faults      []*Fault
	drops       int
	requests    []RecordedRequest
	invitations []string
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the API token the server accepts. The default is
// DefaultToken.
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithForbiddenToken makes the server respond with 403 forbidden to every
// request that carries token, as for a token without the users scope.
func WithForbiddenToken(token string) Option {
	return func(s *Server) { s.forbidden[token] = true }
}

// WithRateLimit sets the token bucket of each API token: limit requests per
// second with bursts of burst. Requests without a valid token share one
// more bucket. rate.Inf disables the limit. The default is the documented
// 10 per second with bursts of 20.
func WithRateLimit(limit rate.Limit, burst int) Option {
	return func(s *Server) { s.limit, s.burst = limit, max(burst, 1) }
}

// WithLatency delays every response by d. SetLatency changes it later.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// WithMaxPageSize caps the users per list page below the requested limit,
// so that tests see short pages that are not the last one.
func WithMaxPageSize(n int) Option {
	return func(s *Server) { s.maxPage = max(n, 1) }
}

// WithClock sets the clock for timestamps, ids, idempotency expiry and rate
// limits. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithLogger logs each error response and each dropped connection at
// debug level, with the method, path, status and request id. The default
// discards everything.
func WithLogger(logger *slog.Logger) Option {
	return func(s *Server) { s.logger = logger }
}

// NewServer starts a fake server on a loopback address. Call Close when
// done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		token:       DefaultToken,
		forbidden:   map[string]bool{},
		limit:       qooper.DefaultRateLimit,
		burst:       qooper.DefaultBurst,
		maxPage:     qooper.MaxPageSize,
		now:         time.Now,
		logger:      slog.New(slog.DiscardHandler),
		done:        make(chan struct{}),
		users:       map[string]*qooper.User{},
		idempotency: map[string]*storedOutcome{},
		cursors:     map[string]cursor{},
		buckets:     map[string]*rate.Limiter{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.httpServer = httptest.NewServer(s)
	return s
}

// Start starts a fake server that tb closes when the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(s.Close)
	return s
}

// URL returns the base URL of the API, ending in /v1.
func (s *Server) URL() string { return s.httpServer.URL + "/v1" }

// Token returns the API token the server accepts.
func (s *Server) Token() string { return s.token }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.httpServer.Client() }

// Close stops the server, ending any injected latency first.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.httpServer.Close()
	})
}

// SetLatency delays every later response by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// response is the status, headers and body that a handler produces.
// ServeHTTP writes it, or closes the connection instead when drop is set.
type response struct {
	status int
	header http.Header
	body   []byte
	drop   bool
}

// exchange is one request being served.
type exchange struct {
	r         *http.Request
	requestID string
	body      []byte
	// readErr is the error of reading the body, if any. The body is
	// checked after authentication and rate limiting, so that a rejected
	// body still carries the rate-limit headers and counts as a request.
	readErr error
	token   string
}

// ServeHTTP serves the API under /v1.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := fmt.Sprintf("req_%06d", s.requestSeq.Add(1))
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	s.record(r, body)
	s.wait(r)

	ex := &exchange{r: r, requestID: requestID, body: body, readErr: readErr}
	resp := s.handle(ex)

	if resp.drop {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			s.logger.Debug("dropped connection after the create", "method", r.Method, "path", r.URL.Path,
				"request_id", requestID)
			conn.Close()
			return
		}
		s.logger.Debug("cannot drop the connection, sending the response", "request_id", requestID, "error", err)
	}
	if resp.status >= 400 {
		s.logger.Debug("error response", "method", r.Method, "path", r.URL.Path, "status", resp.status,
			"request_id", requestID)
	}
	for key, values := range resp.header {
		w.Header()[key] = values
	}
	w.Header().Set("X-Request-Id", requestID)
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// wait sleeps for the injected latency, unless the request or the server
// ends first.
func (s *Server) wait(r *http.Request) {
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency <= 0 {
		return
	}
	timer := time.NewTimer(latency)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
	case <-s.done:
	}
}

// handle authenticates, rate-limits and routes one request. Rate-limit
// headers go on every response, so they are added last.
func (s *Server) handle(ex *exchange) *response {
	s.mu.Lock()
	defer s.mu.Unlock()

	ex.token = bearerToken(ex.r.Header.Get("Authorization"))
	bucketKey := ex.token
	if ex.token != s.token && !s.forbidden[ex.token] {
		// Requests without a valid token share one bucket.
		bucketKey = ""
	}
	allowed, rateHeader := s.takeToken(bucketKey)

	var resp *response
	switch {
	case !allowed:
		resp = ex.problem(http.StatusTooManyRequests, qooper.CodeRateLimited, "Rate limit exceeded",
			"too many requests for this token, wait for Retry-After seconds", nil)
	case bucketKey == "":
		resp = ex.problem(http.StatusUnauthorized, qooper.CodeUnauthorized, "Unauthorized",
			"send a valid API token as Authorization: Bearer <token>", nil)
		resp.header.Set("WWW-Authenticate", `Bearer realm="qooper"`)
	case s.forbidden[ex.token]:
		resp = ex.problem(http.StatusForbidden, qooper.CodeForbidden, "Forbidden",
			"this token may not manage users", nil)
	case ex.readErr != nil:
		resp = ex.problem(http.StatusBadRequest, qooper.CodeInvalidRequest, "Invalid request", "the request body could not be read", nil)
	case len(ex.body) > maxBodyBytes:
		resp = ex.problem(http.StatusRequestEntityTooLarge, qooper.CodeInvalidRequest, "Request body too large",
			"the request body must be at most 1 MiB", nil)
	default:
		if fault := s.matchFault(ex.r); fault != nil {
			resp = fault.response(ex)
		} else {
			resp = s.route(ex)
		}
	}

	for key, values := range rateHeader {
		resp.header[key] = values
	}
	return resp
}

// bearerToken returns the token of an Authorization header value, or "".
func bearerToken(value string) string {
	scheme, token, found := strings.Cut(strings.TrimSpace(value), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// route dispatches a request to its endpoint.
func (s *Server) route(ex *exchange) *response {
	path, found := strings.CutPrefix(ex.r.URL.Path, "/v1/")
	if !found {
		return ex.notFound("no such endpoint, the API is served under /v1")
	}
	segments := strings.Split(path, "/")
	method := ex.r.Method

	switch {
	case len(segments) == 1 && segments[0] == "users":
		switch method {
		case http.MethodGet:
			return s.listUsers(ex)
		case http.MethodPost:
			return s.createUser(ex)
		}
		return ex.methodNotAllowed("GET, POST")
	case len(segments) == 2 && segments[0] == "users" && segments[1] == "bulk" && method == http.MethodPost:
		return s.bulk(ex)
	case len(segments) == 2 && segments[0] == "users" && segments[1] != "":
		switch method {
		case http.MethodGet:
			return s.getUser(ex, segments[1])
		case http.MethodPatch:
			return s.patchUser(ex, segments[1])
		}
		return ex.methodNotAllowed("GET, PATCH")
	case len(segments) == 3 && segments[0] == "users" && segments[1] != "" &&
		(segments[2] == "deactivate" || segments[2] == "reactivate"):
		if method != http.MethodPost {
			return ex.methodNotAllowed("POST")
		}
		if segments[2] == "deactivate" {
			return s.deactivateUser(ex, segments[1])
		}
		return s.reactivateUser(ex, segments[1])
	}
	return ex.notFound("no such endpoint")
}
