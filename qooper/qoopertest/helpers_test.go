package qoopertest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

// result is a raw response of the fake.
type result struct {
	status int
	header http.Header
	body   []byte
}

// start returns a fake without a rate limit, so that tests can send many
// requests.
func start(t *testing.T, opts ...qoopertest.Option) *qoopertest.Server {
	t.Helper()
	return qoopertest.Start(t, append([]qoopertest.Option{qoopertest.WithRateLimit(rate.Inf, 1)}, opts...)...)
}

// call sends one request to srv. body is sent as is when it is a string,
// else encoded as JSON, with Content-Type application/json. headers are
// name and value pairs that override the defaults; an empty value removes
// a header.
func call(t *testing.T, srv *qoopertest.Server, method, path string, body any, headers ...string) result {
	t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = bytes.NewBufferString(b)
	default:
		encoded, err := json.Marshal(b)
		require.NoError(t, err)
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, reader)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}

	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return result{status: resp.StatusCode, header: resp.Header, body: data}
}

// user decodes a user response and checks its status.
func (r result) user(t *testing.T, wantStatus int) qooper.User {
	t.Helper()
	require.Equal(t, wantStatus, r.status, "body: %s", r.body)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	var u qooper.User
	require.NoError(t, json.Unmarshal(r.body, &u))
	return u
}

// problem decodes a problem response and checks its status and code.
func (r result) problem(t *testing.T, wantStatus int, wantCode string) qooper.Problem {
	t.Helper()
	require.Equal(t, wantStatus, r.status, "body: %s", r.body)
	require.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
	var p qooper.Problem
	require.NoError(t, json.Unmarshal(r.body, &p))
	require.Equal(t, wantCode, p.Code, "body: %s", r.body)
	require.Equal(t, wantStatus, p.Status)
	require.Equal(t, r.header.Get("X-Request-Id"), p.RequestID)
	return p
}

// fieldNames returns the fields that a problem names.
func fieldNames(p qooper.Problem) []string {
	names := make([]string, len(p.Errors))
	for i, fieldErr := range p.Errors {
		names[i] = fieldErr.Field
	}
	return names
}

// ada is a valid create body.
func ada() map[string]any {
	return map[string]any{
		"externalId": "1042",
		"email":      "ada.lovelace@example.com",
		"firstName":  "Ada",
		"lastName":   "Lovelace",
	}
}

// person returns a valid create body for a numbered person.
func person(n string) map[string]any {
	return map[string]any{
		"externalId": "ext-" + n,
		"email":      "person" + n + "@example.com",
		"firstName":  "Person",
		"lastName":   n,
	}
}

// seed stores users through the API and returns them in order.
func seed(t *testing.T, srv *qoopertest.Server, bodies ...map[string]any) []qooper.User {
	t.Helper()
	users := make([]qooper.User, len(bodies))
	for i, body := range bodies {
		users[i] = call(t, srv, http.MethodPost, "/users", body).user(t, http.StatusCreated)
	}
	return users
}

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(now time.Time) *clock { return &clock{now: now} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
