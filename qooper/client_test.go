package qooper_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

func TestNewClientRejectsBadBaseURL(t *testing.T) {
	t.Parallel()
	for _, baseURL := range []string{
		"", "api.example-qooper.test/v1", "http://api.example-qooper.test/v1", "ftp://api.example-qooper.test",
		"https://user:pass@api.example-qooper.test/v1", "https://api.example-qooper.test/v1?x=1",
	} {
		_, err := qooper.NewClient(baseURL, mockToken)
		assert.Error(t, err, "base URL %q", baseURL)
	}
}

func TestNewClientAcceptsHTTPSAndLoopback(t *testing.T) {
	t.Parallel()
	for _, baseURL := range []string{
		"https://api.example-qooper.test/v1", "https://api.example-qooper.test/v1/",
		"http://127.0.0.1:8080/v1", "http://localhost:8080/v1", "http://[::1]:8080/v1",
	} {
		_, err := qooper.NewClient(baseURL, mockToken)
		assert.NoError(t, err, "base URL %q", baseURL)
	}
}

func TestNewClientRejectsBadTokenWithoutEchoingIt(t *testing.T) {
	t.Parallel()
	for _, token := range []string{"", "has space", "line\nbreak", "tab\tsecret", "nön-ascii"} {
		_, err := qooper.NewClient(mockBaseURL, token)
		require.Error(t, err, "token %q", token)
		if token != "" {
			assert.NotContains(t, err.Error(), token)
		}
	}
}

func TestNewClientRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := map[string]qooper.Option{
		"nil HTTP client":        qooper.WithHTTPClient(nil),
		"zero rate":              qooper.WithRateLimit(0, 1),
		"zero burst":             qooper.WithRateLimit(1, 0),
		"negative retries":       qooper.WithRetryPolicy(qooper.RetryPolicy{MaxRetries: -1}),
		"min wait over max wait": qooper.WithRetryPolicy(qooper.RetryPolicy{MinWait: time.Second, MaxWait: time.Millisecond}),
		"negative retry after":   qooper.WithRetryPolicy(qooper.RetryPolicy{MaxRetryAfter: -time.Second}),
		"nil logger":             qooper.WithLogger(nil),
		"empty user agent":       qooper.WithUserAgent(""),
		"user agent with break":  qooper.WithUserAgent("a\r\nb"),
	}
	for name, opt := range tests {
		_, err := qooper.NewClient(mockBaseURL, mockToken, opt)
		assert.Error(t, err, name)
	}
}

func TestNewClientMakesNoRequest(t *testing.T) {
	t.Parallel()
	transport := httpmock.NewMockTransport()

	_, err := qooper.NewClient(mockBaseURL, mockToken, qooper.WithHTTPClient(&http.Client{Transport: transport}))

	require.NoError(t, err)
	assert.Zero(t, transport.GetTotalCallCount())
}

func TestClientFormatHidesToken(t *testing.T) {
	t.Parallel()
	client, _ := newMockClient(t)

	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(format, client), mockToken, format)
		assert.NotContains(t, fmt.Sprintf(format, *client), mockToken, format)
	}
}

func TestClientSendsAuthAcceptAndUserAgent(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t, qooper.WithUserAgent("acme-sync/1.2"))
	rec := &recorder{}
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", rec.responder(200, userJSON))

	_, err := client.GetUser(t.Context(), "usr_1")

	require.NoError(t, err)
	sent := rec.sent()
	require.Len(t, sent, 1)
	assert.Equal(t, "Bearer "+mockToken, sent[0].Header.Get("Authorization"))
	assert.Equal(t, "application/json", sent[0].Header.Get("Accept"))
	assert.Equal(t, "acme-sync/1.2", sent[0].Header.Get("User-Agent"))
}

func TestClientDefaultUserAgent(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", rec.responder(200, userJSON))

	_, err := client.GetUser(t.Context(), "usr_1")

	require.NoError(t, err)
	assert.Equal(t, qooper.DefaultUserAgent, rec.sent()[0].Header.Get("User-Agent"))
}

func TestWithHTTPClientIsCopied(t *testing.T) {
	t.Parallel()
	transport := httpmock.NewMockTransport()
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", status(200, "application/json", userJSON))
	hc := &http.Client{Transport: transport}
	client, err := qooper.NewClient(mockBaseURL, mockToken, qooper.WithHTTPClient(hc), qooper.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)

	hc.Transport = httpmock.NewMockTransport()
	_, err = client.GetUser(t.Context(), "usr_1")

	require.NoError(t, err)
	assert.Equal(t, 1, transport.GetTotalCallCount())
}

func TestRetryPolicyByEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string
		path      string
		call      func(*qooper.Client) error
		wantCalls int
	}{
		{"get", http.MethodGet, "/users/usr_1", func(c *qooper.Client) error {
			_, err := c.GetUser(t.Context(), "usr_1")
			return err
		}, 2},
		{"list", http.MethodGet, "/users", func(c *qooper.Client) error {
			_, err := c.ListUsers(t.Context(), nil)
			return err
		}, 2},
		{"update", http.MethodPatch, "/users/usr_1", func(c *qooper.Client) error {
			_, err := c.UpdateUser(t.Context(), "usr_1", qooper.UserFields{Location: qooper.Set("Paris")}, nil)
			return err
		}, 2},
		{"deactivate", http.MethodPost, "/users/usr_1/deactivate", func(c *qooper.Client) error {
			_, err := c.DeactivateUser(t.Context(), "usr_1", nil)
			return err
		}, 2},
		{"reactivate", http.MethodPost, "/users/usr_1/reactivate", func(c *qooper.Client) error {
			_, err := c.ReactivateUser(t.Context(), "usr_1")
			return err
		}, 2},
		{"create with key", http.MethodPost, "/users", func(c *qooper.Client) error {
			_, err := c.CreateUser(t.Context(), validFields(), &qooper.CreateOptions{IdempotencyKey: "k"})
			return err
		}, 2},
		{"create without key", http.MethodPost, "/users", func(c *qooper.Client) error {
			_, err := c.CreateUser(t.Context(), validFields(), nil)
			return err
		}, 1},
	}
	for _, tt := range tests {
		for _, code := range []int{500, 502, 503, 504} {
			t.Run(fmt.Sprintf("%s %d", tt.name, code), func(t *testing.T) {
				t.Parallel()
				client, transport := newMockClient(t)
				body := userJSON
				if tt.path == "/users" && tt.method == http.MethodGet {
					body = `{"data":[],"nextCursor":null}`
				}
				transport.RegisterResponder(tt.method, mockBaseURL+tt.path, sequence(
					status(code, "application/problem+json", `{"status":503,"code":"serverError"}`),
					status(200, "application/json", body),
				))

				err := tt.call(client)

				assert.Equal(t, tt.wantCalls, transport.GetTotalCallCount())
				if tt.wantCalls == 1 {
					var apiErr *qooper.APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, code, apiErr.StatusCode)
				} else {
					assert.NoError(t, err)
				}
			})
		}
	}
}

func TestCreateWithoutKeyRetriedAfter429(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users", sequence(
		status(429, "application/problem+json", `{"status":429,"code":"rateLimited"}`, "Retry-After", "1"),
		status(201, "application/json", userJSON),
	))

	user, err := client.CreateUser(t.Context(), validFields(), nil)

	require.NoError(t, err)
	assert.Equal(t, "usr_1", user.ID)
	assert.Equal(t, 2, transport.GetTotalCallCount())
}

func TestNoRetryOnClientErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []int{400, 401, 403, 404, 409, 412, 422, 501} {
		client, transport := newMockClient(t)
		transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1",
			status(code, "application/problem+json", fmt.Sprintf(`{"status":%d}`, code)))

		_, err := client.GetUser(t.Context(), "usr_1")

		var apiErr *qooper.APIError
		require.ErrorAs(t, err, &apiErr, "status %d", code)
		assert.Equal(t, code, apiErr.StatusCode)
		assert.Equal(t, 1, transport.GetTotalCallCount(), "status %d", code)
	}
}

func TestRetriesExhaustedReturnLastAPIError(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1",
		status(503, "application/problem+json", `{"status":503,"code":"serverError","title":"Unavailable"}`, "X-Request-Id", "req_last"))

	_, err := client.GetUser(t.Context(), "usr_1")

	var apiErr *qooper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "req_last", apiErr.RequestID)
	assert.Equal(t, fastRetries().MaxRetries+1, transport.GetTotalCallCount())
}

func TestNetworkErrorRetriedForGet(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", sequence(
		httpmock.NewErrorResponder(errors.New("connection reset by peer")),
		status(200, "application/json", userJSON),
	))

	_, err := client.GetUser(t.Context(), "usr_1")

	require.NoError(t, err)
	assert.Equal(t, 2, transport.GetTotalCallCount())
}

func TestNetworkErrorHidesQuery(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t, qooper.WithRetryPolicy(qooper.RetryPolicy{}))
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users",
		httpmock.NewErrorResponder(errors.New("connection refused")))

	_, err := client.FindUserByEmail(t.Context(), "ada.lovelace@example.com")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "qooper: GET /users: ")
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), "lovelace")
}

func TestCanceledContextReturnsContextError(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", status(503, "", ""))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := client.GetUser(ctx, "usr_1")

	assert.ErrorIs(t, err, context.Canceled)
}

func TestLogsRetriesWithoutSecretsOrIDs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := qoopertest.Start(t, qoopertest.WithRateLimit(rate.Inf, 1))
	client, err := qooper.NewClient(srv.URL(), srv.Token(), qooper.WithLogger(logger),
		qooper.WithRateLimit(rate.Inf, 1), qooper.WithRetryPolicy(fastRetries()))
	require.NoError(t, err)
	srv.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: 429})

	created, err := client.CreateUser(t.Context(), validFields(), nil)
	require.NoError(t, err)
	srv.InjectFault(qoopertest.Fault{Method: http.MethodGet, Path: "/users/*", Status: 503})
	_, err = client.GetUser(t.Context(), created.ID)
	require.NoError(t, err)

	output := logs.String()
	assert.Equal(t, 2, strings.Count(output, `"msg":"retrying request"`), output)
	assert.Contains(t, output, `"path":"/users/{id}"`)
	assert.Contains(t, output, `"status":503`)
	assert.Contains(t, output, `"request_id":"req_`)
	assert.NotContains(t, output, srv.Token())
	assert.NotContains(t, output, created.ID)
	assert.NotContains(t, output, "lovelace")
}

func TestClientRateLimitAgainstFake429(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	client, srv := newFakeClient(t, qoopertest.WithRateLimit(1, 1), qoopertest.WithClock(func() time.Time { return now }))

	_, err := client.ListUsers(t.Context(), nil)
	require.NoError(t, err)
	_, err = client.ListUsers(t.Context(), nil)

	var apiErr *qooper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, qooper.ErrRateLimited)
	assert.Equal(t, qooper.CodeRateLimited, apiErr.Code)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	assert.Len(t, srv.Requests(), 2+fastRetries().MaxRetries, "the 429 was retried")
}
