package qooper

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// MaxPageSize is the largest Limit that ListUsers accepts. The server's
// default page size is 100.
const MaxPageSize = 500

// ListOptions filters and pages ListUsers and AllUsers. The zero value
// lists every user, 100 per page.
type ListOptions struct {
	// Limit is the maximum number of users per page, 1 to 500. Zero leaves
	// the server's default of 100.
	Limit int
	// Cursor is UserPage.NextCursor of the previous page. The other
	// options must stay the same from page to page.
	Cursor string
	// Statuses keeps users with one of these statuses. Empty keeps all.
	Statuses []Status
	// ExternalID keeps the user with exactly this external id.
	ExternalID string
	// Email keeps the user with this email, compared case-insensitively.
	Email string
}

func (o *ListOptions) query() (url.Values, error) {
	query := url.Values{}
	if o == nil {
		return query, nil
	}
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return nil, fmt.Errorf("qooper: invalid list limit %d: must be 1 to %d, or 0 for the default", o.Limit, MaxPageSize)
	}
	if o.Limit > 0 {
		query.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Cursor != "" {
		query.Set("cursor", o.Cursor)
	}
	for _, status := range o.Statuses {
		query.Add("status", string(status))
	}
	if o.ExternalID != "" {
		query.Set("externalId", o.ExternalID)
	}
	if o.Email != "" {
		query.Set("email", o.Email)
	}
	return query, nil
}

// UserPage is one page of users, ordered by id.
type UserPage struct {
	Users []*User
	// NextCursor fetches the next page. It is empty on the last page.
	NextCursor string
}

// ListUsers returns one page of users, ordered by id. A page may hold fewer
// than Limit users even when more follow; only an empty NextCursor marks
// the last page. A response without a data array, or with a user that is
// null or has no id, is an error.
//
// Qooper API docs: GET /users.
func (c *Client) ListUsers(ctx context.Context, opts *ListOptions) (*UserPage, error) {
	query, err := opts.query()
	if err != nil {
		return nil, err
	}
	r := &request{method: http.MethodGet, path: "/users", route: "/users", query: query, idempotent: true}

	var body struct {
		Data       *[]*User `json:"data"`
		NextCursor *string  `json:"nextCursor"`
	}
	if err := c.do(ctx, r, &body); err != nil {
		return nil, err
	}
	if err := checkUserPage(body.Data); err != nil {
		return nil, fmt.Errorf("qooper: %s %s: invalid response body: %w", r.method, r.route, err)
	}

	page := &UserPage{Users: *body.Data}
	if page.Users == nil {
		page.Users = []*User{}
	}
	if body.NextCursor != nil {
		page.NextCursor = *body.NextCursor
	}
	return page, nil
}

// checkUserPage rejects a page without a data array, or with a user that
// is null or has no id, which a caller could neither match nor write.
func checkUserPage(data *[]*User) error {
	if data == nil {
		return errors.New("the data array is missing or null")
	}
	for i, user := range *data {
		if user == nil {
			return fmt.Errorf("user %d of the page is null", i)
		}
		if user.ID == "" {
			return fmt.Errorf("user %d of the page has no id", i)
		}
	}
	return nil
}

// AllUsers returns an iterator over every user that opts selects, fetching
// the pages as the loop goes. It copies opts, starts at opts.Cursor and
// yields (nil, err) once and stops when a page fails.
//
// Qooper API docs: GET /users.
func (c *Client) AllUsers(ctx context.Context, opts *ListOptions) iter.Seq2[*User, error] {
	var start ListOptions
	if opts != nil {
		start = *opts
		start.Statuses = slices.Clone(opts.Statuses)
	}

	return func(yield func(*User, error) bool) {
		page := start
		page.Statuses = slices.Clone(start.Statuses)
		seen := map[string]bool{}
		for {
			result, err := c.ListUsers(ctx, &page)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, user := range result.Users {
				if !yield(user, nil) {
					return
				}
			}
			if result.NextCursor == "" {
				return
			}
			if seen[result.NextCursor] {
				yield(nil, errors.New("qooper: GET /users: the server returned the same cursor twice"))
				return
			}
			seen[result.NextCursor] = true
			page.Cursor = result.NextCursor
		}
	}
}

