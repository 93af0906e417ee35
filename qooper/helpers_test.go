package qooper_test

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

// mockBaseURL is the base URL of clients whose requests httpmock serves in
// process, so nothing is sent to this host.
const mockBaseURL = "https://api.example-qooper.test/v1"

const mockToken = "test-token-9f8e7d"

// fastRetries keeps retry waits in tests to a few milliseconds.
func fastRetries() qooper.RetryPolicy {
	return qooper.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond}
}

// newFakeClient returns a client of a fake server without rate limits on
// either side.
func newFakeClient(t *testing.T, opts ...qoopertest.Option) (*qooper.Client, *qoopertest.Server) {
	t.Helper()
	srv := qoopertest.Start(t, append([]qoopertest.Option{qoopertest.WithRateLimit(rate.Inf, 1)}, opts...)...)
	client, err := qooper.NewClient(srv.URL(), srv.Token(), qooper.WithRateLimit(rate.Inf, 1), qooper.WithRetryPolicy(fastRetries()))
	require.NoError(t, err)
	return client, srv
}

// newMockClient returns a client whose requests go to an httpmock
// transport.
func newMockClient(t *testing.T, opts ...qooper.Option) (*qooper.Client, *httpmock.MockTransport) {
	t.Helper()
	transport := httpmock.NewMockTransport()
	base := []qooper.Option{
		qooper.WithHTTPClient(&http.Client{Transport: transport}),
		qooper.WithRateLimit(rate.Inf, 1),
		qooper.WithRetryPolicy(fastRetries()),
	}
	client, err := qooper.NewClient(mockBaseURL, mockToken, append(base, opts...)...)
	require.NoError(t, err)
	return client, transport
}

// sentRequest is a request that a recorder received.
type sentRequest struct {
	Method string
	Path   string
	Query  map[string][]string
	Header http.Header
	Body   string
}

// recorder keeps every request it receives and returns a fixed response.
type recorder struct {
	mu       sync.Mutex
	requests []sentRequest
}

func (r *recorder) responder(status int, body string, header ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		r.record(req)
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

func (r *recorder) record(req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, sentRequest{
		Method: req.Method,
		Path:   req.URL.Path,
		Query:  req.URL.Query(),
		Header: req.Header.Clone(),
		Body:   string(body),
	})
}

func (r *recorder) sent() []sentRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sentRequest(nil), r.requests...)
}

// sequence passes each request to the next responder in turn, and every
// request after the last responder to the last one.
func sequence(responders ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	next := 0
	return func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		responder := responders[min(next, len(responders)-1)]
		next++
		mu.Unlock()
		return responder(req)
	}
}

// status responds with a status, an optional content type and body, and
// header pairs.
func status(code int, contentType, body string, header ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(code, body)
		if contentType != "" {
			resp.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

const userJSON = `{"id":"usr_1","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace",` +
	`"status":"active","version":3,"customAttributes":{}}`

func validFields() qooper.UserFields {
	return qooper.UserFields{
		ExternalID: qooper.Set("1042"),
		Email:      qooper.Set("ada.lovelace@example.com"),
		FirstName:  qooper.Set("Ada"),
		LastName:   qooper.Set("Lovelace"),
	}
}

func person(n string) qooper.UserFields {
	return qooper.UserFields{
		ExternalID: qooper.Set("ext-" + n),
		Email:      qooper.Set("person" + n + "@example.com"),
		FirstName:  qooper.Set("Person"),
		LastName:   qooper.Set(n),
	}
}
