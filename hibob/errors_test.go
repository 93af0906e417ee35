package hibob_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

func TestAPIErrorBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		body        string
		wantKey     string
		wantMessage string
		wantFields  map[string]string
		sentinel    error
	}{
		{
			name: "key and error", status: 400,
			body:    `{"key":"request.filters.empty","error":"filters must not be empty"}`,
			wantKey: "request.filters.empty", wantMessage: "filters must not be empty",
		},
		{
			name: "errorMessage", status: 401,
			body:        `{"errorMessage":"No permissions to update employee"}`,
			wantMessage: "No permissions to update employee", sentinel: hibob.ErrUnauthorized,
		},
		{
			name: "field errors", status: 400,
			body:        `{"errors":{"/work/title":{"error":"MISSING_MANDATORY_FIELD","message":"Missing mandatory field"},"/root/email":"invalid"}}`,
			wantMessage: "/root/email: invalid; /work/title: MISSING_MANDATORY_FIELD: Missing mandatory field",
			wantFields:  map[string]string{"/work/title": "MISSING_MANDATORY_FIELD: Missing mandatory field", "/root/email": "invalid"},
		},
		{
			name: "empty 401", status: 401, body: ``, sentinel: hibob.ErrUnauthorized,
		},
		{
			name: "forbidden", status: 403, body: `{"key":"forbidden","error":"IP not allowed"}`,
			wantKey: "forbidden", wantMessage: "IP not allowed", sentinel: hibob.ErrForbidden,
		},
		{
			name: "not found", status: 404, body: `{"key":404,"error":"Not found"}`,
			wantKey: "404", wantMessage: "Not found", sentinel: hibob.ErrNotFound,
		},
		{
			name: "server error not retried", status: 500, body: `not json`, sentinel: hibob.ErrServer,
		},
		{
			name: "HTML 400", status: 400, body: `<html><body>Bad Request</body></html>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, transport := newMockClient(t)
			transport.RegisterResponder(http.MethodPost, mockBaseURL+"/people/search",
				func(r *http.Request) (*http.Response, error) {
					resp := httpmock.NewStringResponse(tt.status, tt.body)
					resp.Header.Set("X-Request-Id", "req-123")
					return resp, nil
				})

			_, err := client.SearchPeople(t.Context(), nil)

			var apiErr *hibob.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.Equal(t, "/people/search", apiErr.Path)
			assert.Equal(t, tt.wantKey, apiErr.Key)
			assert.Equal(t, tt.wantMessage, apiErr.Message)
			assert.Equal(t, tt.wantFields, apiErr.FieldErrors)
			assert.Equal(t, "req-123", apiErr.RequestID)
			assert.Equal(t, tt.body, string(apiErr.Body))
			assert.Equal(t, 1, transport.GetTotalCallCount(), "this status must not be retried")
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "hibob: POST /people/search: "), err.Error())
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	t.Parallel()
	err := &hibob.APIError{
		StatusCode: 429, Method: "POST", Path: "/people/search",
		Key: "rate.limit", Message: "Too many requests", RequestID: "abc",
	}

	assert.Equal(t, "hibob: POST /people/search: 429 Too Many Requests: Too many requests (key rate.limit) (request id abc)", err.Error())
	assert.Equal(t, "hibob: GET /company/people/fields: 401 Unauthorized", (&hibob.APIError{StatusCode: 401, Method: "GET", Path: "/company/people/fields"}).Error())
}

func TestAPIErrorSentinels(t *testing.T) {
	t.Parallel()
	sentinels := []error{hibob.ErrUnauthorized, hibob.ErrForbidden, hibob.ErrNotFound, hibob.ErrRateLimited, hibob.ErrServer}
	tests := map[int]error{
		401: hibob.ErrUnauthorized,
		403: hibob.ErrForbidden,
		404: hibob.ErrNotFound,
		429: hibob.ErrRateLimited,
		500: hibob.ErrServer,
		503: hibob.ErrServer,
		400: nil,
		409: nil,
	}
	for status, want := range tests {
		err := &hibob.APIError{StatusCode: status}
		for _, sentinel := range sentinels {
			assert.Equal(t, sentinel == want, errors.Is(err, sentinel), "status %d, sentinel %v", status, sentinel)
		}
	}
}

func TestRetriesThenSucceeds(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			srv := hibobtest.Start(t, smallCompany()...)
			srv.InjectFault(hibobtest.Fault{Path: "/people/search", Status: status, Times: 2, Header: http.Header{"Retry-After": {"0"}}})
			client := newFakeClient(t, srv)

			employees, err := client.SearchPeople(t.Context(), nil)

			require.NoError(t, err)
			assert.Len(t, employees, 3)
			assert.Len(t, srv.Requests(), 3)
		})
	}
}

func TestRetriesExhaustedReturnsLastAPIError(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t, smallCompany()...)
	srv.InjectFault(hibobtest.Fault{Path: "/people/search", Status: 503, Times: 3})
	srv.InjectFault(hibobtest.Fault{Path: "/people/search", HTML: true, Status: 502})
	client := newFakeClient(t, srv)

	_, err := client.SearchPeople(t.Context(), nil)

	var apiErr *hibob.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode, "the last attempt's error")
	assert.Empty(t, apiErr.Message, "an HTML page has no message")
	assert.Contains(t, string(apiErr.Body), "<html>")
	assert.ErrorIs(t, err, hibob.ErrServer)
	assert.Len(t, srv.Requests(), 1+fastRetries.MaxRetries)
}

func TestRateLimitResetHonoured(t *testing.T) {
	t.Parallel()
	// With a budget of one search per minute, every retry meets a 429 whose
	// X-RateLimit-Reset is up to a minute away. MaxServerWait caps each
	// wait at 5 ms, so the retries run out quickly.
	srv := hibobtest.Start(t, append(smallCompany(), hibobtest.WithRateLimit(1))...)
	client := newFakeClient(t, srv)
	_, err := client.SearchPeople(t.Context(), nil)
	require.NoError(t, err)

	_, err = client.SearchPeople(t.Context(), nil)

	require.ErrorIs(t, err, hibob.ErrRateLimited)
	var apiErr *hibob.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "rate.limit.exceeded", apiErr.Key)
	assert.Len(t, srv.Requests(), 2+fastRetries.MaxRetries)
}

func TestUnauthorizedNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{401, 403} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			srv := hibobtest.Start(t)
			srv.FailNext(5, status, "")
			client := newFakeClient(t, srv)

			_, err := client.Fields(t.Context())

			var apiErr *hibob.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Len(t, srv.Requests(), 1, "HiBob's firewall blocks clients that repeat 401 and 403")
		})
	}
}

func TestWrongCredentials(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	creds := srv.Credentials()
	creds.Token = "wrong"
	client, err := hibob.NewClient(creds, hibob.WithBaseURL(srv.URL()))
	require.NoError(t, err)

	_, err = client.SearchPeople(t.Context(), nil)

	assert.ErrorIs(t, err, hibob.ErrUnauthorized)
	assert.Len(t, srv.Requests(), 1)
}

func TestTransportErrorRetriedAndSanitized(t *testing.T) {
	t.Parallel()
	srv := hibobtest.NewServer()
	client := newFakeClient(t, srv)
	srv.Close()

	_, err := client.GetEmployee(t.Context(), "o'brien@example.com", nil)

	require.Error(t, err)
	var apiErr *hibob.APIError
	assert.False(t, errors.As(err, &apiErr))
	assert.Contains(t, err.Error(), "hibob: POST /people/{identifier}: request failed")
	assert.NotContains(t, err.Error(), "brien")
	assert.NotContains(t, err.Error(), "/v1/people/", "the error must not contain the request URL")
}
