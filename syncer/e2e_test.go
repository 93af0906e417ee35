package syncer_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
	"github.com/qooper/hrsync/syncer"
)

var today = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// fakes is a HiBob fake and a Qooper fake with a syncer between them.
type fakes struct {
	hibob  *hibobtest.Server
	qooper *qoopertest.Server
	syncer *syncer.Syncer
}

func startFakes(t *testing.T, company *hibobtest.Company, opts ...syncer.Option) *fakes {
	t.Helper()
	hb := hibobtest.Start(t, hibobtest.WithCompany(company), hibobtest.WithRateLimit(1_000_000))
	qp := qoopertest.Start(t, qoopertest.WithRateLimit(rate.Inf, 1))
	f := &fakes{hibob: hb, qooper: qp}
	f.syncer = f.newSyncer(t, opts...)
	return f
}

func (f *fakes) newSyncer(t *testing.T, opts ...syncer.Option) *syncer.Syncer {
	t.Helper()
	hibobClient, err := hibob.NewClient(f.hibob.Credentials(),
		hibob.WithBaseURL(f.hibob.URL()),
		hibob.WithHTTPClient(f.hibob.HTTPClient()),
		hibob.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	qooperClient, err := qooper.NewClient(f.qooper.URL(), f.qooper.Token(),
		qooper.WithHTTPClient(f.qooper.Client()),
		qooper.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	all := append([]syncer.Option{syncer.WithClock(func() time.Time { return today })}, opts...)
	s, err := syncer.New(syncer.NewHiBobSource(hibobClient), syncer.NewQooperTarget(qooperClient), mapping.Default(), all...)
	require.NoError(t, err)
	return s
}

// qooperWrites returns the number of requests that were not reads.
func (f *fakes) qooperWrites() int {
	n := 0
	for _, r := range f.qooper.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

func (f *fakes) externalIDs(t *testing.T) map[string]int {
	t.Helper()
	counts := make(map[string]int)
	for _, u := range f.qooper.Users() {
		if u.ExternalID != nil {
			counts[*u.ExternalID]++
		}
	}
	return counts
}

func TestEndToEndInitialLoadAndRerun(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(7, 300, today)
	f := startFakes(t, company)

	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	report, err := f.syncer.Apply(t.Context(), plan)
	require.NoError(t, err, "every planned change applies")

	creates := plan.Count(syncer.Create)
	assert.Greater(t, creates, 250)
	assert.Equal(t, creates, report.Count(syncer.Applied))
	assert.Len(t, f.qooper.Users(), creates)
	assert.Equal(t, creates, f.qooperWrites(), "exactly one write per change")
	for id, n := range f.externalIDs(t) {
		assert.Equal(t, 1, n, "employee %s", id)
	}
	var failedCodes []string
	for _, failure := range plan.Failures {
		failedCodes = append(failedCodes, failure.Code)
	}
	assert.Contains(t, failedCodes, syncer.CodeDuplicateEmail, "the sample's shared e-mail fails both records")

	searches := 0
	for _, r := range f.hibob.Requests() {
		if strings.HasSuffix(r.Path, "/people/search") {
			searches++
			body, _ := r.Body.(map[string]any)
			assert.Equal(t, true, body["showInactive"])
			assert.NotEmpty(t, body["fields"])
		}
	}
	assert.Equal(t, 1, searches)

	f.qooper.ResetRequests()
	second, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	again, err := f.syncer.Apply(t.Context(), second)
	require.NoError(t, err)

	assert.Empty(t, second.Changes, "a second run over unchanged data plans nothing")
	assert.Zero(t, f.qooperWrites(), "a second run writes nothing")
	assert.Zero(t, again.Count(syncer.Applied))
}

func TestEndToEndDroppedCreateYieldsOneUser(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(3, 60, today)
	f := startFakes(t, company)
	f.qooper.DropNextCreates(1)

	_, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	report, err := f.syncer.Apply(t.Context(), plan)
	require.NoError(t, err)

	assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Applied))
	assert.Len(t, f.qooper.Users(), plan.Count(syncer.Create))
	for id, n := range f.externalIDs(t) {
		assert.Equal(t, 1, n, "employee %s", id)
	}
}

func TestEndToEndInterruptedRunConverges(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(11, 120, today)
	ctx, cancel := context.WithCancel(t.Context())
	f := startFakes(t, company, syncer.WithProgress(func(p syncer.Progress) {
		if p.Done == 40 {
			cancel()
		}
	}))

	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	report, err := f.syncer.Apply(ctx, plan)
	require.ErrorIs(t, err, syncer.ErrStopped)
	assert.Less(t, report.Count(syncer.Applied), plan.Count(syncer.Create))

	rerun := f.newSyncer(t)
	plan2, err := rerun.Plan(t.Context())
	require.NoError(t, err)
	_, err = rerun.Apply(t.Context(), plan2)
	require.NoError(t, err)

	assert.Len(t, f.qooper.Users(), plan.Count(syncer.Create))
	for id, n := range f.externalIDs(t) {
		assert.Equal(t, 1, n, "employee %s", id)
	}
	plan3, err := rerun.Plan(t.Context())
	require.NoError(t, err)
	assert.Empty(t, plan3.Changes)
}

func TestEndToEndLargeInitialLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("10k-person load skipped in -short mode")
	}
	t.Parallel()
	company := hibobtest.SampleCompanyAt(1, 10_000, today)
	f := startFakes(t, company, syncer.WithConcurrency(8))

	plan, err := f.syncer.Plan(t.Context())
	require.NoError(t, err)
	report, err := f.syncer.Apply(t.Context(), plan)
	require.NoError(t, err)

	creates := plan.Count(syncer.Create)
	assert.Greater(t, creates, 9000)
	assert.Equal(t, creates, report.Count(syncer.Applied))

	searches, other := 0, 0
	for _, r := range f.hibob.Requests() {
		if strings.HasSuffix(r.Path, "/people/search") {
			searches++
		} else {
			other++
		}
	}
	assert.Equal(t, 1, searches, "one people search")
	assert.Equal(t, 1, other, "one named-lists read")

	reads, writes := 0, 0
	for _, r := range f.qooper.Requests() {
		if r.Method == http.MethodGet {
			reads++
		} else {
			writes++
		}
	}
	assert.Equal(t, 1, reads, "one list page: Qooper was empty")
	assert.Equal(t, creates, writes, "exactly one write per change")
}