// GetUser returns the user with the Qooper id id.
//
// Qooper API docs: GET /users/{id}.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	path, err := userPath(id, "")
	if err != nil {
		return nil, err
	}
	r := &request{method: http.MethodGet, path: path, route: "/users/{id}", idempotent: true}

	var user User
	if err := c.do(ctx, r, &user); err != nil {
		return nil, err
	}
	return &user, nil
}

// FindUserByExternalID returns the user whose external id is externalID.
// It returns an error matching ErrNotFound when there is none, and one
// matching ErrMultipleMatches when the server returns more than one.
//
// Qooper API docs: GET /users?externalId=.
func (c *Client) FindUserByExternalID(ctx context.Context, externalID string) (*User, error) {
	if externalID == "" {
		return nil, errors.New("qooper: FindUserByExternalID: the external id is empty")
	}
	opts := &ListOptions{ExternalID: externalID, Limit: 2}

	return c.findOne(ctx, opts, "external id", func(u *User) bool {
		return u.ExternalID != nil && *u.ExternalID == externalID
	})
}

// FindUserByEmail returns the user whose email equals email, compared
// case-insensitively. It returns an error matching ErrNotFound when there is
// none, and one matching ErrMultipleMatches when the server returns more
// than one.
//
// Qooper API docs: GET /users?email=.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	if email == "" {
		return nil, errors.New("qooper: FindUserByEmail: the email is empty")
	}
	opts := &ListOptions{Email: email, Limit: 2}

	return c.findOne(ctx, opts, "email", func(u *User) bool {
		return strings.EqualFold(u.Email, email)
	})
}

