package hibob_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	client, err := hibob.NewClient(testCredentials)
	require.NoError(t, err)
	assert.Equal(t, hibob.ProductionBaseURL, client.BaseURL())
}

func TestNewClientEnvironments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []hibob.Option
		want string
	}{
		{"production", []hibob.Option{hibob.WithEnvironment(hibob.Production)}, "https://api.hibob.com/v1"},
		{"sandbox", []hibob.Option{hibob.WithEnvironment(hibob.Sandbox)}, "https://api.sandbox.hibob.com/v1"},
		{"base URL after environment", []hibob.Option{hibob.WithEnvironment(hibob.Sandbox), hibob.WithBaseURL("https://hibob.internal.example/v1/")}, "https://hibob.internal.example/v1"},
		{"environment after base URL", []hibob.Option{hibob.WithBaseURL("http://127.0.0.1:8080/v1"), hibob.WithEnvironment(hibob.Production)}, "https://api.hibob.com/v1"},
		{"loopback http", []hibob.Option{hibob.WithBaseURL("http://localhost:8080/v1")}, "http://localhost:8080/v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, err := hibob.NewClient(testCredentials, tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, client.BaseURL())
		})
	}
}

func TestParseEnvironment(t *testing.T) {
	t.Parallel()
	env, err := hibob.ParseEnvironment(" Sandbox ")
	require.NoError(t, err)
	assert.Equal(t, hibob.Sandbox, env)

	_, err = hibob.ParseEnvironment("staging")
	assert.Error(t, err)
}

func TestNewClientRejectsInvalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		creds hibob.Credentials
		opt   hibob.Option
	}{
		{"missing service user ID", hibob.Credentials{Token: "t"}, nil},
		{"missing token", hibob.Credentials{ServiceUserID: "id"}, nil},
		{"nil HTTP client", testCredentials, hibob.WithHTTPClient(nil)},
		{"http on a remote host", testCredentials, hibob.WithBaseURL("http://api.hibob.com/v1")},
		{"base URL with user info", testCredentials, hibob.WithBaseURL("https://user:pw@api.hibob.com/v1")},
		{"base URL without host", testCredentials, hibob.WithBaseURL("/v1")},
		{"unknown environment", testCredentials, hibob.WithEnvironment("staging")},
		{"zero rate", testCredentials, hibob.WithRateLimit(0, 1)},
		{"zero burst", testCredentials, hibob.WithRateLimit(1, 0)},
		{"negative retries", testCredentials, hibob.WithRetryPolicy(hibob.RetryPolicy{MaxRetries: -1})},
		{"negative wait", testCredentials, hibob.WithRetryPolicy(hibob.RetryPolicy{MinWait: -time.Second})},
		{"min wait above max wait", testCredentials, hibob.WithRetryPolicy(hibob.RetryPolicy{MinWait: 2 * time.Second, MaxWait: time.Second})},
		{"nil logger", testCredentials, hibob.WithLogger(nil)},
		{"empty user agent", testCredentials, hibob.WithUserAgent(" ")},
		{"user agent with newline", testCredentials, hibob.WithUserAgent("a\r\nX-Evil: 1")},
		{"invalid header name", testCredentials, hibob.WithPartnerTokenHeader("X Partner")},
		{"reserved header name", testCredentials, hibob.WithPartnerTokenHeader("authorization")},
		{"partner header without token", testCredentials, hibob.WithPartnerTokenHeader("X-Partner-Token")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, err := hibob.NewClient(tt.creds, tt.opt)
			assert.Error(t, err)
			assert.Nil(t, client)
		})
	}
}

func TestClientSendsHeaders(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t, hibob.WithUserAgent("hrsync-test/1.0"))
	var got http.Header
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/company/people/fields",
		func(r *http.Request) (*http.Response, error) {
			got = r.Header.Clone()
			return jsonResponder(200, `[]`)(r)
		})

	_, err := client.Fields(t.Context())
	require.NoError(t, err)

	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("SERVICE-42:tok-s3cr3t-value"))
	assert.Equal(t, wantAuth, got.Get("Authorization"))
	assert.Equal(t, "hrsync-test/1.0", got.Get("User-Agent"))
	assert.Equal(t, "application/json", got.Get("Accept"))
	assert.Empty(t, got.Get("X-Partner-Token"))
}

func TestPartnerTokenSentOnlyWithHeaderOption(t *testing.T) {
	t.Parallel()
	creds := testCredentials
	creds.PartnerToken = "partner-s3cr3t"
	for _, withHeader := range []bool{false, true} {
		t.Run(fmt.Sprint("header option ", withHeader), func(t *testing.T) {
			t.Parallel()
			transport := httpmock.NewMockTransport()
			var got http.Header
			transport.RegisterResponder(http.MethodGet, mockBaseURL+"/company/people/fields",
				func(r *http.Request) (*http.Response, error) {
					got = r.Header.Clone()
					return jsonResponder(200, `[]`)(r)
				})
			opts := []hibob.Option{hibob.WithBaseURL(mockBaseURL), hibob.WithHTTPClient(&http.Client{Transport: transport})}
			if withHeader {
				opts = append(opts, hibob.WithPartnerTokenHeader("x-partner-token"))
			}
			client, err := hibob.NewClient(creds, opts...)
			require.NoError(t, err)

			_, err = client.Fields(t.Context())
			require.NoError(t, err)

			if withHeader {
				assert.Equal(t, "partner-s3cr3t", got.Get("X-Partner-Token"))
			} else {
				for name, values := range got {
					for _, v := range values {
						assert.NotContains(t, v, "partner-s3cr3t", "header %s", name)
					}
				}
			}
		})
	}
}

