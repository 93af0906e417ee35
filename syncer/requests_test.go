package syncer_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/qooper/qoopertest"
	"github.com/qooper/hrsync/syncer"
)

// expectedWrites returns the number of Qooper writes that Apply sends for
// a plan, which is one per change plus two kinds of patch. A reactivation
// is followed by a patch when fields or the manager change. A deactivation
// is preceded by a patch when fields change.
func expectedWrites(plan *syncer.Plan) (writes, reactivatePatches, deactivatePatches int) {
	for _, c := range plan.Changes {
		if c.Held {
			continue
		}
		writes++
		switch {
		case c.Action == syncer.Reactivate && (len(c.Fields) > 0 || c.Manager != nil):
			writes++
			reactivatePatches++
		case c.Action == syncer.Deactivate && len(c.Fields) > 0:
			writes++
			deactivatePatches++
		}
	}
	return writes, reactivatePatches, deactivatePatches
}

// TestRequestsPerSyncWithMixedChanges checks the request count of a day
// with creates, updates, a reactivation and a deactivation. HiBob gets one
// people search and one named-lists read. Qooper gets its list pages and
// the writes of expectedWrites; the engine does not use the bulk endpoint.
func TestRequestsPerSyncWithMixedChanges(t *testing.T) {
	t.Parallel()
	const pageSize = 25
	r := startFaultRig(t, 91, qoopertest.WithMaxPageSize(pageSize))
	r.initialLoad(t)
	r.dayTwo()
	r.initialLoad(t)

	// The next day rehires the employee who left today, and brings the
	// sample's own day of changes.
	var leaver string
	for _, u := range r.qooper.Users() {
		if u.Status == "deactivated" && u.ExternalID != nil {
			leaver = *u.ExternalID
		}
	}
	require.NotEmpty(t, leaver, "day two deactivated someone")
	r.company.DayTwo()
	rehired := r.company.Person(leaver)
	rehired.Status, rehired.LifecycleStatus, rehired.StartDate = "Active", "employed", r.company.Today.Format("2006-01-02")
	r.hibob.LoadCompany(r.company)
	usersBefore := len(r.qooper.Users())
	r.hibob.ClearRequests()
	r.qooperLog.reset()
	r.hibobLog.reset()

	s := r.newSyncer(t)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	report, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)

	writes, reactivatePatches, deactivatePatches := expectedWrites(plan)
	assert.Positive(t, plan.Count(syncer.Create))
	assert.Positive(t, plan.Count(syncer.Update))
	assert.Positive(t, reactivatePatches, "the rehire changes fields, so its reactivation is followed by a patch")
	assert.Positive(t, deactivatePatches, "the leaver gets a termination date, so a patch precedes the deactivation")
	assert.Equal(t, len(plan.Changes), report.Count(syncer.Applied))
	assert.Equal(t, writes, r.qooperWrites(), "one write per change plus the documented patches")
	assert.Equal(t, usersBefore/pageSize+1, r.qooperLog.count(http.MethodGet, "/users", 0),
		"list pages: a full last page is followed by an empty one")
	assert.Zero(t, r.qooperLog.count("", "/users/bulk", 0), "the engine sends no bulk request")

	assert.Equal(t, 1, r.hibobLog.count(http.MethodPost, "/people/search", 0), "one people search")
	assert.Equal(t, 1, r.hibobLog.count(http.MethodGet, "/company/named-lists", 0), "one named-lists read")
	assert.Equal(t, 2, r.hibobLog.count("", "", 0), "no other HiBob request")
}

// TestRateLimitMatchedClientApplies applies a few hundred creates
// against a Qooper fake that allows 200 requests per second with bursts
// of 20, from a client with the same rate and half the burst.
//
// NOTE: a client with the server's burst as well gets a few 429s right
// after its burst. The server's bucket starts draining only when the first
// request arrives, and later requests arrive sooner after the client
// releases them. The client retries them, so every change still applies.
// BenchmarkApplyRateLimited measures both settings.
func TestRateLimitMatchedClientApplies(t *testing.T) {
	t.Parallel()
	const limit, burst = 200, 20
	r := startSizedFaultRig(t, 92, 300, qoopertest.WithRateLimit(limit, burst))
	s := r.newSyncer(t, func(c *clientConfig) { c.qooperLimit, c.qooperBurst = limit, burst/2 })

	plan, report, err := planAndApply(t.Context(), s)

	require.NoError(t, err)
	assert.Greater(t, report.Count(syncer.Applied), 250)
	assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Applied))
	// NOTE: whether a 429 happens depends on how the machine schedules the
	// requests: on a loaded machine, delayed requests reach the server in a
	// bunch. The test asserts that every create applied and only logs the
	// 429s; BenchmarkApplyRateLimited measures them on a quiet machine.
	t.Logf("429 responses: %d", r.qooperLog.count("", "", http.StatusTooManyRequests))
}
