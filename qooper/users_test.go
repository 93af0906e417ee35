package qooper_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

func TestListUsersRequestShape(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users",
		rec.responder(200, `{"data":[`+userJSON+`],"nextCursor":"cur_2"}`))

	page, err := client.ListUsers(t.Context(), &qooper.ListOptions{
		Limit: 50, Cursor: "cur_1", Statuses: []qooper.Status{qooper.StatusActive, qooper.StatusSuspended},
		ExternalID: "1042", Email: "Ada@Example.com",
	})

	require.NoError(t, err)
	want := []sentRequest{{
		Method: http.MethodGet,
		Path:   "/v1/users",
		Query: map[string][]string{
			"limit": {"50"}, "cursor": {"cur_1"}, "status": {"active", "suspended"},
			"externalId": {"1042"}, "email": {"Ada@Example.com"},
		},
	}}
	if diff := cmp.Diff(want, rec.sent(), ignoreHeader); diff != "" {
		t.Errorf("request mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, "cur_2", page.NextCursor)
	require.Len(t, page.Users, 1)
	assert.Equal(t, "usr_1", page.Users[0].ID)
}

func TestListUsersDefaultsSendNoQuery(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users", rec.responder(200, `{"data":[],"nextCursor":null}`))

	page, err := client.ListUsers(t.Context(), nil)

	require.NoError(t, err)
	assert.Empty(t, rec.sent()[0].Query)
	assert.Empty(t, page.NextCursor)
	assert.NotNil(t, page.Users)
}

func TestListUsersRejectsBadLimitLocally(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)

	for _, limit := range []int{-1, 501} {
		_, err := client.ListUsers(t.Context(), &qooper.ListOptions{Limit: limit})
		assert.Error(t, err, "limit %d", limit)
	}
	assert.Zero(t, transport.GetTotalCallCount())
}

func TestAllUsersFollowsShortPages(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t, qoopertest.WithMaxPageSize(2))
	var want []string
	for i := range 7 {
		u, err := client.CreateUser(t.Context(), person(strconv.Itoa(i)), nil)
		require.NoError(t, err)
		want = append(want, u.ID)
	}
	_, err := client.DeactivateUser(t.Context(), want[3], nil)
	require.NoError(t, err)
	srv.ResetRequests()

	var got []string
	for user, err := range client.AllUsers(t.Context(), &qooper.ListOptions{Limit: 5}) {
		require.NoError(t, err)
		got = append(got, user.ID)
	}
	var active []string
	for user, err := range client.AllUsers(t.Context(), &qooper.ListOptions{Statuses: []qooper.Status{qooper.StatusActive}}) {
		require.NoError(t, err)
		active = append(active, user.ID)
	}

	assert.Equal(t, want, got)
	assert.Equal(t, append(append([]string{}, want[:3]...), want[4:]...), active)
	assert.Len(t, srv.Requests(), 4+3, "pages of at most two users")
}

func TestAllUsersCopiesOptions(t *testing.T) {
	t.Parallel()
	client, _ := newFakeClient(t)
	for i := range 3 {
		_, err := client.CreateUser(t.Context(), person(strconv.Itoa(i)), nil)
		require.NoError(t, err)
	}
	opts := &qooper.ListOptions{Limit: 1, Statuses: []qooper.Status{qooper.StatusActive}}

	users := client.AllUsers(t.Context(), opts)
	opts.Statuses[0] = qooper.StatusDeactivated
	opts.Limit = 2
	count := 0
	for _, err := range users {
		require.NoError(t, err)
		count++
	}

	assert.Equal(t, 3, count)
	assert.Empty(t, opts.Cursor, "the caller's options are not changed")
}

func TestAllUsersStopsWhenLoopBreaks(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	for i := range 3 {
		_, err := client.CreateUser(t.Context(), person(strconv.Itoa(i)), nil)
		require.NoError(t, err)
	}
	srv.ResetRequests()

	for _, err := range client.AllUsers(t.Context(), &qooper.ListOptions{Limit: 1}) {
		require.NoError(t, err)
		break
	}

	assert.Len(t, srv.Requests(), 1)
}

