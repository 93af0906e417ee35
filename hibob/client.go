package hibob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/internal/rest"
)

// Environment is a HiBob environment with its own base URL and its own
// service users.
type Environment string

// HiBob environments.
const (
	Production Environment = "production"
	Sandbox    Environment = "sandbox"
)

// Base URLs of the HiBob environments.
const (
	ProductionBaseURL = "https://api.hibob.com/v1"
	SandboxBaseURL    = "https://api.sandbox.hibob.com/v1"
)

// ParseEnvironment parses "production" or "sandbox", ignoring case and
// surrounding spaces.
func ParseEnvironment(s string) (Environment, error) {
	switch env := Environment(strings.ToLower(strings.TrimSpace(s))); env {
	case Production, Sandbox:
		return env, nil
	default:
		return "", fmt.Errorf("hibob: invalid environment %q, use %q or %q", s, Production, Sandbox)
	}
}

// BaseURL returns the API base URL of the environment.
func (e Environment) BaseURL() (string, error) {
	switch e {
	case Production:
		return ProductionBaseURL, nil
	case Sandbox:
		return SandboxBaseURL, nil
	default:
		return "", fmt.Errorf("hibob: invalid environment %q, use %q or %q", string(e), Production, Sandbox)
	}
}

// Default settings of a Client.
const (
	// DefaultRateLimit is HiBob's published limit for people search, 50
	// requests per minute. HiBob counts each endpoint separately, so one
	// limiter for all endpoints is conservative.
	DefaultRateLimit = rate.Limit(50.0 / 60.0)
	// DefaultBurst lets a few calls, such as a fields metadata probe and a
	// search, start without waiting.
	DefaultBurst = 3
	// DefaultTimeout bounds one attempt when no *http.Client is given. A
	// search over a large tenant can take tens of seconds.
	DefaultTimeout = 2 * time.Minute
	// DefaultUserAgent is sent unless WithUserAgent sets another value.
	DefaultUserAgent = "hrsync-hibob"
	// maxResponseBytes caps a successful response body. People search has no
	// pagination and named lists can be tens of MB, so the cap is generous.
	maxResponseBytes = 512 << 20
)

// RetryPolicy sets how a Client retries requests. Every request of this
// package only reads, so every one is retried after a network error or a
// 429, 502, 503 or 504 response. A 401 or 403 is never retried, because
// HiBob's firewall blocks clients that repeat them.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt. Zero
	// disables retries.
	MaxRetries int
	// MinWait and MaxWait bound the jittered exponential backoff.
	MinWait, MaxWait time.Duration
	// MaxServerWait caps a wait that HiBob requests through Retry-After or
	// X-RateLimit-Reset.
	MaxServerWait time.Duration
}

// DefaultRetryPolicy returns the policy of a Client built without
// WithRetryPolicy: 4 retries, backoff from 1 s to 30 s, and server waits
// of up to 90 s, which covers one rate-limit window of a minute.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxRetries:    4,
		MinWait:       time.Second,
		MaxWait:       30 * time.Second,
		MaxServerWait: 90 * time.Second,
	}
}

// retryStatuses are the statuses that a Client retries.
var retryStatuses = []int{
	http.StatusTooManyRequests,
	http.StatusBadGateway,
	http.StatusServiceUnavailable,
	http.StatusGatewayTimeout,
}

// Client is a client of HiBob's public REST API. A Client is safe for
// concurrent use. Create one per customer, because its rate limiter
// tracks that customer's budget.
type Client struct {
	core    *rest.Client
	baseURL string
	logger  *slog.Logger
}

// config collects the options before NewClient builds the Client.
type config struct {
	baseURL            string
	httpClient         *http.Client
	limit              rate.Limit
	burst              int
	retry              RetryPolicy
	logger             *slog.Logger
	userAgent          string
	partnerTokenHeader string
}

// Option configures a Client. An option returns an error for an invalid
// value, and NewClient returns that error. When options set the same
// setting, the last one wins.
type Option func(*config) error

// WithHTTPClient sets the *http.Client that sends requests. The Client
// keeps a copy, so later changes to hc have no effect. Its Timeout bounds
// each attempt.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("hibob: WithHTTPClient: the *http.Client is nil")
		}
		copied := *hc
		c.httpClient = &copied
		return nil
	}
}

// WithBaseURL sets the API base URL, for example "https://api.hibob.com/v1".
// It must use https, except on loopback hosts.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := rest.ParseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("hibob: WithBaseURL: %w", err)
		}
		c.baseURL = u.String()
		return nil
	}
}

// WithEnvironment selects the base URL of a HiBob environment. Production
// is the default.
func WithEnvironment(env Environment) Option {
	return func(c *config) error {
		baseURL, err := env.BaseURL()
		if err != nil {
			return err
		}
		c.baseURL = baseURL
		return nil
	}
}

// WithRateLimit sets the client-side rate limit in requests per second and
// the burst size. Use rate.Every(time.Minute/n) for n requests per minute,
// and rate.Inf to disable the limit.
func WithRateLimit(limit rate.Limit, burst int) Option {
	return func(c *config) error {
		if limit <= 0 {
			return fmt.Errorf("hibob: WithRateLimit: limit %v must be positive", limit)
		}
		if burst < 1 {
			return fmt.Errorf("hibob: WithRateLimit: burst %d must be at least 1", burst)
		}
		c.limit = limit
		c.burst = burst
		return nil
	}
}

