// Package qoopertest provides a fake Qooper Users API for tests and demos.
//
// A Server serves the API over real HTTP on a loopback address and keeps
// one organization in memory. It enforces the whole contract that package
// qooper documents. That covers bearer authentication, strict request
// validation with field errors, and uniqueness of emails (compared
// case-insensitively) and external ids. It also covers idempotent creates,
// versions with ETag and If-Match, merge-patch semantics, manager checks,
// the rules for suspended users, stable cursor pages, bulk calls, and
// per-token rate limits with their headers.
//
// NewServer needs no *testing.T, so a demo program can run the fake in
// process; Start ties the server's life to a test:
//
//	srv := qoopertest.Start(t)
//	client, err := qooper.NewClient(srv.URL(), srv.Token())
//
// Tests seed and inspect state with PutUser, Users, User and SuspendUser,
// and read the request log with Requests. They inject failures with
// InjectFault, which fails matching requests with a 5xx or a proxy page.
// DropNextCreates commits a create and then closes the connection without
// a response, and SetLatency delays every response.
package qoopertest