func TestAllUsersYieldsErrorOnceAndStops(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	for i := range 3 {
		_, err := client.CreateUser(t.Context(), person(strconv.Itoa(i)), nil)
		require.NoError(t, err)
	}
	srv.InjectFault(qoopertest.Fault{Method: http.MethodGet, Path: "/users", Status: 500, Count: 100})

	var users, errs int
	for user, err := range client.AllUsers(t.Context(), nil) {
		if err != nil {
			errs++
			assert.Nil(t, user)
			var apiErr *qooper.APIError
			assert.ErrorAs(t, err, &apiErr)
			continue
		}
		users++
	}

	assert.Equal(t, 0, users)
	assert.Equal(t, 1, errs)
}

func TestAllUsersRejectsRepeatedCursor(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users",
		status(200, "application/json", `{"data":[],"nextCursor":"cur_same"}`))

	var errs []error
	for _, err := range client.AllUsers(t.Context(), nil) {
		errs = append(errs, err)
	}

	require.Len(t, errs, 1)
	assert.Error(t, errs[0])
	assert.Equal(t, 2, transport.GetTotalCallCount())
}

func TestFindUserByExternalIDAndEmail(t *testing.T) {
	t.Parallel()
	client, _ := newFakeClient(t)
	created, err := client.CreateUser(t.Context(), validFields(), nil)
	require.NoError(t, err)

	byExternalID, err := client.FindUserByExternalID(t.Context(), "1042")
	require.NoError(t, err)
	byEmail, err := client.FindUserByEmail(t.Context(), "ADA.Lovelace@example.com")
	require.NoError(t, err)
	_, missingExternalID := client.FindUserByExternalID(t.Context(), "9999")
	_, missingEmail := client.FindUserByEmail(t.Context(), "nobody@example.com")

	assert.Equal(t, created.ID, byExternalID.ID)
	assert.Equal(t, created.ID, byEmail.ID)
	assert.ErrorIs(t, missingExternalID, qooper.ErrNotFound)
	assert.ErrorIs(t, missingEmail, qooper.ErrNotFound)
	assert.NotContains(t, missingEmail.Error(), "nobody")
}

func TestFindUserNeverGuesses(t *testing.T) {
	t.Parallel()
	two := `{"data":[` + userJSON + `,` + userJSON + `],"nextCursor":null}`
	other := `{"data":[{"id":"usr_9","externalId":"other","email":"other@example.com"}],"nextCursor":null}`
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users", sequence(
		status(200, "application/json", two),
		status(200, "application/json", other),
	))

	_, multiple := client.FindUserByExternalID(t.Context(), "1042")
	_, mismatch := client.FindUserByExternalID(t.Context(), "1042")

	assert.ErrorIs(t, multiple, qooper.ErrMultipleMatches)
	require.Error(t, mismatch)
	assert.NotErrorIs(t, mismatch, qooper.ErrNotFound)
}

func TestFindUserFollowsEmptyPages(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users", sequence(
		status(200, "application/json", `{"data":[],"nextCursor":"cur_2"}`),
		status(200, "application/json", `{"data":[`+userJSON+`],"nextCursor":null}`),
	))

	user, err := client.FindUserByEmail(t.Context(), "ada@example.com")

	require.NoError(t, err)
	assert.Equal(t, "usr_1", user.ID)
}

func TestGetUserRequestShapeAndBadIDs(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodGet, mockBaseURL+"/users/usr_1", rec.responder(200, userJSON))

	user, err := client.GetUser(t.Context(), "usr_1")
	require.NoError(t, err)
	for _, id := range []string{"", ".", "..", "usr/1", "usr\n1"} {
		_, err := client.GetUser(t.Context(), id)
		assert.Error(t, err, "id %q", id)
	}

	assert.Equal(t, "usr_1", user.ID)
	assert.Equal(t, int64(3), user.Version)
	assert.Equal(t, 1, transport.GetTotalCallCount())
	assert.Empty(t, rec.sent()[0].Body)
}

