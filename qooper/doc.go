// Package qooper is a client for the Qooper Users API v1, through which an
// HR sync creates, updates, deactivates and reactivates the users of one
// Qooper organization.
//
// Create a Client with the base URL of the deployment and an API token:
//
//	client, err := qooper.NewClient("https://api.example-qooper.test/v1", token)
//
// The base URL has no default and must use https, except for loopback
// hosts, which local fakes such as package qoopertest use. The token is
// sent as a bearer token and is scoped to one organization. It never
// appears in an error, a log record or a formatted Client. NewClient does
// not call the network. A Client is safe for concurrent use.
//
// # Users
//
// A User has an id assigned by Qooper, an optional externalId (the HR
// system's employee id, unique in the organization), an email (unique,
// compared case-insensitively), names, optional profile fields, a manager
// and string-keyed custom attributes. Its status is active, suspended or
// deactivated. Only DeactivateUser and ReactivateUser change it, and
// neither touches a user that a Qooper administrator suspended: that fails
// with ErrSuspended. Both are idempotent. Users are never deleted.
//
// CreateUser and UpdateUser take UserFields, whose zero value sends nothing.
// A Field is absent, Set to a value or Null. An update is a JSON merge
// patch (RFC 7396): absent fields stay as they are and Null clears a field.
// Custom attributes merge by key, a nil value removes a key, and
// ClearCustomAttributes removes them all. UserFields.Validate checks the
// value rules (email format, name and text lengths, dates written
// YYYY-MM-DD, custom attribute keys) before anything is sent. The server
// also checks that a manager exists and makes no reporting cycle.
//
// Every change increases a user's version, which responses also send as
// an ETag. UpdateOptions.IfMatch makes an update apply only to a known
// version.
//
// A hire, a change that clears a field, and a leaver look like this:
//
//	user, err := client.CreateUser(ctx, qooper.UserFields{
//		ExternalID: qooper.Set("1042"),
//		Email:      qooper.Set("ada.lovelace@example.com"),
//		FirstName:  qooper.Set("Ada"),
//		LastName:   qooper.Set("Lovelace"),
//		JobTitle:   qooper.Set("Engineer"),
//	}, &qooper.CreateOptions{IdempotencyKey: "hire-1042"})
//	if err != nil {
//		return err
//	}
//	user, err = client.UpdateUser(ctx, user.ID, qooper.UserFields{
//		JobTitle: qooper.Null[string](), // clears the job title
//	}, &qooper.UpdateOptions{IfMatch: user.ETag()})
//	if err != nil {
//		return err
//	}
//	user, err = client.DeactivateUser(ctx, user.ID, &qooper.DeactivateOptions{Reason: "terminated"})
//
// # Errors
//
// A response with a status of 400 or more is returned as an *APIError,
// decoded from the application/problem+json body. It carries the status,
// the API's error code (such as CodeUniqueness), the title and the field
// errors. A 409 also names the conflicting user, and the request id comes
// from X-Request-Id. A body that is empty or not JSON still yields an
// *APIError with the status and request id. Use errors.As to read it, and errors.Is with the
// sentinels ErrNotFound, ErrConflict, ErrUnauthorized, ErrForbidden,
// ErrRateLimited, ErrVersionMismatch, ErrSuspended, ErrIdempotencyMismatch
// and ErrInvalid to branch on it. UserFields.Validate returns a
// *ValidationError, which matches ErrInvalid.
//
// A request that gets no response fails with an error that wraps the
// network error. When ctx ends first, the methods return ctx.Err().
//
// # Rate limits
//
// The API allows 10 requests per second per token, with bursts of 20; a
// bulk call counts as one request. Each Client waits on its own token
// bucket with those defaults before every attempt; WithRateLimit changes
// them. A 429 is retried after the wait the server sends in Retry-After.
//
// Network errors and the statuses 500, 502, 503 and 504 are retried with
// jittered exponential backoff (see RetryPolicy) only where sending the
// request twice is safe: reads, updates (a merge patch applied twice gives
// the same user), deactivations and reactivations, creates that carry an
// idempotency key, and bulk calls whose creates all carry one. The server
// replays the first response to a repeated key for 24 hours, so a retried
// create never makes a second user. When the retries run out, the last
// *APIError is returned.
//
// # Pagination
//
// ListUsers returns one page of users ordered by id, with a cursor for the
// next page, which is empty on the last page. A page may hold fewer users
// than the limit even when more follow. A cursor only works with the
// filters that produced it. AllUsers iterates over every page:
//
//	for user, err := range client.AllUsers(ctx, &qooper.ListOptions{Statuses: []qooper.Status{qooper.StatusActive}}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(user.ID)
//	}
//
// FindUserByExternalID and FindUserByEmail look one user up through the
// list filters. They return ErrNotFound when no user matches and
// ErrMultipleMatches, never a guess, when more than one does.
//
// # Bulk calls
//
// Bulk sends up to 100 create, update, deactivate and reactivate operations
// in one request. The server runs them in order and independently, and
// each BulkResult carries its own status, user or *APIError.
package qooper
