// Package hibobtest is an in-memory fake of HiBob's public REST API for
// tests and demos, served over real HTTP on a loopback address.
//
// NewServer starts a fake that needs no *testing.T, so an in-process demo
// can use it too. Start does the same in a test and closes the server when
// the test ends. Point a hibob.Client at it with URL and Credentials:
//
//	srv := hibobtest.NewServer(hibobtest.WithCompany(hibobtest.SampleCompany(1, 500)))
//	defer srv.Close()
//	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()))
//
// The fake follows HiBob's documented and observed behaviour:
//   - HTTP Basic authentication, and 401 with an empty body for wrong
//     credentials;
//   - POST /v1/people/search returns only the requested fields, or the
//     root, about, employment and work fields when none are listed, both
//     nested and under slash keys, which appear only for non-null values;
//     it hides inactive employees unless showInactive is set, supports
//     humanReadable APPEND and REPLACE, and responds with 400 to an empty
//     filters array, more than one filter, a filter other than equals on
//     root.id or root.email, empty filter values, more than 400 fields and
//     malformed JSON;
//   - POST /v1/people/{id or email} returns the bare employee, and 404 for
//     an unknown one;
//   - GET /v1/company/people/fields returns a bare array;
//   - GET /v1/company/named-lists returns lists keyed by name, with the
//     items under both "values" and "items", and GET
//     /v1/company/named-lists/{name} matches the name case-sensitively;
//     both leave out archived items unless includeArchived=true.
//
// Tests configure permissions with WithHiddenFields and
// WithInactiveHidden, a per-minute budget that responds with 429 and
// X-RateLimit headers with WithRateLimit, and faults (5xx statuses, HTML
// pages, truncated or empty bodies, delays) with InjectFault. Requests
// returns the request log. SendWebhook posts a webhook signed the way
// HiBob signs them.
//
// SampleCompany generates a deterministic company of up to 100,000 people
// with the irregular records of real tenants, and Company.DayTwo applies a
// day of HR changes to it.
package hibobtest