func TestCreateUserRequestShape(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users", rec.responder(201, userJSON))
	fields := validFields()
	fields.ManagerID = qooper.Set("usr_9")
	fields.TerminationDate = qooper.Null[string]()

	_, err := client.CreateUser(t.Context(), fields, nil)
	require.NoError(t, err)
	_, err = client.CreateUser(t.Context(), fields, &qooper.CreateOptions{Invite: true, IdempotencyKey: "plan-7:1042"})
	require.NoError(t, err)

	sent := rec.sent()
	require.Len(t, sent, 2)
	wantBody := `{"externalId":"1042","email":"ada.lovelace@example.com","firstName":"Ada","lastName":"Lovelace",` +
		`"terminationDate":null,"manager":{"id":"usr_9"}}`
	for i, req := range sent {
		assert.Equal(t, "/v1/users", req.Path)
		assert.Equal(t, wantBody, req.Body)
		assert.Equal(t, "application/json", req.Header.Get("Content-Type"), "request %d", i)
	}
	assert.Equal(t, map[string][]string{"invite": {"false"}}, sent[0].Query)
	assert.Empty(t, sent[0].Header.Values("Idempotency-Key"))
	assert.Equal(t, map[string][]string{"invite": {"true"}}, sent[1].Query)
	assert.Equal(t, "plan-7:1042", sent[1].Header.Get("Idempotency-Key"))
}

func TestCreateUserRejectsBadInputLocally(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)

	for _, key := range []string{" lead", "trail ", "tab\tkey", "ü", string(make([]byte, 256))} {
		_, err := client.CreateUser(t.Context(), validFields(), &qooper.CreateOptions{IdempotencyKey: key})
		assert.Error(t, err, "key %q", key)
	}
	_, err := client.CreateUser(t.Context(), qooper.UserFields{ClearCustomAttributes: true, CustomAttributes: map[string]any{"a": 1}}, nil)
	assert.Error(t, err)
	assert.Zero(t, transport.GetTotalCallCount())
}

func TestCreateUserAgainstFake(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)

	created, err := client.CreateUser(t.Context(), validFields(), &qooper.CreateOptions{Invite: true})
	require.NoError(t, err)
	_, conflict := client.CreateUser(t.Context(), qooper.UserFields{
		ExternalID: qooper.Set("1042"), Email: qooper.Set("other@example.com"),
		FirstName: qooper.Set("O"), LastName: qooper.Set("Ther"),
	}, nil)
	_, invalid := client.CreateUser(t.Context(), qooper.UserFields{Email: qooper.Set("not-an-email")}, nil)

	assert.Equal(t, qooper.StatusActive, created.Status)
	assert.Equal(t, []string{created.ID}, srv.Invitations())
	var apiErr *qooper.APIError
	require.ErrorAs(t, conflict, &apiErr)
	assert.ErrorIs(t, conflict, qooper.ErrConflict)
	assert.Equal(t, created.ID, apiErr.ConflictingID)
	require.ErrorAs(t, invalid, &apiErr)
	assert.ErrorIs(t, invalid, qooper.ErrInvalid)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.ElementsMatch(t, []string{"email", "firstName", "lastName"}, fieldsOf(apiErr))
}

func fieldsOf(apiErr *qooper.APIError) []string {
	fields := make([]string, len(apiErr.FieldErrors))
	for i, fieldErr := range apiErr.FieldErrors {
		fields[i] = fieldErr.Field
	}
	return fields
}

func TestCreateLostResponseRetriedWithSameKey(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	srv.DropNextCreates(1)

	user, err := client.CreateUser(t.Context(), validFields(), &qooper.CreateOptions{IdempotencyKey: "plan-7:1042"})

	require.NoError(t, err)
	users := srv.Users()
	require.Len(t, users, 1, "exactly one user")
	assert.Equal(t, users[0].ID, user.ID)
	var creates []qoopertest.RecordedRequest
	for _, req := range srv.Requests() {
		if req.Method == http.MethodPost && req.Path == "/v1/users" {
			creates = append(creates, req)
		}
	}
	require.Len(t, creates, 2, "the create was sent again")
	for _, req := range creates {
		assert.Equal(t, "plan-7:1042", req.Header.Get("Idempotency-Key"))
		assert.Equal(t, string(creates[0].Body), string(req.Body))
	}
}

