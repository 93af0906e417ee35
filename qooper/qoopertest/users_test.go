package qoopertest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

func TestCreateReturns201WithLocationAndETag(t *testing.T) {
	t.Parallel()
	srv := start(t)

	res := call(t, srv, http.MethodPost, "/users", ada())

	u := res.user(t, http.StatusCreated)
	assert.Equal(t, "/v1/users/"+u.ID, res.header.Get("Location"))
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
	assert.Equal(t, qooper.StatusActive, u.Status)
	assert.Equal(t, int64(1), u.Version)
	assert.Equal(t, time.UTC, u.CreatedAt.Location())
	assert.Equal(t, u.CreatedAt, u.UpdatedAt)
	assert.Contains(t, string(res.body), `"customAttributes":{}`)
	assert.Contains(t, string(res.body), `"terminationDate":null`)
}

func TestCreateStoresValuesAsGiven(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := ada()
	body["displayName"] = ""
	body["firstName"] = "  Ada "
	body["startDate"] = "2021-05-04"
	body["customAttributes"] = map[string]any{"level": "L5", "remote": true, "grade": 3, "gone": nil}

	u := call(t, srv, http.MethodPost, "/users", body).user(t, http.StatusCreated)

	require.NotNil(t, u.DisplayName)
	assert.Equal(t, "", *u.DisplayName, "empty strings are stored as given")
	assert.Equal(t, "  Ada ", u.FirstName)
	assert.Equal(t, "2021-05-04", *u.StartDate)
	want := map[string]any{"level": "L5", "remote": true, "grade": float64(3)}
	if diff := cmp.Diff(want, u.CustomAttributes); diff != "" {
		t.Errorf("custom attributes mismatch (-want +got):\n%s", diff)
	}
}

func TestCreateInviteDefaultsToFalse(t *testing.T) {
	t.Parallel()
	srv := start(t)

	quiet := call(t, srv, http.MethodPost, "/users", person("1")).user(t, http.StatusCreated)
	call(t, srv, http.MethodPost, "/users?invite=false", person("2")).user(t, http.StatusCreated)
	invited := call(t, srv, http.MethodPost, "/users?invite=true", person("3")).user(t, http.StatusCreated)
	bad := call(t, srv, http.MethodPost, "/users?invite=yes", person("4"))

	assert.Equal(t, []string{invited.ID}, srv.Invitations())
	assert.NotContains(t, srv.Invitations(), quiet.ID)
	bad.problem(t, http.StatusBadRequest, qooper.CodeInvalidValue)
}

func TestCreateRejectsUnknownAndReadOnlyFields(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := ada()
	body["nickname"] = "Countess"
	body["status"] = "active"
	body["id"] = "usr_mine"

	p := call(t, srv, http.MethodPost, "/users", body).problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)

	assert.ElementsMatch(t, []string{"id", "nickname", "status"}, fieldNames(p))
	assert.Empty(t, srv.Users())
}

func TestCreateRejectsEveryReadOnlyField(t *testing.T) {
	t.Parallel()
	srv := start(t)

	for _, name := range []string{"id", "status", "version", "createdAt", "updatedAt"} {
		body := ada()
		body[name] = "x"
		p := call(t, srv, http.MethodPost, "/users", body).problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
		assert.Equal(t, []string{name}, fieldNames(p))
	}
}

func TestCreateRejectsBadContentType(t *testing.T) {
	t.Parallel()
	srv := start(t)

	for _, contentType := range []string{"", "text/plain", "application/merge-patch+json"} {
		res := call(t, srv, http.MethodPost, "/users", ada(), "Content-Type", contentType)
		p := res.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
		assert.Equal(t, []string{"Content-Type"}, fieldNames(p), "content type %q", contentType)
	}
	ok := call(t, srv, http.MethodPost, "/users", ada(), "Content-Type", "application/json; charset=utf-8")
	assert.Equal(t, http.StatusCreated, ok.status)
}

func TestCreateRejectsMalformedBodies(t *testing.T) {
	t.Parallel()
	srv := start(t)

	for _, body := range []string{`{"email":`, `[]`, `"text"`, `{"email":"a@example.com"} {}`, "{\"firstName\":\"\xff\"}"} {
		res := call(t, srv, http.MethodPost, "/users", body)
		res.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
	}
	assert.Empty(t, srv.Users())
}

