package qooper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/internal/logctx"
	"github.com/qooper/hrsync/internal/rest"
)

// Documented rate limit of the API: 10 requests per second per token, with
// bursts of 20.
const (
	DefaultRateLimit rate.Limit = 10
	DefaultBurst                = 20
)

// DefaultUserAgent is the User-Agent header sent unless WithUserAgent sets
// another.
const DefaultUserAgent = "hrsync-qooper"

const defaultTimeout = 30 * time.Second

// retryStatuses are the response statuses that are retried.
var retryStatuses = []int{
	http.StatusTooManyRequests,
	http.StatusInternalServerError,
	http.StatusBadGateway,
	http.StatusServiceUnavailable,
	http.StatusGatewayTimeout,
}

// RetryPolicy sets how often a Client sends a request again, and how long
// it waits before each retry.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt. Zero
	// disables retries.
	MaxRetries int
	// MinWait and MaxWait bound the jittered exponential backoff.
	MinWait, MaxWait time.Duration
	// MaxRetryAfter caps the wait that the server requests in Retry-After.
	// Zero means no cap.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the policy of a Client made without
// WithRetryPolicy: 4 retries, backoff from 500ms up to 15s, and a
// Retry-After of at most one minute.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 4, MinWait: 500 * time.Millisecond, MaxWait: 15 * time.Second, MaxRetryAfter: time.Minute}
}

// Client calls the Qooper Users API. It is safe for concurrent use; create
// one per organization, because rate limits apply per token.
type Client struct {
	rest   *rest.Client
	retry  RetryPolicy
	logger *slog.Logger
}

// Option configures a Client. An option that gets an invalid value makes
// NewClient fail. When an option is given twice, the last one wins.
type Option func(*settings) error

type settings struct {
	httpClient *http.Client
	limit      rate.Limit
	burst      int
	retry      RetryPolicy
	logger     *slog.Logger
	userAgent  string
}

// WithHTTPClient sets the HTTP client. The Client uses a copy, so later
// changes to hc have no effect. The default is a client with a 30s timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("WithHTTPClient: the HTTP client is nil")
		}
		copied := *hc
		s.httpClient = &copied
		return nil
	}
}

// WithRateLimit sets the client-side rate limit in requests per second and
// the burst size. rate.Inf disables the limit. The default is 10 per second
// with bursts of 20.
func WithRateLimit(limit rate.Limit, burst int) Option {
	return func(s *settings) error {
		if limit <= 0 {
			return fmt.Errorf("WithRateLimit: limit %v must be positive", limit)
		}
		if burst < 1 {
			return fmt.Errorf("WithRateLimit: burst %d must be at least 1", burst)
		}
		s.limit, s.burst = limit, burst
		return nil
	}
}

// WithRetryPolicy sets when and how long the client waits before it sends
// a request again.
func WithRetryPolicy(policy RetryPolicy) Option {
	return func(s *settings) error {
		switch {
		case policy.MaxRetries < 0:
			return fmt.Errorf("WithRetryPolicy: MaxRetries %d must not be negative", policy.MaxRetries)
		case policy.MinWait < 0 || policy.MaxWait < policy.MinWait:
			return fmt.Errorf("WithRetryPolicy: need 0 <= MinWait (%v) <= MaxWait (%v)", policy.MinWait, policy.MaxWait)
		case policy.MaxRetryAfter < 0:
			return fmt.Errorf("WithRetryPolicy: MaxRetryAfter %v must not be negative", policy.MaxRetryAfter)
		}
		s.retry = policy
		return nil
	}
}