func TestCreateLostResponseWithoutKeyNotRetried(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	srv.DropNextCreates(1)

	_, err := client.CreateUser(t.Context(), validFields(), nil)

	require.Error(t, err)
	var apiErr *qooper.APIError
	assert.False(t, errors.As(err, &apiErr), "no response arrived")
	assert.Len(t, srv.Requests(), 1)
	assert.Len(t, srv.Users(), 1, "the server committed the create")
}

func TestUpdateUserRequestShape(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodPatch, mockBaseURL+"/users/usr_1", rec.responder(200, userJSON))
	fields := qooper.UserFields{
		JobTitle:         qooper.Null[string](),
		ManagerID:        qooper.Null[string](),
		CustomAttributes: map[string]any{"level": "L6", "remote": nil},
	}

	for _, ifMatch := range []string{"", `"7"`, "7", "*"} {
		_, err := client.UpdateUser(t.Context(), "usr_1", fields, &qooper.UpdateOptions{IfMatch: ifMatch})
		require.NoError(t, err)
	}
	_, err := client.UpdateUser(t.Context(), "usr_1", qooper.UserFields{}, nil)
	require.NoError(t, err)

	sent := rec.sent()
	require.Len(t, sent, 5)
	assert.Equal(t, `{"jobTitle":null,"manager":null,"customAttributes":{"level":"L6","remote":null}}`, sent[0].Body)
	assert.Equal(t, "application/json", sent[0].Header.Get("Content-Type"))
	assert.Empty(t, sent[0].Header.Values("If-Match"))
	assert.Equal(t, `"7"`, sent[1].Header.Get("If-Match"))
	assert.Equal(t, `"7"`, sent[2].Header.Get("If-Match"), "a bare version is quoted")
	assert.Equal(t, "*", sent[3].Header.Get("If-Match"))
	assert.Equal(t, `{}`, sent[4].Body)
}

func TestUpdateUserAgainstFake(t *testing.T) {
	t.Parallel()
	client, _ := newFakeClient(t)
	fields := validFields()
	fields.JobTitle = qooper.Set("Engineer")
	fields.CustomAttributes = map[string]any{"level": "L5", "remote": true}
	created, err := client.CreateUser(t.Context(), fields, nil)
	require.NoError(t, err)

	updated, err := client.UpdateUser(t.Context(), created.ID, qooper.UserFields{
		JobTitle:         qooper.Null[string](),
		CustomAttributes: map[string]any{"remote": nil, "team": "core"},
	}, &qooper.UpdateOptions{IfMatch: created.ETag()})
	require.NoError(t, err)
	_, stale := client.UpdateUser(t.Context(), created.ID, qooper.UserFields{Location: qooper.Set("Paris")},
		&qooper.UpdateOptions{IfMatch: created.ETag()})
	cleared, err := client.UpdateUser(t.Context(), created.ID, qooper.UserFields{ClearCustomAttributes: true}, nil)
	require.NoError(t, err)
	_, missing := client.UpdateUser(t.Context(), "usr_none", qooper.UserFields{}, nil)

	assert.Nil(t, updated.JobTitle)
	assert.Equal(t, map[string]any{"level": "L5", "team": "core"}, updated.CustomAttributes)
	assert.Equal(t, created.Version+1, updated.Version)
	assert.ErrorIs(t, stale, qooper.ErrVersionMismatch)
	assert.Empty(t, cleared.CustomAttributes)
	assert.ErrorIs(t, missing, qooper.ErrNotFound)
}

func TestUpdateUserManagerCycleIs422(t *testing.T) {
	t.Parallel()
	client, _ := newFakeClient(t)
	boss, err := client.CreateUser(t.Context(), person("1"), nil)
	require.NoError(t, err)
	report := person("2")
	report.ManagerID = qooper.Set(boss.ID)
	worker, err := client.CreateUser(t.Context(), report, nil)
	require.NoError(t, err)

	_, cycle := client.UpdateUser(t.Context(), boss.ID, qooper.UserFields{ManagerID: qooper.Set(worker.ID)}, nil)

	var apiErr *qooper.APIError
	require.ErrorAs(t, cycle, &apiErr)
	assert.Equal(t, http.StatusUnprocessableEntity, apiErr.StatusCode)
	assert.Equal(t, qooper.CodeInvalidValue, apiErr.Code)
	assert.ErrorIs(t, cycle, qooper.ErrInvalid)
	assert.Equal(t, boss.ID, worker.Manager.ID)
}