func TestUnknownQueryParameterIs400(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, ada())

	for _, target := range []struct{ method, path string }{
		{http.MethodGet, "/users?page=2"},
		{http.MethodGet, "/users/" + users[0].ID + "?expand=manager"},
		{http.MethodPost, "/users?notify=true"},
		{http.MethodPost, "/users/" + users[0].ID + "/reactivate?force=true"},
	} {
		var body any
		if target.method == http.MethodPost && strings.HasPrefix(target.path, "/users?") {
			body = person("2")
		}
		p := call(t, srv, target.method, target.path, body).problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
		assert.Len(t, p.Errors, 1, "%s %s", target.method, target.path)
	}
}

func TestCreateValidatesValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(map[string]any)
		status int
		code   string
		field  string
	}{
		{"missing email", func(b map[string]any) { delete(b, "email") }, 400, qooper.CodeInvalidValue, "email"},
		{"null first name", func(b map[string]any) { b["firstName"] = nil }, 400, qooper.CodeInvalidValue, "firstName"},
		{"blank last name", func(b map[string]any) { b["lastName"] = "   " }, 400, qooper.CodeInvalidValue, "lastName"},
		{"long first name", func(b map[string]any) { b["firstName"] = strings.Repeat("é", 101) }, 400, qooper.CodeInvalidValue, "firstName"},
		{"bad email", func(b map[string]any) { b["email"] = "ada@localhost" }, 400, qooper.CodeInvalidValue, "email"},
		{"spaced email", func(b map[string]any) { b["email"] = " ada@example.com" }, 400, qooper.CodeInvalidValue, "email"},
		{"long job title", func(b map[string]any) { b["jobTitle"] = strings.Repeat("x", 201) }, 400, qooper.CodeInvalidValue, "jobTitle"},
		{"bad date", func(b map[string]any) { b["startDate"] = "2021-02-30" }, 400, qooper.CodeInvalidValue, "startDate"},
		{"instant date", func(b map[string]any) { b["terminationDate"] = "2021-05-04T00:00:00Z" }, 400, qooper.CodeInvalidValue, "terminationDate"},
		{"empty external id", func(b map[string]any) { b["externalId"] = "" }, 400, qooper.CodeInvalidValue, "externalId"},
		{"number external id", func(b map[string]any) { b["externalId"] = 1042 }, 400, qooper.CodeInvalidValue, "externalId"},
		{"bad attribute key", func(b map[string]any) { b["customAttributes"] = map[string]any{"a b": "x"} }, 400, qooper.CodeInvalidValue, "customAttributes.a b"},
		{"object attribute", func(b map[string]any) { b["customAttributes"] = map[string]any{"a": map[string]any{}} }, 400, qooper.CodeInvalidValue, "customAttributes.a"},
		{"array attributes", func(b map[string]any) { b["customAttributes"] = []string{"a"} }, 400, qooper.CodeInvalidValue, "customAttributes"},
		{"manager by email", func(b map[string]any) { b["manager"] = map[string]any{"email": "x@example.com"} }, 400, qooper.CodeInvalidRequest, "manager"},
		{"manager with extra key", func(b map[string]any) {
			b["manager"] = map[string]any{"id": "usr_1", "externalId": "1"}
		}, 400, qooper.CodeInvalidRequest, "manager"},
		{"manager as string", func(b map[string]any) { b["manager"] = "usr_1" }, 400, qooper.CodeInvalidRequest, "manager"},
		{"missing manager", func(b map[string]any) { b["manager"] = map[string]any{"id": "usr_none"} }, 422, qooper.CodeInvalidValue, "manager"},
	}
	srv := start(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := ada()
			tt.change(body)

			p := call(t, srv, http.MethodPost, "/users", body).problem(t, tt.status, tt.code)

			assert.Contains(t, fieldNames(p), tt.field)
		})
	}
	assert.Empty(t, srv.Users())
}

func TestCreateRejectsTooManyAttributes(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := ada()
	attributes := map[string]any{}
	for i := range 51 {
		attributes["k"+strconv.Itoa(i)] = i
	}
	body["customAttributes"] = attributes

	p := call(t, srv, http.MethodPost, "/users", body).problem(t, http.StatusBadRequest, qooper.CodeInvalidValue)

	assert.Equal(t, []string{"customAttributes"}, fieldNames(p))
}