// WithLogger sets the logger for retries and failed responses. Log records
// carry the method, the route (such as /users/{id}), the status and the
// request id, never a token, a query string, an id or a body. The default
// discards everything.
func WithLogger(logger *slog.Logger) Option {
	return func(s *settings) error {
		if logger == nil {
			return errors.New("WithLogger: the logger is nil")
		}
		s.logger = logger
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(userAgent string) Option {
	return func(s *settings) error {
		if userAgent == "" || !isPrintableASCII(userAgent) {
			return errors.New("WithUserAgent: the user agent must be non-empty printable ASCII")
		}
		s.userAgent = userAgent
		return nil
	}
}

// NewClient returns a Client for the API at baseURL, such as
// "https://api.example-qooper.test/v1", that authenticates with token as a
// bearer token. The base URL must use https unless its host is a loopback
// address. NewClient does not call the network.
func NewClient(baseURL, token string, opts ...Option) (*Client, error) {
	base, err := rest.ParseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("qooper: %w", err)
	}
	if token == "" || !isPrintableASCII(token) || containsSpace(token) {
		// The message must not echo the token.
		return nil, errors.New("qooper: invalid API token: it must be non-empty printable ASCII without spaces")
	}
	bearer := secret("Bearer " + token)

	s := settings{
		httpClient: &http.Client{Timeout: defaultTimeout},
		limit:      DefaultRateLimit,
		burst:      DefaultBurst,
		retry:      DefaultRetryPolicy(),
		logger:     slog.New(slog.DiscardHandler),
		userAgent:  DefaultUserAgent,
	}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return nil, fmt.Errorf("qooper: %w", err)
		}
	}

	core := rest.New(rest.Config{
		Service:    "qooper",
		BaseURL:    base,
		HTTPClient: s.httpClient,
		Limiter:    rate.NewLimiter(s.limit, s.burst),
		Logger:     s.logger,
		UserAgent:  s.userAgent,
		Retry: rest.RetryPolicy{
			MaxRetries:    s.retry.MaxRetries,
			MinWait:       s.retry.MinWait,
			MaxWait:       s.retry.MaxWait,
			MaxRetryAfter: s.retry.MaxRetryAfter,
			Statuses:      retryStatuses,
		},
		Authorize: func(h http.Header) { h.Set("Authorization", string(bearer)) },
	})
	return &Client{rest: core, retry: s.retry, logger: s.logger}, nil
}

// secret is a credential that formats as a placeholder.
type secret string

func (secret) String() string   { return "[REDACTED]" }
func (secret) GoString() string { return "[REDACTED]" }

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func containsSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return true
		}
	}
	return false
}

// request is one API call.
type request struct {
	method string
	// path is relative to the base URL and route is path with identifiers
	// replaced by placeholders.
	path, route string
	query       url.Values
	header      http.Header
	body        []byte
	// idempotent allows a retry after a network error or a 5xx.
	idempotent bool
}

// do sends r and decodes a successful JSON response into out, unless out is
// nil. A 429 is retried for every request, because the server did not act
// on it. The HTTP core retries idempotent requests itself, so do retries
// only non-idempotent ones after a 429.
func (c *Client) do(ctx context.Context, r *request, out any) error {
	restRequest := &rest.Request{
		Method:     r.method,
		Path:       r.path,
		Route:      r.route,
		Query:      r.query,
		Header:     r.header,
		Idempotent: r.idempotent,
	}
	if r.body != nil {
		restRequest.Body = json.RawMessage(r.body)
	}

	var resp *http.Response
	var err error
	for attempt := 0; ; attempt++ {
		resp, err = c.rest.Do(ctx, restRequest)
		wait, retry := c.rateLimitWait(r, err, attempt)
		if !retry {
			break
		}
		attrs := append(logctx.Attrs(ctx),
			slog.String("service", "qooper"),
			slog.String("method", r.method),
			slog.String("path", r.route),
			slog.Int("attempt", attempt+2))
		c.logger.LogAttrs(ctx, slog.LevelWarn, "retrying request", attrs...)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
	if err != nil {
		return convertError(r.method, r.route, err)
	}

	if out == nil {
		resp.Body.Close()
		return nil
	}
	if err := rest.DecodeJSON(resp, out); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("qooper: %s %s: %w", r.method, r.route, err)
	}
	return nil
}

// rateLimitWait returns how long to wait before a non-idempotent request is
// sent again after a 429, and whether it should be.
func (c *Client) rateLimitWait(r *request, err error, attempt int) (time.Duration, bool) {
	var statusErr *rest.StatusError
	if r.idempotent || attempt >= c.retry.MaxRetries || !errors.As(err, &statusErr) ||
		statusErr.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	wait, ok := rest.ServerWait(statusErr.Header, time.Now())
	if !ok {
		return rest.ExponentialBackoff(c.retry.MinWait, c.retry.MaxWait, attempt), true
	}
	if c.retry.MaxRetryAfter > 0 {
		wait = min(wait, c.retry.MaxRetryAfter)
	}
	return rest.AddJitter(wait), true
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