// findOne returns the only user that opts lists. The errors name the kind
// of key but never its value, which may be personal data.
func (c *Client) findOne(ctx context.Context, opts *ListOptions, key string, matches func(*User) bool) (*User, error) {
	var found []*User
	for user, err := range c.AllUsers(ctx, opts) {
		if err != nil {
			return nil, err
		}
		found = append(found, user)
		if len(found) > 1 {
			return nil, fmt.Errorf("%w with this %s", ErrMultipleMatches, key)
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("qooper: no user with this %s: %w", key, ErrNotFound)
	}
	if !matches(found[0]) {
		return nil, fmt.Errorf("qooper: GET /users: the server returned a user whose %s does not match the filter", key)
	}
	return found[0], nil
}

// CreateOptions are the optional settings of CreateUser.
type CreateOptions struct {
	// Invite makes Qooper e-mail the person an invitation. It is off by
	// default.
	Invite bool
	// IdempotencyKey, when set, makes the server return the first stored
	// response to a repeated create with the same key and body for 24
	// hours. Only a create with a key is retried after a network error or a
	// 5xx. A key is 1 to 255 printable ASCII characters without leading or
	// trailing spaces.
	IdempotencyKey string
}

// CreateUser creates an active user. Email, FirstName and LastName are
// required. A 409 error matching ErrConflict carries the id of the user who
// already has the email or external id in APIError.ConflictingID.
//
// Qooper API docs: POST /users.
func (c *Client) CreateUser(ctx context.Context, fields UserFields, opts *CreateOptions) (*User, error) {
	var o CreateOptions
	if opts != nil {
		o = *opts
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	if o.IdempotencyKey != "" {
		if err := checkIdempotencyKey(o.IdempotencyKey); err != nil {
			return nil, err
		}
		header.Set("Idempotency-Key", o.IdempotencyKey)
	}
	r := &request{
		method:     http.MethodPost,
		path:       "/users",
		route:      "/users",
		query:      url.Values{"invite": {strconv.FormatBool(o.Invite)}},
		header:     header,
		body:       body,
		idempotent: o.IdempotencyKey != "",
	}

	var user User
	if err := c.do(ctx, r, &user); err != nil {
		return nil, err
	}
	return &user, nil
}

// checkIdempotencyKey rejects a key that the server would reject or that
// HTTP would alter in transit. The message does not show the key.
func checkIdempotencyKey(key string) error {
	if len(key) > 255 || !isPrintableASCII(key) || strings.TrimSpace(key) != key {
		return errors.New("qooper: invalid idempotency key: it must be 1 to 255 printable ASCII characters without leading or trailing spaces")
	}
	return nil
}

// UpdateOptions are the optional settings of UpdateUser.
type UpdateOptions struct {
	// IfMatch makes the update apply only to this version of the user: an
	// entity tag such as `"7"` (see User.ETag), a bare version such as
	// `7`, or `*` for any version. A mismatch fails with an error matching
	// ErrVersionMismatch.
	IfMatch string
}

// UpdateUser applies fields to the user as a JSON merge patch (RFC 7396):
// absent fields stay as they are, Null fields are cleared, and custom
// attributes are merged by key. A patch that changes nothing returns the
// user without a new version.
//
// NOTE: an update with IfMatch whose response is lost is sent again, and
// then fails with ErrVersionMismatch although the first attempt applied.
// Read the user again before deciding.
//
// Qooper API docs: PATCH /users/{id}.
func (c *Client) UpdateUser(ctx context.Context, id string, fields UserFields, opts *UpdateOptions) (*User, error) {
	path, err := userPath(id, "")
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	if opts != nil && opts.IfMatch != "" {
		header.Set("If-Match", formatIfMatch(opts.IfMatch))
	}
	r := &request{method: http.MethodPatch, path: path, route: "/users/{id}", header: header, body: body, idempotent: true}

	var user User
	if err := c.do(ctx, r, &user); err != nil {
		return nil, err
	}
	return &user, nil
}

// formatIfMatch quotes a bare version and leaves an entity tag or "*" as
// it is.
func formatIfMatch(value string) string {
	value = strings.TrimSpace(value)
	if value == "*" || strings.HasPrefix(value, `"`) || strings.HasPrefix(value, `W/"`) {
		return value
	}
	return strconv.Quote(value)
}

// DeactivateOptions are the optional settings of DeactivateUser.
type DeactivateOptions struct {
	// Reason is recorded with the deactivation, for example "terminated".
	Reason string
	// EffectiveDate is the leaving date, written YYYY-MM-DD. The status
	// changes at once whatever the date.
	EffectiveDate string
}

// DeactivateUser sets the user's status to deactivated. Deactivating a
// deactivated user changes nothing and succeeds. A suspended user is left
// as it is, with an error matching ErrSuspended. The termination date is an
// ordinary field that UpdateUser sets.
//
// Qooper API docs: POST /users/{id}/deactivate.
func (c *Client) DeactivateUser(ctx context.Context, id string, opts *DeactivateOptions) (*User, error) {
	path, err := userPath(id, "/deactivate")
	if err != nil {
		return nil, err
	}
	var body []byte
	if opts != nil && (opts.Reason != "" || opts.EffectiveDate != "") {
		if opts.EffectiveDate != "" && !IsDate(opts.EffectiveDate) {
			return nil, errors.New("qooper: invalid effective date: it must be a date written YYYY-MM-DD")
		}
		body, err = json.Marshal(struct {
			Reason        string `json:"reason,omitempty"`
			EffectiveDate string `json:"effectiveDate,omitempty"`
		}{opts.Reason, opts.EffectiveDate})
		if err != nil {
			return nil, err
		}
	}
	r := &request{method: http.MethodPost, path: path, route: "/users/{id}/deactivate", body: body, idempotent: true}

	var user User
	if err := c.do(ctx, r, &user); err != nil {
		return nil, err
	}
	return &user, nil
}

// ReactivateUser sets a deactivated user's status to active. Reactivating
// an active user changes nothing and succeeds. A suspended user is left as
// it is, with an error matching ErrSuspended.
//
// Qooper API docs: POST /users/{id}/reactivate.
func (c *Client) ReactivateUser(ctx context.Context, id string) (*User, error) {
	path, err := userPath(id, "/reactivate")
	if err != nil {
		return nil, err
	}
	r := &request{method: http.MethodPost, path: path, route: "/users/{id}/reactivate", idempotent: true}

	var user User
	if err := c.do(ctx, r, &user); err != nil {
		return nil, err
	}
	return &user, nil
}

// userPath returns "/users/{id}" followed by suffix. An id that cannot be
// one path segment is rejected without showing it.
func userPath(id, suffix string) (string, error) {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\\") || !isPrintableASCII(id) {
		return "", errors.New("qooper: invalid user id: it must be a non-empty path segment of printable ASCII")
	}
	return "/users/" + id + suffix, nil
}
