package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/internal/logctx"
)

// MaxErrorBodyBytes is the most of an error response body that is read and
// kept.
const MaxErrorBodyBytes = 1 << 20

// Config configures a Client. BaseURL, HTTPClient and Limiter are required.
type Config struct {
	// Service names the remote API in logs, for example "hibob".
	Service    string
	BaseURL    *url.URL
	HTTPClient *http.Client
	Limiter    *rate.Limiter
	Logger     *slog.Logger
	UserAgent  string
	Retry      RetryPolicy
	// Authorize sets the authentication header on each outgoing request.
	Authorize func(http.Header)
	// MaxBodyBytes caps a successful response body. Reading past it fails
	// with ErrBodyTooLarge.
	MaxBodyBytes int64
}

// RetryPolicy sets when and how long a Client waits before it sends an
// idempotent request again.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt.
	MaxRetries int
	// MinWait and MaxWait bound the exponential backoff.
	MinWait, MaxWait time.Duration
	// MaxRetryAfter caps a wait that the server requests through
	// Retry-After or X-RateLimit-Reset. A longer wait is cut to the cap, so
	// the retry may come early and meet another 429, which counts as one
	// more retry.
	MaxRetryAfter time.Duration
	// Statuses lists the response statuses that are retried.
	Statuses []int
}

// Client sends JSON requests with rate limiting and retries. It is safe for
// concurrent use.
type Client struct {
	cfg   Config
	retry *retryablehttp.Client
}

// Request describes one API call.
type Request struct {
	Method string
	// Path is appended to the base URL path, for example "/people/search".
	Path string
	// Route is Path with identifiers replaced by placeholders. It is what
	// logs show, so that no e-mail address or id reaches a log line.
	Route  string
	Query  url.Values
	Header http.Header
	// Body is encoded as JSON when it is not nil.
	Body any
	// Idempotent marks a request that may be sent again after a network
	// error or a retryable status.
	Idempotent bool
}

// requestInfoKey is the context key of the requestInfo that the retry
// policy and the log hooks read.
type requestInfoKey struct{}

type requestInfo struct {
	idempotent bool
	route      string
}

// New returns a Client for cfg.
func New(cfg Config) *Client {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	httpClient := *cfg.HTTPClient
	base := httpClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	httpClient.Transport = &limitedTransport{base: base, limiter: cfg.Limiter}
	// A redirect is never followed: it could lead from https to plain http
	// with the credentials, and it would turn a POST into a GET. The 3xx
	// response comes back as a *StatusError.
	httpClient.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	c := &Client{cfg: cfg}
	c.retry = &retryablehttp.Client{
		HTTPClient:      &httpClient,
		Logger:          nil,
		RetryWaitMin:    cfg.Retry.MinWait,
		RetryWaitMax:    cfg.Retry.MaxWait,
		RetryMax:        cfg.Retry.MaxRetries,
		CheckRetry:      c.checkRetry,
		Backoff:         c.backoff,
		ErrorHandler:    retryablehttp.PassthroughErrorHandler,
		RequestLogHook:  c.logAttempt,
		ResponseLogHook: c.logResponse,
	}
	return c
}

// Do sends r and returns the response of the last attempt. A response with
// a status of 300 or more is closed and returned as a *StatusError. When ctx
// ends, Do returns ctx.Err(). Other transport failures are returned as a
// *TransportError. The caller closes the body of a successful response.
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return nil, err
	}

	resp, err := c.retry.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, &TransportError{Method: r.Method, Path: r.Path, Err: err}
	}

	if resp.StatusCode >= 300 {
		defer resp.Body.Close()
		body, readErr := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBodyBytes))
		if readErr != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &StatusError{
			StatusCode: resp.StatusCode,
			Method:     r.Method,
			Path:       r.Path,
			Header:     resp.Header,
			Body:       body,
		}
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, remaining: c.maxBody()}
	return resp, nil
}

func (c *Client) maxBody() int64 {
	if c.cfg.MaxBodyBytes > 0 {
		return c.cfg.MaxBodyBytes
	}
	return 64 << 20
}

func (c *Client) newRequest(ctx context.Context, r *Request) (*retryablehttp.Request, error) {
	u := *c.cfg.BaseURL
	u.Path = c.cfg.BaseURL.Path + r.Path
	u.RawPath = ""
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}

	var body any
	if r.Body != nil {
		encoded, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s request body: %w", r.Method, r.route(), err)
		}
		body = encoded
	}

	ctx = context.WithValue(ctx, requestInfoKey{}, requestInfo{idempotent: r.Idempotent, route: r.route()})
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s request: %w", r.Method, r.route(), err)
	}
	for key, values := range r.Header {
		req.Header[key] = append([]string(nil), values...)
	}
	req.Header.Set("Accept", "application/json")
	if r.Body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	if c.cfg.Authorize != nil {
		c.cfg.Authorize(req.Header)
	}
	return req, nil
}

func (r *Request) route() string {
	if r.Route != "" {
		return r.Route
	}
	return r.Path
}