func TestEmailUniqueIgnoringCase(t *testing.T) {
	t.Parallel()
	srv := start(t)
	first := seed(t, srv, ada())[0]
	call(t, srv, http.MethodPost, "/users/"+first.ID+"/deactivate", nil)
	body := person("2")
	body["email"] = "Ada.Lovelace@EXAMPLE.com"

	p := call(t, srv, http.MethodPost, "/users", body).problem(t, http.StatusConflict, qooper.CodeUniqueness)

	assert.Equal(t, first.ID, p.ConflictingID, "a deactivated user still owns the email")
	assert.Equal(t, []string{"email"}, fieldNames(p))
	assert.NotContains(t, p.Detail, "lovelace", "the detail names the user, not the address")
}

func TestExternalIDUnique(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, ada(), person("2"))
	body := person("3")
	body["externalId"] = "1042"

	created := call(t, srv, http.MethodPost, "/users", body).problem(t, http.StatusConflict, qooper.CodeUniqueness)
	patched := call(t, srv, http.MethodPatch, "/users/"+users[1].ID, map[string]any{"externalId": "1042"}).
		problem(t, http.StatusConflict, qooper.CodeUniqueness)

	assert.Equal(t, users[0].ID, created.ConflictingID)
	assert.Equal(t, []string{"externalId"}, fieldNames(created))
	assert.Equal(t, users[0].ID, patched.ConflictingID)
}

func TestPatchEmailToTakenOneIs409(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, ada(), person("2"))

	p := call(t, srv, http.MethodPatch, "/users/"+users[1].ID, map[string]any{"email": "ADA.lovelace@example.com"}).
		problem(t, http.StatusConflict, qooper.CodeUniqueness)
	own := call(t, srv, http.MethodPatch, "/users/"+users[0].ID, map[string]any{"email": "ADA.LOVELACE@example.com"})

	assert.Equal(t, users[0].ID, p.ConflictingID)
	assert.Equal(t, "ADA.LOVELACE@example.com", own.user(t, http.StatusOK).Email, "a user may change the case of its own email")
}

func TestIdempotentCreateReplaysFirstResponse(t *testing.T) {
	t.Parallel()
	srv := start(t)

	first := call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", "create-1042")
	reordered := `{"lastName":"Lovelace", "firstName":"Ada","email":"ada.lovelace@example.com","externalId":"1042"}`
	second := call(t, srv, http.MethodPost, "/users?invite=false", reordered, "Idempotency-Key", "create-1042")

	assert.Equal(t, http.StatusCreated, second.status)
	assert.Equal(t, string(first.body), string(second.body))
	assert.Equal(t, first.header.Get("Location"), second.header.Get("Location"))
	assert.NotEqual(t, first.header.Get("X-Request-Id"), second.header.Get("X-Request-Id"))
	assert.Len(t, srv.Users(), 1)
}

func TestIdempotencyKeyWithOtherBodyIs422(t *testing.T) {
	t.Parallel()
	srv := start(t)
	call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", "k")

	other := call(t, srv, http.MethodPost, "/users", person("2"), "Idempotency-Key", "k")
	invited := call(t, srv, http.MethodPost, "/users?invite=true", ada(), "Idempotency-Key", "k")

	other.problem(t, http.StatusUnprocessableEntity, qooper.CodeIdempotencyMismatch)
	invited.problem(t, http.StatusUnprocessableEntity, qooper.CodeIdempotencyMismatch)
	assert.Len(t, srv.Users(), 1)
}

