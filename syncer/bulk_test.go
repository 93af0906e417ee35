package syncer_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
	"github.com/qooper/hrsync/syncer"
)

func TestBulkCreatesInitialLoad(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(7, 300, today)
	f := startFakes(t, company, syncer.WithBulkCreates(true))

	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	report, err := f.syncer.Apply(t.Context(), plan)
	require.NoError(t, err)

	creates := plan.Count(syncer.Create)
	assert.Equal(t, creates, report.Count(syncer.Applied))
	assert.Len(t, f.qooper.Users(), creates)
	for id, n := range f.externalIDs(t) {
		assert.Equal(t, 1, n, "employee %s", id)
	}
	bulkCalls := 0
	for _, r := range f.qooper.Requests() {
		if r.Method == http.MethodGet {
			continue
		}
		assert.Equal(t, "/v1/users/bulk", r.Path, "every write is a bulk call")
		bulkCalls++
	}
	assert.Less(t, bulkCalls, creates/10, "creates go in batches")

	withManager := 0
	for _, u := range f.qooper.Users() {
		if u.Manager != nil {
			withManager++
		}
	}
	assert.Greater(t, withManager, creates/2, "managers created in the same run are linked")

	f.qooper.ResetRequests()
	second, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	assert.Empty(t, second.Changes)
}

func TestBulkCreateConflictAdopts(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(3, 60, today)
	f := startFakes(t, company, syncer.WithBulkCreates(true))
	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	var target syncer.Change
	for _, c := range plan.Changes {
		if c.Action == syncer.Create && c.Manager == nil {
			target = c
			break
		}
	}
	require.NotEmpty(t, target.EmployeeID)
	email := ""
	for _, fc := range target.Fields {
		if fc.Field == "email" {
			email, _ = fc.After.(string)
		}
	}
	require.NotEmpty(t, email)
	existing, err := f.qooper.PutUser(qooper.User{Email: strings.ToUpper(email), FirstName: "Old", LastName: "Account"})
	require.NoError(t, err)

	report, err := f.syncer.Apply(t.Context(), plan)
	require.NoError(t, err)

	assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Applied))
	adopted, ok := f.qooper.User(existing.ID)
	require.True(t, ok)
	require.NotNil(t, adopted.ExternalID)
	assert.Equal(t, target.EmployeeID, *adopted.ExternalID)
	assert.Len(t, f.qooper.Users(), plan.Count(syncer.Create))
}

func TestBulkCreateUnauthorizedStops(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(3, 60, today)
	f := startFakes(t, company, syncer.WithBulkCreates(true))
	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	f.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users/bulk", Status: http.StatusUnauthorized})

	report, err := f.syncer.Apply(t.Context(), plan)

	require.ErrorIs(t, err, syncer.ErrStopped)
	require.ErrorIs(t, err, qooper.ErrUnauthorized)
	assert.NotEmpty(t, report.Stopped)
	assert.Zero(t, report.Count(syncer.Applied))
	assert.Empty(t, f.qooper.Users())
}
