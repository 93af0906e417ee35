package rest

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/internal/logctx"
)

func newTestClient(t *testing.T, baseURL string, httpClient *http.Client) *Client {
	t.Helper()
	u, err := ParseBaseURL(baseURL)
	require.NoError(t, err)
	return New(Config{
		Service:    "test",
		BaseURL:    u,
		HTTPClient: httpClient,
		Limiter:    rate.NewLimiter(rate.Inf, 1),
		Logger:     slog.New(slog.DiscardHandler),
		Retry: RetryPolicy{
			MaxRetries: 3,
			MinWait:    time.Millisecond,
			MaxWait:    5 * time.Millisecond,
			Statuses:   []int{429, 503},
		},
		Authorize: func(h http.Header) { h.Set("Authorization", "Bearer secret-token") },
	})
}

func TestDoRetriesIdempotentRequest(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer server.Close()
	client := newTestClient(t, server.URL, server.Client())

	resp, err := client.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x", Body: map[string]int{"a": 1}, Idempotent: true})
	require.NoError(t, err)
	var got map[string]bool
	require.NoError(t, DecodeJSON(resp, &got))
	assert.Equal(t, int32(3), calls.Load())
	if diff := cmp.Diff(map[string]bool{"ok": true}, got); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
}

func TestDoNeverRetriesNonIdempotentRequest(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer server.Close()
	client := newTestClient(t, server.URL, server.Client())

	_, err := client.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/x"})
	var statusErr *StatusError
	require.ErrorAs(t, err, &statusErr)
	assert.Equal(t, http.StatusServiceUnavailable, statusErr.StatusCode)
	assert.Equal(t, int32(1), calls.Load())
}

func TestDoSendsHeadersWithHTTPMock(t *testing.T) {
	t.Parallel()
	transport := httpmock.NewMockTransport()
	transport.RegisterResponder(http.MethodGet, "https://api.example.test/v1/users",
		func(req *http.Request) (*http.Response, error) {
			if req.Header.Get("Authorization") != "Bearer secret-token" {
				return httpmock.NewStringResponse(http.StatusUnauthorized, ""), nil
			}
			return httpmock.NewJsonResponse(http.StatusOK, map[string]string{"q": req.URL.Query().Get("limit")})
		})
	client := newTestClient(t, "https://api.example.test/v1/", &http.Client{Transport: transport})

	resp, err := client.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/users", Query: map[string][]string{"limit": {"5"}}})
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, DecodeJSON(resp, &got))
	assert.Equal(t, "5", got["q"])
}

func TestDoReturnsContextError(t *testing.T) {
	t.Parallel()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer server.Close()
	client := newTestClient(t, server.URL, server.Client())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := client.Do(ctx, &Request{Method: http.MethodGet, Path: "/x", Idempotent: true})
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

func TestDoNeverFollowsRedirects(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		followed.Add(1)
	}))
	defer target.Close()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/stolen", http.StatusTemporaryRedirect)
	}))
	defer server.Close()
	client := newTestClient(t, server.URL, server.Client())

	_, err := client.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/users", Body: map[string]string{"a": "b"}})

	var statusErr *StatusError
	require.ErrorAs(t, err, &statusErr)
	assert.Equal(t, http.StatusTemporaryRedirect, statusErr.StatusCode)
	assert.Zero(t, followed.Load(), "the redirect target got a request")
}

func TestParseBaseURLNeverEchoesValue(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"qpr-live-7f3a9c2e", "://qpr-live-7f3a9c2e", "qpr live 7f3a9c2e", "https://host.example/v1?token=qpr-live-7f3a9c2e"} {
		_, err := ParseBaseURL(raw)
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), "qpr-live-7f3a9c2e", raw)
	}
	u, err := ParseBaseURL("http://127.0.0.1:8080/v1/")
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/v1", u.String())
	_, err = ParseBaseURL("http://api.example.test/v1")
	assert.ErrorContains(t, err, "use https")
}

func TestRetryLogCarriesRunID(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer server.Close()
	var logs strings.Builder
	client := newTestClient(t, server.URL, server.Client())
	client.cfg.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	resp, err := client.Do(logctx.WithRunID(t.Context(), "run42"), &Request{Method: http.MethodGet, Path: "/x", Route: "/x", Idempotent: true})
	require.NoError(t, err)
	resp.Body.Close()

	assert.Contains(t, logs.String(), `"msg":"retrying request","run_id":"run42"`)
	assert.NotContains(t, logs.String(), "secret-token")
}

func TestDoNeverRetriesLimiterRejection(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
	}))
	defer server.Close()
	client := newTestClient(t, server.URL, server.Client())
	client.cfg.Retry.MinWait = time.Hour
	limiter := rate.NewLimiter(rate.Every(time.Hour), 1)
	limiter.Allow()
	client.retry.HTTPClient.Transport.(*limitedTransport).limiter = limiter
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	_, err := client.Do(ctx, &Request{Method: http.MethodGet, Path: "/x", Idempotent: true})

	var transportErr *TransportError
	require.ErrorAs(t, err, &transportErr)
	assert.Contains(t, err.Error(), "rate limiter")
	assert.Zero(t, calls.Load())
}