func TestWithHTTPClientKeepsCopy(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	hc := srv.HTTPClient()
	original := *hc
	client := newFakeClient(t, srv, hibob.WithHTTPClient(hc))

	// A transport that fails every request. The client must not see it.
	hc.Transport = httpmock.NewMockTransport()
	t.Cleanup(func() { *hc = original })

	_, err := client.Fields(t.Context())
	assert.NoError(t, err)
}

func TestCredentialsRedacted(t *testing.T) {
	t.Parallel()
	creds := hibob.Credentials{ServiceUserID: "SERVICE-42", Token: "tok-s3cr3t-value", PartnerToken: "partner-s3cr3t"}
	encoded, err := json.Marshal(creds)
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("credentials", "creds", creds)

	outputs := map[string]string{
		"%v":      fmt.Sprintf("%v", creds),
		"%+v":     fmt.Sprintf("%+v", creds),
		"%#v":     fmt.Sprintf("%#v", creds),
		"%s":      fmt.Sprintf("%s", creds),
		"%x":      fmt.Sprintf("%x", creds),
		"pointer": fmt.Sprintf("%+v", &creds),
		"nested":  fmt.Sprintf("%+v", struct{ C hibob.Credentials }{creds}),
		"json":    string(encoded),
		"slog":    logged.String(),
	}
	for name, output := range outputs {
		assert.NotContains(t, output, "tok-s3cr3t-value", name)
		assert.NotContains(t, output, "partner-s3cr3t", name)
		assert.Contains(t, output, "SERVICE-42", name)
	}
}

// TestNoSecretInErrorsOrLogs drives every error path of the client and
// checks that no token or Authorization value reaches an error, a log
// record or the printed client.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	secret := "tok-s3cr3t-value"
	authorization := base64.StdEncoding.EncodeToString([]byte("SERVICE-42:" + secret))
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	srv := hibobtest.Start(t, append(smallCompany(), hibobtest.WithCredentials(testCredentials))...)
	client := newFakeClient(t, srv, hibob.WithLogger(logger))
	wrong, err := hibob.NewClient(hibob.Credentials{ServiceUserID: "SERVICE-42", Token: "wrong-" + secret},
		hibob.WithBaseURL(srv.URL()), hibob.WithLogger(logger), hibob.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	closed := hibobtest.NewServer(hibobtest.WithCredentials(testCredentials))
	closed.Close()
	unreachable, err := hibob.NewClient(testCredentials, hibob.WithBaseURL(closed.URL()),
		hibob.WithLogger(logger), hibob.WithRetryPolicy(fastRetries), hibob.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)

	var errs []error
	_, err = wrong.Fields(t.Context())
	errs = append(errs, err)
	_, err = client.GetEmployee(t.Context(), "nobody+x@example.com", nil)
	errs = append(errs, err)
	_, err = unreachable.GetEmployee(t.Context(), "ana+hr@example.com", nil)
	errs = append(errs, err)
	srv.FailNext(10, http.StatusServiceUnavailable, "/people/search")
	_, err = client.SearchPeople(t.Context(), nil)
	errs = append(errs, err)
	srv.ClearFaults()
	srv.InjectFault(hibobtest.Fault{Path: "/company/people/fields", HTML: true, Status: http.StatusOK})
	_, err = client.Fields(t.Context())
	errs = append(errs, err)

	for i, err := range errs {
		require.Error(t, err, "error %d", i)
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			assert.NotContains(t, text, secret, "error %d", i)
			assert.NotContains(t, text, authorization, "error %d", i)
		}
	}
	assert.NotContains(t, errs[1].Error(), "nobody", "the e-mail from the path must not reach the error")
	assert.NotContains(t, errs[2].Error(), "ana+hr", "the e-mail from the path must not reach the error")
	assert.NotEmpty(t, logs.String())
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, logs.String(), authorization)
	assert.NotContains(t, logs.String(), "ana+hr")
	for _, text := range []string{fmt.Sprintf("%v", client), fmt.Sprintf("%+v", client), fmt.Sprintf("%#v", client)} {
		assert.NotContains(t, text, secret)
		assert.NotContains(t, text, authorization)
	}
}

func TestClientRespectsCanceledContext(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	client := newFakeClient(t, srv)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := client.SearchPeople(ctx, nil)

	assert.ErrorIs(t, err, context.Canceled)
}

func TestClientDeadlineDuringDelay(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	srv.InjectFault(hibobtest.Fault{Path: "/people/search", Delay: time.Minute})
	client := newFakeClient(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()

	_, err := client.SearchPeople(ctx, nil)

	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestRateLimiterWaitsBetweenRequests(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	// One request per hour with a burst of 1: the second request cannot
	// start before the deadline, so the limiter returns at once.
	client := newFakeClient(t, srv, hibob.WithRateLimit(rate.Every(time.Hour), 1))
	_, err := client.Fields(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()

	_, err = client.Fields(ctx)

	require.Error(t, err)
	assert.Len(t, srv.Requests(), 1, "the limiter must hold back the second request")
	assert.False(t, errors.Is(err, hibob.ErrRateLimited), "a client-side wait is not a 429")
}
