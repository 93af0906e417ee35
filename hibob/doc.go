// Package hibob is a typed client for HiBob's public REST API (v1) that
// reads employees, fields metadata and named lists, and checks and decodes
// HiBob webhooks. It never writes to HiBob.
//
// A Client is safe for concurrent use. Create one per customer, because
// each Client has its own rate limiter.
//
// # Authentication
//
// HiBob authenticates API calls as a service user that a Bob admin creates
// under Settings > Integrations > Automation > Service users. Its ID and
// token go into Credentials and are sent as HTTP Basic credentials, the ID
// as the user name and the token as the password. A new service user has
// no permissions until it joins a permission group. HiBob then silently
// leaves out the fields and employees it may not see, so run
// CheckPermissions when a customer hands over credentials.
//
// Credentials print, log and encode to JSON with their tokens replaced by
// "[REDACTED]". No error string or log record of this package contains a
// token or an Authorization header value.
//
// # Environments
//
// The default base URL is production, https://api.hibob.com/v1.
// WithEnvironment(Sandbox) selects https://api.sandbox.hibob.com/v1, and
// WithBaseURL sets any other https URL, or an http URL on a loopback host
// for tests. Sandbox and production have separate service users.
//
// # Partner token
//
// HiBob's published API reference documents no request header for a
// partner token: its partner programme uses OAuth 2.0 apps instead. A
// partner token given in Credentials.PartnerToken is therefore sent only
// when WithPartnerTokenHeader names the header to carry it.
//
// # Employee records
//
// HiBob addresses an employee field by a field id such as "root.email",
// "work.department" or "work.custom.field_1698036945383". Employee.Field
// reads a field id from either of the two forms in which HiBob returns it,
// and reports a field that the response leaves out as not present rather
// than empty. List fields such as work.department hold list item ids, which
// NamedList.Labels maps to labels. People search has no pagination, so
// SearchPeopleInBatches splits the read of a large company into searches
// by employee id.
//
// # Errors
//
// A response with a status of 400 or more is returned as an *APIError,
// which carries the status, method, route, HiBob's error key and message,
// and the request id. The sentinels ErrUnauthorized (401), ErrForbidden
// (403), ErrNotFound (404), ErrRateLimited (429) and ErrServer (5xx) match
// it through errors.Is. A successful response whose body is empty,
// truncated, HTML or of the wrong shape is returned as a *DecodeError
// naming the status. Requests that the client rejects before sending, such
// as a search over more than 400 fields, match ErrInvalidRequest. When ctx
// ends, a method returns ctx.Err().
//
// # Rate limits
//
// HiBob publishes one limit, 50 requests per minute for people search, and
// responds with 429 above it with X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset headers. Each Client waits on one token bucket before
// every attempt, by default DefaultRateLimit with a burst of DefaultBurst,
// which WithRateLimit changes.
//
// Every request of this package only reads, including the people search
// and read calls that use POST, so every request is retried after a
// network error or a 429, 502, 503 or 504 response, as the RetryPolicy
// sets. A retry waits as long as Retry-After requests, else until
// X-RateLimit-Reset, else for a jittered exponential backoff. A 401 or 403
// is never retried, because HiBob's firewall blocks clients that repeat
// them. When the retries run out, the method returns the last *APIError.
//
// # Webhooks
//
// HiBob signs each webhook with the Base64 encoding of an HMAC-SHA512 of
// the raw body, keyed with the webhook's secret, in the Bob-Signature
// header. ParseWebhook reads a request, checks the signature with
// VerifySignature and decodes the event with DecodeEvent. Bob's "Ping
// test" connection check decodes as an event of type EventPing. v2 events
// carry identifiers only, so a receiver reads the employee again.
package hibob
