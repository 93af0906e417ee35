// Package rest is the HTTP core shared by the hibob and qooper clients.
//
// It builds JSON requests against a base URL and waits on a client-side
// rate limiter before every attempt. It retries idempotent requests on
// network errors and on the statuses a caller names, honouring Retry-After
// and X-RateLimit-Reset. It caps response bodies and turns failed responses
// into a *StatusError, which the client packages convert into their own
// error types. It logs no header value, query string or body.
package rest