// WithRetryPolicy sets how requests are retried.
func WithRetryPolicy(policy RetryPolicy) Option {
	return func(c *config) error {
		switch {
		case policy.MaxRetries < 0:
			return fmt.Errorf("hibob: WithRetryPolicy: MaxRetries %d is negative", policy.MaxRetries)
		case policy.MinWait < 0 || policy.MaxWait < 0 || policy.MaxServerWait < 0:
			return errors.New("hibob: WithRetryPolicy: waits must not be negative")
		case policy.MinWait > policy.MaxWait:
			return fmt.Errorf("hibob: WithRetryPolicy: MinWait %v exceeds MaxWait %v", policy.MinWait, policy.MaxWait)
		}
		c.retry = policy
		return nil
	}
}

// WithLogger sets the logger for retries and failed responses. Log records
// carry the method, the route with identifiers replaced, the status and
// HiBob's request id, never a header value or a body. The default logger
// discards everything.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return errors.New("hibob: WithLogger: the logger is nil")
		}
		c.logger = logger
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(userAgent string) Option {
	return func(c *config) error {
		if strings.TrimSpace(userAgent) == "" || strings.ContainsAny(userAgent, "\r\n") {
			return fmt.Errorf("hibob: WithUserAgent: invalid user agent %q", userAgent)
		}
		c.userAgent = userAgent
		return nil
	}
}

// WithPartnerTokenHeader sends Credentials.PartnerToken in the named
// request header. HiBob's published API reference documents no header for
// a partner token, so the client sends none unless this option names one.
func WithPartnerTokenHeader(name string) Option {
	return func(c *config) error {
		if !isHeaderName(name) {
			return fmt.Errorf("hibob: WithPartnerTokenHeader: invalid header name %q", name)
		}
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Content-Type", "Content-Length", "Accept", "User-Agent", "Host", "Cookie":
			return fmt.Errorf("hibob: WithPartnerTokenHeader: header %q is reserved", name)
		}
		c.partnerTokenHeader = http.CanonicalHeaderKey(name)
		return nil
	}
}

// isHeaderName reports whether name is a valid HTTP header field name, an
// RFC 9110 token.
func isHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return true
}

// NewClient returns a Client that authenticates with the service user in
// creds. Without options it talks to production, waits on a limiter of 50
// requests per minute and retries with DefaultRetryPolicy. NewClient never
// calls the network, so wrong credentials show up as ErrUnauthorized on
// the first call.
func NewClient(creds Credentials, opts ...Option) (*Client, error) {
	if err := creds.validate(); err != nil {
		return nil, err
	}
	cfg := config{
		baseURL:    ProductionBaseURL,
		httpClient: &http.Client{Timeout: DefaultTimeout},
		limit:      DefaultRateLimit,
		burst:      DefaultBurst,
		retry:      DefaultRetryPolicy(),
		logger:     slog.New(slog.DiscardHandler),
		userAgent:  DefaultUserAgent,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.partnerTokenHeader != "" && creds.PartnerToken == "" {
		return nil, fmt.Errorf("hibob: WithPartnerTokenHeader(%q) is set but Credentials.PartnerToken is empty", cfg.partnerTokenHeader)
	}

	baseURL, err := rest.ParseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, fmt.Errorf("hibob: %w", err)
	}
	core := rest.New(rest.Config{
		Service:    "hibob",
		BaseURL:    baseURL,
		HTTPClient: cfg.httpClient,
		Limiter:    rate.NewLimiter(cfg.limit, cfg.burst),
		Logger:     cfg.logger,
		UserAgent:  cfg.userAgent,
		Retry: rest.RetryPolicy{
			MaxRetries:    cfg.retry.MaxRetries,
			MinWait:       cfg.retry.MinWait,
			MaxWait:       cfg.retry.MaxWait,
			MaxRetryAfter: cfg.retry.MaxServerWait,
			Statuses:      retryStatuses,
		},
		Authorize:    creds.authorizer(cfg.partnerTokenHeader),
		MaxBodyBytes: maxResponseBytes,
	})
	return &Client{core: core, baseURL: baseURL.String(), logger: cfg.logger}, nil
}

// BaseURL returns the API base URL that the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL }

// String describes the client by its base URL. It never shows credentials.
func (c *Client) String() string { return "hibob.Client{BaseURL: " + c.baseURL + "}" }

// GoString is String, so that %#v shows no credentials either.
func (c *Client) GoString() string { return c.String() }

// do sends r and converts the errors of the HTTP core into this package's
// error types.
func (c *Client) do(ctx context.Context, r *rest.Request) (*http.Response, error) {
	resp, err := c.core.Do(ctx, r)
	if err != nil {
		return nil, convertError(ctx, r, err)
	}
	return resp, nil
}

// validatePathSegment rejects a value that cannot be one URL path segment.
// The HTTP core percent-encodes the other characters that a path requires.
// The error leaves the value out because it may be an e-mail address.
func validatePathSegment(name, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("%w: %s is empty", ErrInvalidRequest, name)
	case strings.Contains(s, "/"), s == ".", s == "..":
		return fmt.Errorf("%w: %s contains a slash or is a dot segment", ErrInvalidRequest, name)
	}
	return nil
}
