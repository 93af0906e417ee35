// Package rest is the HTTP core shared by the hibob and qooper clients.
//
// It builds JSON requests against a base URL, waits on a client-side rate
// limiter before every attempt, retries idempotent requests on network errors
// and on the statuses a caller names, honours Retry-After and
// X-RateLimit-Reset, caps response bodies and turns failed responses into a
// *StatusError that the client packages convert into their own error types.
// It never logs a header value, a query string or a body.
package rest