// checkRetry decides whether retryablehttp sends the request again.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if info, _ := ctx.Value(requestInfoKey{}).(requestInfo); !info.idempotent {
		return false, err
	}
	if err != nil {
		return isRetryableTransportError(err), err
	}
	for _, status := range c.cfg.Retry.Statuses {
		if resp.StatusCode == status {
			return true, nil
		}
	}
	return false, nil
}

func isRetryableTransportError(err error) bool {
	var limitErr *limiterError
	if errors.As(err, &limitErr) {
		// The limiter rejects a wait that would pass the deadline, and
		// the next attempt would meet the same deadline.
		return false
	}
	var urlErr *url.Error
	if !errors.As(err, &urlErr) {
		return true
	}
	message := urlErr.Error()
	for _, permanent := range []string{
		"stopped after", "unsupported protocol scheme", "invalid header",
		"certificate", "x509:",
	} {
		if strings.Contains(message, permanent) {
			return false
		}
	}
	return true
}

// backoff returns the wait before retry number attempt+1. A wait the
// server requests wins over the exponential schedule.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := ServerWait(resp.Header, time.Now()); ok {
			if limit := c.cfg.Retry.MaxRetryAfter; limit > 0 && wait > limit {
				wait = limit
			}
			return AddJitter(wait)
		}
	}
	return ExponentialBackoff(minWait, maxWait, attempt)
}

func (c *Client) logAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	if attempt == 0 {
		return
	}
	attrs := append(logctx.Attrs(req.Context()),
		slog.String("service", c.cfg.Service),
		slog.String("method", req.Method),
		slog.String("path", routeFromContext(req)),
		slog.Int("attempt", attempt+1))
	c.cfg.Logger.LogAttrs(req.Context(), slog.LevelWarn, "retrying request", attrs...)
}

func (c *Client) logResponse(_ retryablehttp.Logger, resp *http.Response) {
	if resp.Request == nil {
		// Custom transports, such as test doubles, may leave Request unset.
		return
	}
	level := slog.LevelDebug
	if resp.StatusCode >= 400 {
		level = slog.LevelWarn
	}
	attrs := append(logctx.Attrs(resp.Request.Context()),
		slog.String("service", c.cfg.Service),
		slog.String("method", resp.Request.Method),
		slog.String("path", routeFromContext(resp.Request)),
		slog.Int("status", resp.StatusCode),
		slog.String("request_id", RequestID(resp.Header)))
	c.cfg.Logger.LogAttrs(resp.Request.Context(), level, "response", attrs...)
}

// routeFromContext returns the request's Route, which names no id or
// e-mail address.
func routeFromContext(req *http.Request) string {
	info, _ := req.Context().Value(requestInfoKey{}).(requestInfo)
	return info.route
}

// RequestID returns the request id a server sent in X-Request-Id.
func RequestID(h http.Header) string {
	return h.Get("X-Request-Id")
}

// DecodeJSON decodes a successful response body into v as a stream and
// closes the body. The body must have a JSON content type. An empty,
// truncated or non-JSON body yields a *DecodeError naming the status.
func DecodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	if !IsJSONContentType(resp.Header.Get("Content-Type")) {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		return &DecodeError{
			StatusCode:  resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"),
			Err:         fmt.Errorf("unexpected content type, body starts %q", firstLine(snippet)),
		}
	}
	dec := json.NewDecoder(resp.Body)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty body")
		}
		return &DecodeError{StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Err: err}
	}
	return nil
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// IsJSONContentType reports whether a Content-Type header value names JSON,
// including types such as application/problem+json.
func IsJSONContentType(value string) bool {
	mediaType := strings.ToLower(strings.TrimSpace(strings.SplitN(value, ";", 2)[0]))
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// limitedTransport waits on the limiter before every attempt.
type limitedTransport struct {
	base    http.RoundTripper
	limiter *rate.Limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.limiter != nil {
		if err := t.limiter.Wait(req.Context()); err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			if ctxErr := req.Context().Err(); ctxErr != nil {
				return nil, ctxErr
			}
			return nil, &limiterError{err: err}
		}
	}
	return t.base.RoundTrip(req)
}

// limiterError is a request the client's own rate limiter rejected, because
// its wait would pass the context's deadline.
type limiterError struct{ err error }

func (e *limiterError) Error() string { return "rate limiter: " + e.err.Error() }

func (e *limiterError) Unwrap() error { return e.err }

// ErrBodyTooLarge is returned when a response body is longer than the
// client's cap.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

type cappedBody struct {
	io.ReadCloser
	remaining int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.remaining <= 0 {
		// Probe for one more byte so that a body of exactly the cap passes.
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.remaining {
		p = p[:b.remaining]
	}
	n, err := b.ReadCloser.Read(p)
	b.remaining -= int64(n)
	return n, err
}

// ReadBody reads a successful response body whole and closes it.
func ReadBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err := buf.ReadFrom(resp.Body)
	return buf.Bytes(), err
}