func TestDeactivateAndReactivateRequestShape(t *testing.T) {
	t.Parallel()
	client, transport := newMockClient(t)
	rec := &recorder{}
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users/usr_1/deactivate", rec.responder(200, userJSON))
	transport.RegisterResponder(http.MethodPost, mockBaseURL+"/users/usr_1/reactivate", rec.responder(200, userJSON))

	_, err := client.DeactivateUser(t.Context(), "usr_1", &qooper.DeactivateOptions{Reason: "terminated", EffectiveDate: "2026-06-30"})
	require.NoError(t, err)
	_, err = client.DeactivateUser(t.Context(), "usr_1", nil)
	require.NoError(t, err)
	_, err = client.ReactivateUser(t.Context(), "usr_1")
	require.NoError(t, err)
	_, badDate := client.DeactivateUser(t.Context(), "usr_1", &qooper.DeactivateOptions{EffectiveDate: "30.06.2026"})

	sent := rec.sent()
	require.Len(t, sent, 3)
	assert.Equal(t, `{"reason":"terminated","effectiveDate":"2026-06-30"}`, sent[0].Body)
	assert.Equal(t, "application/json", sent[0].Header.Get("Content-Type"))
	assert.Empty(t, sent[1].Body)
	assert.Empty(t, sent[1].Header.Values("Content-Type"))
	assert.Equal(t, "/v1/users/usr_1/reactivate", sent[2].Path)
	assert.Empty(t, sent[2].Body)
	assert.Error(t, badDate)
}

func TestDeactivateAndReactivateAgainstFake(t *testing.T) {
	t.Parallel()
	client, srv := newFakeClient(t)
	created, err := client.CreateUser(t.Context(), validFields(), nil)
	require.NoError(t, err)
	suspended, err := client.CreateUser(t.Context(), person("2"), nil)
	require.NoError(t, err)
	require.NoError(t, srv.SuspendUser(suspended.ID))

	first, err := client.DeactivateUser(t.Context(), created.ID, &qooper.DeactivateOptions{Reason: "terminated"})
	require.NoError(t, err)
	second, err := client.DeactivateUser(t.Context(), created.ID, nil)
	require.NoError(t, err)
	back, err := client.ReactivateUser(t.Context(), created.ID)
	require.NoError(t, err)
	_, deactivateSuspended := client.DeactivateUser(t.Context(), suspended.ID, nil)
	_, reactivateSuspended := client.ReactivateUser(t.Context(), suspended.ID)

	assert.Equal(t, qooper.StatusDeactivated, first.Status)
	assert.Equal(t, first.Version, second.Version, "a second deactivation changes nothing")
	assert.Equal(t, qooper.StatusActive, back.Status)
	assert.ErrorIs(t, deactivateSuspended, qooper.ErrSuspended)
	assert.ErrorIs(t, reactivateSuspended, qooper.ErrSuspended)
	assert.NotErrorIs(t, reactivateSuspended, qooper.ErrConflict)
}

func TestUnauthorizedAndForbiddenAgainstFake(t *testing.T) {
	t.Parallel()
	srv := qoopertest.Start(t, qoopertest.WithForbiddenToken("read-only-token"))
	wrong, err := qooper.NewClient(srv.URL(), "wrong-token", qooper.WithRetryPolicy(fastRetries()))
	require.NoError(t, err)
	readOnly, err := qooper.NewClient(srv.URL(), "read-only-token", qooper.WithRetryPolicy(fastRetries()))
	require.NoError(t, err)

	_, unauthorized := wrong.ListUsers(t.Context(), nil)
	_, forbidden := readOnly.CreateUser(t.Context(), validFields(), &qooper.CreateOptions{IdempotencyKey: "k"})

	assert.ErrorIs(t, unauthorized, qooper.ErrUnauthorized)
	assert.NotContains(t, unauthorized.Error(), "wrong-token")
	assert.ErrorIs(t, forbidden, qooper.ErrForbidden)
	assert.Len(t, srv.Requests(), 2, "401 and 403 are not retried")
}

// ignoreHeader leaves headers out of request comparisons.
var ignoreHeader = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().String() == ".Header"
}, cmp.Ignore())
