package hibob_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

// fastRetries retries quickly so that tests of retries take milliseconds.
var fastRetries = hibob.RetryPolicy{
	MaxRetries:    3,
	MinWait:       time.Millisecond,
	MaxWait:       2 * time.Millisecond,
	MaxServerWait: 5 * time.Millisecond,
}

// newFakeClient returns a client of srv without a rate limit and with fast
// retries. opts come last, so they override those settings.
func newFakeClient(t *testing.T, srv *hibobtest.Server, opts ...hibob.Option) *hibob.Client {
	t.Helper()
	base := []hibob.Option{
		hibob.WithBaseURL(srv.URL()),
		hibob.WithHTTPClient(srv.HTTPClient()),
		hibob.WithRateLimit(rate.Inf, 1),
		hibob.WithRetryPolicy(fastRetries),
	}
	client, err := hibob.NewClient(srv.Credentials(), append(base, opts...)...)
	require.NoError(t, err)
	return client
}

// testCredentials are the credentials of clients that talk to httpmock.
var testCredentials = hibob.Credentials{ServiceUserID: "SERVICE-42", Token: "tok-s3cr3t-value"}

// mockBaseURL is the base URL of clients that talk to httpmock. No request
// leaves the process, because the mock transport handles every request.
const mockBaseURL = "http://127.0.0.1:9/v1"

// newMockClient returns a client whose requests go to a new httpmock
// transport, with fast retries and no rate limit.
func newMockClient(t *testing.T, opts ...hibob.Option) (*hibob.Client, *httpmock.MockTransport) {
	t.Helper()
	transport := httpmock.NewMockTransport()
	base := []hibob.Option{
		hibob.WithBaseURL(mockBaseURL),
		hibob.WithHTTPClient(&http.Client{Transport: transport}),
		hibob.WithRateLimit(rate.Inf, 1),
		hibob.WithRetryPolicy(fastRetries),
	}
	client, err := hibob.NewClient(testCredentials, append(base, opts...)...)
	require.NoError(t, err)
	return client, transport
}

// jsonResponder responds with status and body as application/json.
func jsonResponder(status int, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

// decodeBody decodes a request body into a generic JSON value.
func decodeBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	var body map[string]any
	require.NoError(t, json.NewDecoder(r.Body).Decode(&body))
	return body
}

// record builds a stored employee record for the fake.
func record(id, first, surname, email, status string, work map[string]any) map[string]any {
	var emailValue any
	if email != "" {
		emailValue = email
	}
	return map[string]any{
		"id":          id,
		"firstName":   first,
		"surname":     surname,
		"displayName": first + " " + surname,
		"email":       emailValue,
		"work":        work,
		"internal":    map[string]any{"status": status, "lifecycleStatus": "employed", "terminationDate": nil},
	}
}

// smallCompany is a fixed company of four: a CEO, two reports and a leaver.
func smallCompany() []hibobtest.Option {
	return []hibobtest.Option{
		hibobtest.WithEmployees(
			record("3332883804594373380", "Jane", "Doe", "jane@example.com", "Active", map[string]any{
				"title": "255490060", "department": "209192160", "site": "London", "siteId": 2154020,
				"startDate": "2019-09-08", "manager": nil, "employeeIdInCompany": 1,
			}),
			record("3332883884017713938", "John", "O'Brien", "o'brien@example.com", "Active", map[string]any{
				"title": "255490048", "department": "209192170", "site": "Zürich", "siteId": 2154021,
				"startDate": "2021-05-04", "manager": "3332883804594373380", "employeeIdInCompany": 10,
			}),
			record("3332883884017799999", "Ana", "Silva", "ana+hr@example.com", "Active", map[string]any{
				"title": "255490055", "department": "209192150", "site": "São Paulo", "siteId": 2154022,
				"startDate": "2022-01-10", "manager": "3332883804594373380", "employeeIdInCompany": 11,
			}),
			record("3332883884017700001", "Ólafur", "Sigurðsson", "", "Inactive", map[string]any{
				"title": "255490052", "department": "209192199", "site": "London", "siteId": 2154020,
				"startDate": "2018-03-01", "manager": "3332883884017713938", "employeeIdInCompany": 7,
			}),
		),
		hibobtest.WithNamedLists(hibobtest.SampleCompanyAt(1, 50, time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)).Lists),
	}
}