func TestIdempotencyStoresErrorsButNot5xx(t *testing.T) {
	t.Parallel()
	srv := start(t)
	owner := seed(t, srv, ada())[0]
	body := person("2")
	body["email"] = "ada.lovelace@example.com"

	conflict := call(t, srv, http.MethodPost, "/users", body, "Idempotency-Key", "k-409")
	conflict.problem(t, http.StatusConflict, qooper.CodeUniqueness)
	call(t, srv, http.MethodPatch, "/users/"+owner.ID, map[string]any{"email": "ada@example.com"}).user(t, http.StatusOK)
	replay := call(t, srv, http.MethodPost, "/users", body, "Idempotency-Key", "k-409")

	assert.Equal(t, http.StatusConflict, replay.status, "the stored 409 is replayed")
	assert.Equal(t, string(conflict.body), string(replay.body))

	srv.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: 500})
	failed := call(t, srv, http.MethodPost, "/users", person("3"), "Idempotency-Key", "k-500")
	retried := call(t, srv, http.MethodPost, "/users", person("3"), "Idempotency-Key", "k-500")

	assert.Equal(t, http.StatusInternalServerError, failed.status)
	assert.Equal(t, http.StatusCreated, retried.status, "a 5xx is not stored")
}

func TestIdempotencyExpiresAfter24Hours(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv := start(t, qoopertest.WithClock(clock.Now))

	call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", "k").user(t, http.StatusCreated)
	clock.Advance(24*time.Hour - time.Second)
	replayed := call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", "k")
	clock.Advance(2 * time.Second)
	expired := call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", "k")

	assert.Equal(t, http.StatusCreated, replayed.status)
	expired.problem(t, http.StatusConflict, qooper.CodeUniqueness)
}

func TestIdempotencyKeyFormat(t *testing.T) {
	t.Parallel()
	srv := start(t)

	tooLong := call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", strings.Repeat("k", 256))
	p := tooLong.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
	assert.Equal(t, []string{"Idempotency-Key"}, fieldNames(p))
	maxLength := call(t, srv, http.MethodPost, "/users", ada(), "Idempotency-Key", strings.Repeat("k", 255))
	assert.Equal(t, http.StatusCreated, maxLength.status)
}

func TestGetUserAndNotFound(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]

	res := call(t, srv, http.MethodGet, "/users/"+created.ID, nil)

	if diff := cmp.Diff(created, res.user(t, http.StatusOK)); diff != "" {
		t.Errorf("user mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
	call(t, srv, http.MethodGet, "/users/usr_none", nil).problem(t, http.StatusNotFound, qooper.CodeNotFound)
	call(t, srv, http.MethodPatch, "/users/usr_none", map[string]any{}).problem(t, http.StatusNotFound, qooper.CodeNotFound)
}

func TestPatchMergesAndClears(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := ada()
	body["jobTitle"] = "Engineer"
	body["department"] = "R&D"
	body["customAttributes"] = map[string]any{"level": "L5", "remote": true, "site": "LON"}
	created := seed(t, srv, body)[0]

	patch := map[string]any{
		"jobTitle":         nil,
		"location":         "London",
		"customAttributes": map[string]any{"level": "L6", "remote": nil, "team": "core"},
	}
	res := call(t, srv, http.MethodPatch, "/users/"+created.ID, patch)

	u := res.user(t, http.StatusOK)
	assert.Nil(t, u.JobTitle, "null clears")
	require.NotNil(t, u.Department)
	assert.Equal(t, "R&D", *u.Department, "absent stays")
	assert.Equal(t, "London", *u.Location)
	want := map[string]any{"level": "L6", "site": "LON", "team": "core"}
	if diff := cmp.Diff(want, u.CustomAttributes); diff != "" {
		t.Errorf("custom attributes mismatch (-want +got):\n%s", diff)
	}
	assert.Equal(t, int64(2), u.Version)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))

	cleared := call(t, srv, http.MethodPatch, "/users/"+created.ID, `{"customAttributes":null}`).user(t, http.StatusOK)
	assert.Empty(t, cleared.CustomAttributes)
}

func TestPatchRejectsClearingRequiredFields(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]

	p := call(t, srv, http.MethodPatch, "/users/"+created.ID, `{"email":null,"lastName":null}`).
		problem(t, http.StatusBadRequest, qooper.CodeInvalidValue)

	assert.ElementsMatch(t, []string{"email", "lastName"}, fieldNames(p))
}

func TestPatchRejectsReadOnlyStatus(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]

	p := call(t, srv, http.MethodPatch, "/users/"+created.ID, `{"status":"deactivated"}`).
		problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)

	assert.Equal(t, []string{"status"}, fieldNames(p))
	got, _ := srv.User(created.ID)
	assert.Equal(t, qooper.StatusActive, got.Status)
}

