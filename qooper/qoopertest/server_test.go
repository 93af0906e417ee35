package qoopertest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

func TestServerURLIsLoopbackV1(t *testing.T) {
	t.Parallel()
	srv := start(t)

	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/v1$`, srv.URL())
	assert.Equal(t, qoopertest.DefaultToken, srv.Token())
}

func TestAuthMissingTokenIs401(t *testing.T) {
	t.Parallel()
	srv := start(t)

	res := call(t, srv, http.MethodGet, "/users", nil, "Authorization", "")

	res.problem(t, http.StatusUnauthorized, qooper.CodeUnauthorized)
	assert.Contains(t, res.header.Get("WWW-Authenticate"), "Bearer")
}

func TestAuthWrongTokenIs401(t *testing.T) {
	t.Parallel()
	srv := start(t, qoopertest.WithToken("right-token"))

	for _, value := range []string{"Bearer wrong-token", "Basic right-token", "right-token", "Bearer"} {
		res := call(t, srv, http.MethodGet, "/users", nil, "Authorization", value)
		res.problem(t, http.StatusUnauthorized, qooper.CodeUnauthorized)
	}
	ok := call(t, srv, http.MethodGet, "/users", nil, "Authorization", "bearer right-token")
	assert.Equal(t, http.StatusOK, ok.status)
}

func TestAuthForbiddenTokenIs403(t *testing.T) {
	t.Parallel()
	srv := start(t, qoopertest.WithForbiddenToken("read-only"))

	res := call(t, srv, http.MethodPost, "/users", ada(), "Authorization", "Bearer read-only")

	res.problem(t, http.StatusForbidden, qooper.CodeForbidden)
	assert.Empty(t, srv.Users())
}

func TestEveryResponseHasRequestAndRateHeaders(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, ada())

	responses := []result{
		call(t, srv, http.MethodGet, "/users", nil),
		call(t, srv, http.MethodGet, "/users/"+users[0].ID, nil),
		call(t, srv, http.MethodGet, "/users/usr_missing", nil),
		call(t, srv, http.MethodGet, "/users", nil, "Authorization", ""),
		call(t, srv, http.MethodDelete, "/users/"+users[0].ID, nil),
		call(t, srv, http.MethodGet, "/nothing", nil),
	}
	seen := map[string]bool{}
	for i, res := range responses {
		requestID := res.header.Get("X-Request-Id")
		assert.NotEmpty(t, requestID, "response %d", i)
		assert.False(t, seen[requestID], "response %d reuses request id %s", i, requestID)
		seen[requestID] = true
		for _, name := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} {
			assert.NotEmpty(t, res.header.Get(name), "response %d lacks %s", i, name)
		}
	}
}

func TestUnknownEndpointIs404AndWrongMethod405(t *testing.T) {
	t.Parallel()
	srv := start(t)

	call(t, srv, http.MethodGet, "/groups", nil).problem(t, http.StatusNotFound, qooper.CodeNotFound)
	res := call(t, srv, http.MethodDelete, "/users/usr_1", nil)
	res.problem(t, http.StatusMethodNotAllowed, qooper.CodeInvalidRequest)
	assert.Equal(t, "GET, PATCH", res.header.Get("Allow"))
}

func TestRateLimitTokenBucket(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := qoopertest.Start(t, qoopertest.WithRateLimit(0.5, 3), qoopertest.WithClock(func() time.Time { return now }))

	var remaining []string
	for range 3 {
		res := call(t, srv, http.MethodGet, "/users", nil)
		require.Equal(t, http.StatusOK, res.status)
		assert.Equal(t, "3", res.header.Get("RateLimit-Limit"))
		remaining = append(remaining, res.header.Get("RateLimit-Remaining"))
	}
	assert.Equal(t, []string{"2", "1", "0"}, remaining)

	limited := call(t, srv, http.MethodGet, "/users", nil)
	limited.problem(t, http.StatusTooManyRequests, qooper.CodeRateLimited)
	assert.Equal(t, "2", limited.header.Get("Retry-After"), "one token takes 2s at 0.5 per second")
	assert.Equal(t, "0", limited.header.Get("RateLimit-Remaining"))
	assert.Equal(t, "6", limited.header.Get("RateLimit-Reset"), "three tokens take 6s")
}

func TestRateLimitIsPerToken(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := qoopertest.Start(t, qoopertest.WithRateLimit(1, 1), qoopertest.WithClock(func() time.Time { return now }),
		qoopertest.WithForbiddenToken("other"))

	assert.Equal(t, http.StatusOK, call(t, srv, http.MethodGet, "/users", nil).status)
	assert.Equal(t, http.StatusTooManyRequests, call(t, srv, http.MethodGet, "/users", nil).status)
	other := call(t, srv, http.MethodGet, "/users", nil, "Authorization", "Bearer other")
	assert.Equal(t, http.StatusForbidden, other.status, "the other token has its own bucket")
}

func TestRateLimitRetryAfterAtLeastOneSecond(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := qoopertest.Start(t, qoopertest.WithRateLimit(100, 1), qoopertest.WithClock(func() time.Time { return now }))

	call(t, srv, http.MethodGet, "/users", nil)
	limited := call(t, srv, http.MethodGet, "/users", nil)

	assert.Equal(t, http.StatusTooManyRequests, limited.status)
	assert.Equal(t, "1", limited.header.Get("Retry-After"))
}

func TestInjectFaultMatchesMethodAndPath(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, ada())
	srv.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users/*/deactivate", Status: 502, Count: 2})

	assert.Equal(t, http.StatusOK, call(t, srv, http.MethodGet, "/users/"+users[0].ID, nil).status)
	for range 2 {
		res := call(t, srv, http.MethodPost, "/users/"+users[0].ID+"/deactivate", nil)
		res.problem(t, http.StatusBadGateway, qooper.CodeServerError)
	}
	res := call(t, srv, http.MethodPost, "/users/"+users[0].ID+"/deactivate", nil)
	assert.Equal(t, qooper.StatusDeactivated, res.user(t, http.StatusOK).Status)
}

func TestInjectFaultWithProxyBody(t *testing.T) {
	t.Parallel()
	srv := start(t)
	srv.InjectFault(qoopertest.Fault{Status: 504, Body: []byte("<html>timeout</html>"), ContentType: "text/html"})

	res := call(t, srv, http.MethodGet, "/users", nil)

	assert.Equal(t, http.StatusGatewayTimeout, res.status)
	assert.Equal(t, "text/html", res.header.Get("Content-Type"))
	assert.Equal(t, "<html>timeout</html>", string(res.body))
	assert.NotEmpty(t, res.header.Get("X-Request-Id"))
}

func TestDropNextCreatesCommitsThenCloses(t *testing.T) {
	t.Parallel()
	srv := start(t)
	srv.DropNextCreates(1)

	body, err := json.Marshal(ada())
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/users", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	_, err = srv.Client().Do(req)

	require.Error(t, err, "the connection closes without a response")
	require.Len(t, srv.Users(), 1, "the create was committed")
	second := call(t, srv, http.MethodPost, "/users", person("2"))
	assert.Equal(t, http.StatusCreated, second.status, "only the next create is dropped")
}

func TestLatencyEndsWithRequestContext(t *testing.T) {
	t.Parallel()
	srv := start(t, qoopertest.WithLatency(time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/users", nil)
	require.NoError(t, err)
	_, err = srv.Client().Do(req)

	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	srv.SetLatency(0)
	assert.Equal(t, http.StatusOK, call(t, srv, http.MethodGet, "/users", nil).status)
}

func TestRequestLogOmitsAuthorization(t *testing.T) {
	t.Parallel()
	srv := start(t)

	call(t, srv, http.MethodPost, "/users?invite=true", `{"email":"a@example.com"}`, "Idempotency-Key", "k1")
	requests := srv.Requests()

	require.Len(t, requests, 1)
	got := requests[0]
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v1/users", got.Path)
	assert.Equal(t, "true", got.Query.Get("invite"))
	assert.Equal(t, "k1", got.Header.Get("Idempotency-Key"))
	assert.Empty(t, got.Header.Values("Authorization"))
	assert.Equal(t, `{"email":"a@example.com"}`, string(got.Body))
	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
}

func TestIDsAreSortableAndUnique(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := start(t, qoopertest.WithClock(func() time.Time { return now }))

	var ids []string
	for i := range 5 {
		ids = append(ids, seed(t, srv, person(strconv.Itoa(i)))[0].ID)
	}

	pattern := regexp.MustCompile(`^usr_[0-9A-HJKMNP-TV-Z]{16}$`)
	for _, id := range ids {
		assert.Regexp(t, pattern, id)
	}
	assert.IsIncreasing(t, ids, "ids sort in creation order")
}

func TestPutUserSeedsAndInspects(t *testing.T) {
	t.Parallel()
	srv := start(t)
	managerExternalID := "boss-1"
	manager, err := srv.PutUser(qooper.User{Email: "boss@example.com", FirstName: "B", LastName: "Oss", ExternalID: &managerExternalID})
	require.NoError(t, err)

	report, err := srv.PutUser(qooper.User{
		ID: "usr_seeded", Email: "report@example.com", FirstName: "R", LastName: "Eport",
		Manager: &qooper.ManagerRef{ID: manager.ID}, Status: qooper.StatusDeactivated,
	})
	require.NoError(t, err)

	assert.Equal(t, int64(1), manager.Version)
	assert.Equal(t, qooper.StatusActive, manager.Status)
	assert.False(t, manager.CreatedAt.IsZero())
	assert.Equal(t, "usr_seeded", report.ID)
	require.NotNil(t, report.Manager.ExternalID)
	assert.Equal(t, "boss-1", *report.Manager.ExternalID)
	got, found := srv.User("usr_seeded")
	require.True(t, found)
	if diff := cmp.Diff(report, got); diff != "" {
		t.Errorf("stored user mismatch (-want +got):\n%s", diff)
	}
	users := srv.Users()
	require.Len(t, users, 2)
	assert.Less(t, users[0].ID, users[1].ID)

	_, err = srv.PutUser(qooper.User{Email: "BOSS@example.com", FirstName: "X", LastName: "Y"})
	assert.Error(t, err, "the email is taken")
	_, found = srv.User("usr_none")
	assert.False(t, found)
}

func TestSuspendUserBumpsVersion(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, ada())

	require.NoError(t, srv.SuspendUser(users[0].ID))

	got, _ := srv.User(users[0].ID)
	assert.Equal(t, qooper.StatusSuspended, got.Status)
	assert.Equal(t, int64(2), got.Version)
	assert.Error(t, srv.SuspendUser("usr_none"))
}

func TestStartWorksWithoutTestingT(t *testing.T) {
	t.Parallel()
	srv := qoopertest.NewServer(qoopertest.WithRateLimit(rate.Inf, 1))
	res := call(t, srv, http.MethodGet, "/users", nil)
	srv.Close()
	srv.Close()

	assert.Equal(t, http.StatusOK, res.status)
}

func TestOversizedBodyCarriesRateLimitHeaders(t *testing.T) {
	t.Parallel()
	srv := qoopertest.Start(t)
	body := `{"email":"` + strings.Repeat("a", 2<<20) + `@example.com"}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL()+"/users", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	req.Header.Set("Content-Type", "application/json")

	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()

	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("RateLimit-Limit"))
	assert.NotEmpty(t, resp.Header.Get("RateLimit-Remaining"))
	assert.NotEmpty(t, resp.Header.Get("RateLimit-Reset"))
}