func TestPatchAcceptsMergePatchContentType(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]

	res := call(t, srv, http.MethodPatch, "/users/"+created.ID, `{"location":"Paris"}`,
		"Content-Type", "application/merge-patch+json")
	bad := call(t, srv, http.MethodPatch, "/users/"+created.ID, `{"location":"Paris"}`, "Content-Type", "text/plain")

	assert.Equal(t, "Paris", *res.user(t, http.StatusOK).Location)
	bad.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
}

func TestPatchWithoutChangeKeepsVersion(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := ada()
	body["customAttributes"] = map[string]any{"level": "L5"}
	created := seed(t, srv, body)[0]

	for _, patch := range []string{`{}`, `{"firstName":"Ada","customAttributes":{"level":"L5","gone":null}}`} {
		u := call(t, srv, http.MethodPatch, "/users/"+created.ID, patch).user(t, http.StatusOK)
		assert.Equal(t, int64(1), u.Version, "patch %s", patch)
		assert.Equal(t, created.UpdatedAt, u.UpdatedAt)
	}
}

func TestPatchTooManyMergedAttributesIs400(t *testing.T) {
	t.Parallel()
	srv := start(t)
	body := ada()
	first := map[string]any{}
	second := map[string]any{}
	for i := range 30 {
		first["a"+strconv.Itoa(i)] = "x"
		second["b"+strconv.Itoa(i)] = "y"
	}
	body["customAttributes"] = first
	created := seed(t, srv, body)[0]

	p := call(t, srv, http.MethodPatch, "/users/"+created.ID, map[string]any{"customAttributes": second}).
		problem(t, http.StatusBadRequest, qooper.CodeInvalidValue)

	assert.Equal(t, []string{"customAttributes"}, fieldNames(p))
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]
	path := "/users/" + created.ID
	call(t, srv, http.MethodPatch, path, `{"location":"London"}`).user(t, http.StatusOK)

	stale := call(t, srv, http.MethodPatch, path, `{"location":"Paris"}`, "If-Match", `"1"`)
	unquoted := call(t, srv, http.MethodPatch, path, `{"location":"Paris"}`, "If-Match", `2`)
	current := call(t, srv, http.MethodPatch, path, `{"location":"Paris"}`, "If-Match", `"2"`)
	listed := call(t, srv, http.MethodPatch, path, `{"location":"Rome"}`, "If-Match", `"1", "3"`)
	anyVersion := call(t, srv, http.MethodPatch, path, `{"location":"Oslo"}`, "If-Match", `*`)

	stale.problem(t, http.StatusPreconditionFailed, qooper.CodeVersionMismatch)
	unquoted.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
	assert.Equal(t, int64(3), current.user(t, http.StatusOK).Version)
	assert.Equal(t, int64(4), listed.user(t, http.StatusOK).Version)
	assert.Equal(t, "Oslo", *anyVersion.user(t, http.StatusOK).Location)
}

func TestManagerRules(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, person("1"), person("2"), person("3"))
	a, b, c := users[0].ID, users[1].ID, users[2].ID
	setManager := func(id, managerID string) result {
		return call(t, srv, http.MethodPatch, "/users/"+id, map[string]any{"manager": map[string]any{"id": managerID}})
	}

	linked := setManager(b, a).user(t, http.StatusOK)
	setManager(c, b).user(t, http.StatusOK)
	self := setManager(a, a)
	cycle := setManager(a, c)
	missing := setManager(a, "usr_none")

	require.NotNil(t, linked.Manager)
	assert.Equal(t, a, linked.Manager.ID)
	assert.Equal(t, "ext-1", *linked.Manager.ExternalID)
	for _, res := range []result{self, cycle, missing} {
		p := res.problem(t, http.StatusUnprocessableEntity, qooper.CodeInvalidValue)
		assert.Equal(t, []string{"manager"}, fieldNames(p))
	}
	got, _ := srv.User(a)
	assert.Nil(t, got.Manager)

	call(t, srv, http.MethodPost, "/users/"+a+"/deactivate", nil).user(t, http.StatusOK)
	require.NoError(t, srv.SuspendUser(b))
	body := person("4")
	body["manager"] = map[string]any{"id": a}
	withDeactivated := call(t, srv, http.MethodPost, "/users", body).user(t, http.StatusCreated)
	assert.Equal(t, a, withDeactivated.Manager.ID, "a deactivated manager is allowed")
	assert.Equal(t, http.StatusOK, setManager(withDeactivated.ID, b).status, "a suspended manager is allowed")

	cleared := call(t, srv, http.MethodPatch, "/users/"+c, `{"manager":null}`).user(t, http.StatusOK)
	assert.Nil(t, cleared.Manager)
}