func TestManagerWithoutExternalIDIsNull(t *testing.T) {
	t.Parallel()
	srv := qoopertest.Start(t)
	manager, err := srv.PutUser(qooper.User{Email: "m@example.com", FirstName: "M", LastName: "M"})
	require.NoError(t, err)
	report, err := srv.PutUser(qooper.User{Email: "r@example.com", FirstName: "R", LastName: "R", Manager: &qooper.ManagerRef{ID: manager.ID}})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/users/"+report.ID, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())

	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))

	managerJSON, ok := body["manager"].(map[string]any)
	require.True(t, ok, "manager is an object")
	value, present := managerJSON["externalId"]
	assert.True(t, present, "externalId is present")
	assert.Nil(t, value)
}

func TestStrictLimitAndReactivateBody(t *testing.T) {
	t.Parallel()
	srv := qoopertest.Start(t)
	user, err := srv.PutUser(qooper.User{Email: "r@example.com", FirstName: "R", LastName: "R"})
	require.NoError(t, err)
	send := func(method, path, body, contentType string) int {
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}

	assert.Equal(t, http.StatusBadRequest, send(http.MethodGet, "/users?limit=%2B5", "", ""))
	assert.Equal(t, http.StatusBadRequest, send(http.MethodGet, "/users?limit=05", "", ""))
	assert.Equal(t, http.StatusOK, send(http.MethodGet, "/users?limit=5", "", ""))
	assert.Equal(t, http.StatusBadRequest, send(http.MethodPost, "/users/"+user.ID+"/reactivate", "{}", ""))
	assert.Equal(t, http.StatusOK, send(http.MethodPost, "/users/"+user.ID+"/reactivate", "{}", "application/json"))
	assert.Equal(t, http.StatusOK, send(http.MethodPost, "/users/"+user.ID+"/reactivate", "", ""))
}