func TestManagerRefShowsCurrentExternalID(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, person("1"))
	body := person("2")
	body["manager"] = map[string]any{"id": users[0].ID}
	report := seed(t, srv, body)[0]

	call(t, srv, http.MethodPatch, "/users/"+users[0].ID, `{"externalId":null}`).user(t, http.StatusOK)
	got := call(t, srv, http.MethodGet, "/users/"+report.ID, nil).user(t, http.StatusOK)

	assert.Equal(t, "ext-1", *report.Manager.ExternalID)
	assert.Nil(t, got.Manager.ExternalID)
}

func TestDeactivateAndReactivateAreIdempotent(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]
	path := "/users/" + created.ID

	first := call(t, srv, http.MethodPost, path+"/deactivate", `{"reason":"terminated","effectiveDate":"2026-06-30"}`).
		user(t, http.StatusOK)
	second := call(t, srv, http.MethodPost, path+"/deactivate", nil).user(t, http.StatusOK)
	back := call(t, srv, http.MethodPost, path+"/reactivate", nil).user(t, http.StatusOK)
	again := call(t, srv, http.MethodPost, path+"/reactivate", nil).user(t, http.StatusOK)

	assert.Equal(t, qooper.StatusDeactivated, first.Status)
	assert.Equal(t, int64(2), first.Version)
	assert.Nil(t, first.TerminationDate, "only the status changes")
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("second deactivate changed the user (-want +got):\n%s", diff)
	}
	assert.Equal(t, qooper.StatusActive, back.Status)
	assert.Equal(t, int64(3), back.Version)
	assert.Equal(t, back, again)
}

func TestSuspendedUserIsNotDeactivatedOrReactivated(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]
	require.NoError(t, srv.SuspendUser(created.ID))
	path := "/users/" + created.ID

	call(t, srv, http.MethodPost, path+"/deactivate", nil).problem(t, http.StatusConflict, qooper.CodeSuspended)
	call(t, srv, http.MethodPost, path+"/reactivate", nil).problem(t, http.StatusConflict, qooper.CodeSuspended)
	patched := call(t, srv, http.MethodPatch, path, `{"location":"Paris"}`).user(t, http.StatusOK)

	assert.Equal(t, qooper.StatusSuspended, patched.Status, "fields still update")
	assert.Equal(t, int64(3), patched.Version)
}

func TestDeactivateValidatesBody(t *testing.T) {
	t.Parallel()
	srv := start(t)
	created := seed(t, srv, ada())[0]
	path := "/users/" + created.ID

	unknown := call(t, srv, http.MethodPost, path+"/deactivate", `{"why":"left"}`)
	badDate := call(t, srv, http.MethodPost, path+"/deactivate", `{"effectiveDate":"30/06/2026"}`)
	badType := call(t, srv, http.MethodPost, path+"/deactivate", `{"reason":"x"}`, "Content-Type", "text/plain")
	reactivateBody := call(t, srv, http.MethodPost, path+"/reactivate", `{"reason":"rehire"}`)

	assert.Equal(t, []string{"why"}, fieldNames(unknown.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)))
	assert.Equal(t, []string{"effectiveDate"}, fieldNames(badDate.problem(t, http.StatusBadRequest, qooper.CodeInvalidValue)))
	badType.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
	reactivateBody.problem(t, http.StatusBadRequest, qooper.CodeInvalidRequest)
	got, _ := srv.User(created.ID)
	assert.Equal(t, qooper.StatusActive, got.Status)
}

type page struct {
	Data       []qooper.User `json:"data"`
	NextCursor *string       `json:"nextCursor"`
}

func listPage(t *testing.T, srv *qoopertest.Server, query string) page {
	t.Helper()
	res := call(t, srv, http.MethodGet, "/users"+query, nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	var p page
	require.NoError(t, json.Unmarshal(res.body, &p))
	return p
}

func ids(users []qooper.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}

func TestListPagesInIDOrder(t *testing.T) {
	t.Parallel()
	srv := start(t)
	var bodies []map[string]any
	for i := range 5 {
		bodies = append(bodies, person(strconv.Itoa(i)))
	}
	users := seed(t, srv, bodies...)

	first := listPage(t, srv, "?limit=2")
	require.NotNil(t, first.NextCursor)
	seed(t, srv, person("late"))
	second := listPage(t, srv, "?limit=2&cursor="+*first.NextCursor)
	require.NotNil(t, second.NextCursor)
	third := listPage(t, srv, "?limit=2&cursor="+*second.NextCursor)

	assert.Equal(t, ids(users[:2]), ids(first.Data))
	assert.Equal(t, ids(users[2:4]), ids(second.Data))
	require.Len(t, third.Data, 2, "a user created during paging with a higher id appears at the end")
	assert.Equal(t, users[4].ID, third.Data[0].ID)
	assert.Nil(t, third.NextCursor, "the last page has no cursor")

	all := listPage(t, srv, "")
	assert.Len(t, all.Data, 6)
	assert.Nil(t, all.NextCursor)
}

func TestListEmptyReturnsEmptyArray(t *testing.T) {
	t.Parallel()
	srv := start(t)

	res := call(t, srv, http.MethodGet, "/users", nil)

	assert.JSONEq(t, `{"data":[],"nextCursor":null}`, string(res.body))
}

func TestListRejectsBadLimitsAndCursors(t *testing.T) {
	t.Parallel()
	srv := start(t)
	seed(t, srv, person("1"), person("2"))
	first := listPage(t, srv, "?limit=1&status=active")
	require.NotNil(t, first.NextCursor)

	for _, query := range []string{
		"?limit=0", "?limit=501", "?limit=ten", "?limit=", "?cursor=", "?cursor=cur_made_up",
		"?status=active&status=retired",
		"?cursor=" + *first.NextCursor,
		"?status=deactivated&cursor=" + *first.NextCursor,
	} {
		res := call(t, srv, http.MethodGet, "/users"+query, nil)
		assert.Equal(t, http.StatusBadRequest, res.status, "query %s", query)
	}
	again := listPage(t, srv, "?limit=5&status=active&cursor="+*first.NextCursor)
	assert.Len(t, again.Data, 1, "the limit may change between pages")
	assert.Equal(t, http.StatusOK, call(t, srv, http.MethodGet, "/users?limit=500", nil).status)
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	srv := start(t)
	users := seed(t, srv, person("1"), person("2"), person("3"))
	call(t, srv, http.MethodPost, "/users/"+users[1].ID+"/deactivate", nil)
	require.NoError(t, srv.SuspendUser(users[2].ID))

	tests := []struct {
		query string
		want  []string
	}{
		{"?status=active", []string{users[0].ID}},
		{"?status=deactivated&status=suspended", []string{users[1].ID, users[2].ID}},
		{"?externalId=ext-2", []string{users[1].ID}},
		{"?externalId=EXT-2", []string{}},
		{"?email=PERSON3@Example.com", []string{users[2].ID}},
		{"?email=person3@example.com&status=active", []string{}},
	}
	for _, tt := range tests {
		got := listPage(t, srv, tt.query)
		assert.Equal(t, tt.want, ids(got.Data), "query %s", tt.query)
	}
}

func TestListShortPagesStillContinue(t *testing.T) {
	t.Parallel()
	srv := start(t, qoopertest.WithMaxPageSize(2))
	var bodies []map[string]any
	for i := range 5 {
		bodies = append(bodies, person(fmt.Sprint(i)))
	}
	seed(t, srv, bodies...)

	var got []string
	query := "?limit=10"
	for {
		p := listPage(t, srv, query)
		assert.LessOrEqual(t, len(p.Data), 2)
		got = append(got, ids(p.Data)...)
		if p.NextCursor == nil {
			break
		}
		query = "?limit=10&cursor=" + *p.NextCursor
	}

	assert.Len(t, got, 5)
	assert.IsIncreasing(t, got)
}
