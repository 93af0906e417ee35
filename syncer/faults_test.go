package syncer_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
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

// The fault tests run a sync against both fakes while one of them
// misbehaves. Each checks that the run ended with a clear outcome and that
// Qooper has no duplicate and no wrongly deactivated user. A rerun without
// the fault must then converge.

// faultRetries is the retry count of the clients in fault tests. Faults
// that must outlast the retries fail faultRetries+1 requests.
const faultRetries = 2

// statusEntry is one request that a client sent and the status it got,
// or 0 when it got no response.
type statusEntry struct {
	method, path string
	status       int
}

// statusLog records the requests of one client. It records every attempt,
// retries included, because it sits below the client's retry loop. Replays
// inside http.Transport do not reach it.
type statusLog struct {
	mu      sync.Mutex
	entries []statusEntry
}

// count returns the number of requests with the method (any when empty),
// a path ending in pathSuffix, and the status (any when 0).
func (l *statusLog) count(method, pathSuffix string, status int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.entries {
		if (method == "" || e.method == method) && strings.HasSuffix(e.path, pathSuffix) && (status == 0 || e.status == status) {
			n++
		}
	}
	return n
}

// reset empties the log.
func (l *statusLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// loggingTransport records each round trip in a statusLog.
type loggingTransport struct {
	base http.RoundTripper
	log  *statusLog
}

func (l *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(req)
	entry := statusEntry{method: req.Method, path: req.URL.Path}
	if resp != nil {
		entry.status = resp.StatusCode
	}
	l.log.mu.Lock()
	l.log.entries = append(l.log.entries, entry)
	l.log.mu.Unlock()
	return resp, err
}

// faultRig is a sample company served by both fakes, with the request
// logs of the clients that the rig builds.
type faultRig struct {
	company   *hibobtest.Company
	hibob     *hibobtest.Server
	qooper    *qoopertest.Server
	hibobLog  *statusLog
	qooperLog *statusLog
}

// clientConfig configures the clients and the syncer of one run.
type clientConfig struct {
	hibobCredentials *hibob.Credentials
	qooperToken      string
	hibobTimeout     time.Duration
	qooperTimeout    time.Duration
	qooperLimit      rate.Limit
	qooperBurst      int
	hibobRetries     hibob.RetryPolicy
	qooperRetries    qooper.RetryPolicy
	syncerOptions    []syncer.Option
}

func startFaultRig(t *testing.T, seed int64, qooperOptions ...qoopertest.Option) *faultRig {
	t.Helper()
	return startSizedFaultRig(t, seed, 60, qooperOptions...)
}

func startSizedFaultRig(t *testing.T, seed int64, size int, qooperOptions ...qoopertest.Option) *faultRig {
	t.Helper()
	company := hibobtest.SampleCompanyAt(seed, size, today)
	qooperOptions = append([]qoopertest.Option{qoopertest.WithRateLimit(rate.Inf, 1)}, qooperOptions...)
	return &faultRig{
		company:   company,
		hibob:     hibobtest.Start(t, hibobtest.WithCompany(company)),
		qooper:    qoopertest.Start(t, qooperOptions...),
		hibobLog:  &statusLog{},
		qooperLog: &statusLog{},
	}
}

// newSyncer returns a syncer whose clients retry faultRetries times with
// waits of a few milliseconds, have no rate limit and log every request.
func (r *faultRig) newSyncer(t *testing.T, configure ...func(*clientConfig)) *syncer.Syncer {
	t.Helper()
	credentials := r.hibob.Credentials()
	cfg := clientConfig{
		hibobCredentials: &credentials,
		qooperToken:      r.qooper.Token(),
		qooperLimit:      rate.Inf,
		qooperBurst:      1,
		hibobRetries:     hibob.RetryPolicy{MaxRetries: faultRetries, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxServerWait: 10 * time.Millisecond},
		qooperRetries:    qooper.RetryPolicy{MaxRetries: faultRetries, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond},
	}
	for _, fn := range configure {
		fn(&cfg)
	}

	hibobHTTP := &http.Client{Transport: &loggingTransport{base: r.hibob.HTTPClient().Transport, log: r.hibobLog}, Timeout: cfg.hibobTimeout}
	hibobClient, err := hibob.NewClient(*cfg.hibobCredentials,
		hibob.WithBaseURL(r.hibob.URL()),
		hibob.WithHTTPClient(hibobHTTP),
		hibob.WithRateLimit(rate.Inf, 1),
		hibob.WithRetryPolicy(cfg.hibobRetries))
	require.NoError(t, err)

	qooperHTTP := &http.Client{Transport: &loggingTransport{base: r.qooper.Client().Transport, log: r.qooperLog}, Timeout: cfg.qooperTimeout}
	qooperClient, err := qooper.NewClient(r.qooper.URL(), cfg.qooperToken,
		qooper.WithHTTPClient(qooperHTTP),
		qooper.WithRateLimit(cfg.qooperLimit, cfg.qooperBurst),
		qooper.WithRetryPolicy(cfg.qooperRetries))
	require.NoError(t, err)

	company := r.company
	options := append([]syncer.Option{syncer.WithClock(func() time.Time { return company.Today.Add(9 * time.Hour) })}, cfg.syncerOptions...)
	s, err := syncer.New(syncer.NewHiBobSource(hibobClient), syncer.NewQooperTarget(qooperClient), mapping.Default(), options...)
	require.NoError(t, err)
	return s
}

// initialLoad syncs the company into the empty Qooper fake.
func (r *faultRig) initialLoad(t *testing.T) {
	t.Helper()
	s := r.newSyncer(t)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	_, err = s.Apply(t.Context(), plan)
	require.NoError(t, err)
}

// dayTwo applies a day of HR changes to the company and serves them.
func (r *faultRig) dayTwo() {
	r.company.DayTwo()
	r.hibob.LoadCompany(r.company)
}

// qooperWrites returns the number of requests to Qooper that were not
// reads, retries included.
func (r *faultRig) qooperWrites() int {
	return r.qooperLog.count("", "", 0) - r.qooperLog.count(http.MethodGet, "", 0)
}

// checkState fails the test if two Qooper users share an externalId, or a
// user is deactivated while HiBob lists the employee as active.
func (r *faultRig) checkState(t *testing.T) {
	t.Helper()
	seen := make(map[string]string)
	for _, u := range r.qooper.Users() {
		if u.ExternalID == nil {
			continue
		}
		id := *u.ExternalID
		assert.Empty(t, seen[id], "employee %s has users %s and %s", id, seen[id], u.ID)
		seen[id] = u.ID
		if person := r.company.Person(id); person != nil && person.Status == "Active" {
			assert.NotEqual(t, qooper.StatusDeactivated, u.Status, "employee %s is active in HiBob", id)
		}
	}
}

// checkConverges clears the HiBob faults, syncs again with working clients
// and checks that a third plan has no change.
func (r *faultRig) checkConverges(t *testing.T) {
	t.Helper()
	r.hibob.ClearFaults()
	r.checkState(t)

	s := r.newSyncer(t)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	_, err = s.Apply(t.Context(), plan)
	require.NoError(t, err, "the rerun applies every change")
	r.checkState(t)

	third, err := s.Plan(t.Context())
	require.NoError(t, err)
	assert.Empty(t, third.Changes, "the run after the rerun plans nothing")
}

// planAndApply plans and, when planning succeeds, applies.
func planAndApply(ctx context.Context, s *syncer.Syncer) (*syncer.Plan, *syncer.Report, error) {
	plan, err := s.Plan(ctx)
	if err != nil {
		return nil, nil, err
	}
	report, err := s.Apply(ctx, plan)
	return plan, report, err
}

func TestFaultHiBobRateLimitStorm(t *testing.T) {
	t.Parallel()
	t.Run("within retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 21)
		r.hibob.FailNext(faultRetries, http.StatusTooManyRequests, "/people/search")

		plan, _, err := planAndApply(t.Context(), r.newSyncer(t))

		require.NoError(t, err)
		assert.Positive(t, plan.Count(syncer.Create))
		assert.Equal(t, faultRetries+1, r.hibobLog.count(http.MethodPost, "/people/search", 0))
		r.checkConverges(t)
	})
	t.Run("outlasting retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 22)
		r.hibob.FailNext(faultRetries+1, http.StatusTooManyRequests, "/people/search")

		_, _, err := planAndApply(t.Context(), r.newSyncer(t))

		var apiErr *hibob.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
		assert.ErrorIs(t, err, hibob.ErrRateLimited)
		assert.Equal(t, faultRetries+1, r.hibobLog.count(http.MethodPost, "/people/search", 0))
		assert.Zero(t, r.qooperWrites(), "a failed read writes nothing")
		r.checkConverges(t)
	})
	t.Run("per-minute budget spent", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 23)
		r.initialLoad(t)
		r.dayTwo()
		r.hibob.SetRateLimit(1)

		_, _, err := planAndApply(t.Context(), r.newSyncer(t))

		require.NoError(t, err, "the first search of the minute passes")
		_, _, err = planAndApply(t.Context(), r.newSyncer(t))
		assert.ErrorIs(t, err, hibob.ErrRateLimited)
		assert.Equal(t, faultRetries+1, r.hibobLog.count(http.MethodPost, "/people/search", http.StatusTooManyRequests))
		r.hibob.SetRateLimit(0)
		r.checkConverges(t)
	})
}

func TestFaultHiBobServerErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(http.StatusText(status)+" burst within retries", func(t *testing.T) {
			t.Parallel()
			r := startFaultRig(t, 24)
			r.hibob.FailNext(faultRetries, status, "/people/search")
			r.hibob.FailNext(faultRetries, status, "/company/named-lists")

			_, _, err := planAndApply(t.Context(), r.newSyncer(t))

			require.NoError(t, err)
			assert.Equal(t, 2*faultRetries, r.hibobLog.count("", "", status), "the search and the named lists were retried")
			r.checkConverges(t)
		})
	}
	t.Run("503 burst outlasting retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 25)
		r.initialLoad(t)
		r.dayTwo()
		r.hibob.FailNext(faultRetries+1, http.StatusServiceUnavailable, "/people/search")
		writesBefore := r.qooperWrites()

		_, _, err := planAndApply(t.Context(), r.newSyncer(t))

		assert.ErrorIs(t, err, hibob.ErrServer)
		assert.Equal(t, writesBefore, r.qooperWrites(), "a failed read writes nothing")
		r.checkConverges(t)
	})
	t.Run("500 is not retried", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 26)
		r.hibob.FailNext(1, http.StatusInternalServerError, "/people/search")

		_, _, err := planAndApply(t.Context(), r.newSyncer(t))

		var apiErr *hibob.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusInternalServerError, apiErr.StatusCode)
		assert.Equal(t, 1, r.hibobLog.count(http.MethodPost, "/people/search", 0))
		r.checkConverges(t)
	})
}

func TestFaultHiBobBrokenBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault hibobtest.Fault
	}{
		{"truncated JSON", hibobtest.Fault{Truncate: true}},
		{"empty body", hibobtest.Fault{Empty: true}},
		{"HTML page with 200", hibobtest.Fault{HTML: true, Status: http.StatusOK}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := startFaultRig(t, 27+int64(i))
			r.initialLoad(t)
			r.dayTwo()
			tt.fault.Path = "/people/search"
			r.hibob.InjectFault(tt.fault)
			writesBefore := r.qooperWrites()

			_, _, err := planAndApply(t.Context(), r.newSyncer(t))

			var decodeErr *hibob.DecodeError
			require.ErrorAs(t, err, &decodeErr)
			assert.Equal(t, http.StatusOK, decodeErr.StatusCode)
			assert.Equal(t, "/people/search", decodeErr.Path)
			assert.Equal(t, writesBefore, r.qooperWrites(), "a broken read deactivates nobody")
			r.checkConverges(t)
		})
	}
}

func TestFaultQooperRateLimitStorm(t *testing.T) {
	t.Parallel()
	t.Run("on creates within retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 31)
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: http.StatusTooManyRequests, Count: faultRetries})

		plan, report, err := planAndApply(t.Context(), r.newSyncer(t))

		require.NoError(t, err)
		assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Applied))
		assert.Equal(t, faultRetries, r.qooperLog.count(http.MethodPost, "/users", http.StatusTooManyRequests))
		r.checkConverges(t)
	})
	t.Run("on creates outlasting retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 32)
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: http.StatusTooManyRequests, Count: 2 * (faultRetries + 1)})
		s := r.newSyncer(t, func(c *clientConfig) { c.syncerOptions = []syncer.Option{syncer.WithConcurrency(1)} })

		plan, report, err := planAndApply(t.Context(), s)

		require.Error(t, err)
		assert.NotErrorIs(t, err, syncer.ErrStopped, "a 429 never stops the run")
		assert.ErrorIs(t, err, qooper.ErrRateLimited)
		assert.Equal(t, 2, report.Count(syncer.Failed))
		assert.Equal(t, plan.Count(syncer.Create)-2, report.Count(syncer.Applied))
		for _, result := range report.Results {
			if result.Outcome == syncer.Failed {
				assert.Contains(t, result.Message, "429", "employee %s", result.EmployeeID)
			}
		}
		r.checkConverges(t)
	})
	t.Run("on the user list", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 33)
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodGet, Path: "/users", Status: http.StatusTooManyRequests, Count: faultRetries + 1})

		_, _, err := planAndApply(t.Context(), r.newSyncer(t))

		assert.ErrorIs(t, err, qooper.ErrRateLimited)
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
	t.Run("server limit without a client limit", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 34, qoopertest.WithRateLimit(100, 5))

		_, report, err := planAndApply(t.Context(), r.newSyncer(t))

		if err != nil {
			assert.NotErrorIs(t, err, syncer.ErrStopped, "a 429 never stops the run")
			assert.ErrorIs(t, err, qooper.ErrRateLimited)
			assert.Positive(t, report.Count(syncer.Failed))
		}
		assert.Positive(t, r.qooperLog.count("", "", http.StatusTooManyRequests), "the server rejected requests over its limit")
		r.checkState(t)

		matched := r.newSyncer(t, func(c *clientConfig) { c.qooperLimit, c.qooperBurst = 100, 2 })
		plan, err := matched.Plan(t.Context())
		require.NoError(t, err)
		_, err = matched.Apply(t.Context(), plan)
		require.NoError(t, err, "a client with the server's rate and a smaller burst converges")
		third, err := matched.Plan(t.Context())
		require.NoError(t, err)
		assert.Empty(t, third.Changes)
		r.checkState(t)
	})
}

func TestFaultQooperServerErrorsOnWrites(t *testing.T) {
	t.Parallel()
	t.Run("503 burst on creates", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 41)
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: http.StatusServiceUnavailable, Count: faultRetries})

		plan, report, err := planAndApply(t.Context(), r.newSyncer(t))

		require.NoError(t, err, "creates carry an idempotency key, so they are retried")
		assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Applied))
		assert.Len(t, r.qooper.Users(), plan.Count(syncer.Create))
		r.checkConverges(t)
	})
	t.Run("503 burst on updates outlasting retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 42)
		r.initialLoad(t)
		r.dayTwo()
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPatch, Path: "/users/*", Status: http.StatusServiceUnavailable, Count: faultRetries + 1})
		s := r.newSyncer(t, func(c *clientConfig) { c.syncerOptions = []syncer.Option{syncer.WithConcurrency(1)} })

		_, report, err := planAndApply(t.Context(), s)

		require.Error(t, err)
		assert.NotErrorIs(t, err, syncer.ErrStopped)
		assert.Equal(t, 1, report.Count(syncer.Failed))
		r.checkConverges(t)
	})
	t.Run("503 burst on deactivations outlasting retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 43)
		r.initialLoad(t)
		r.dayTwo()
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users/*/deactivate", Status: http.StatusServiceUnavailable, Count: faultRetries + 1})

		plan, report, err := planAndApply(t.Context(), r.newSyncer(t))

		require.Error(t, err)
		require.Positive(t, plan.Count(syncer.Deactivate))
		assert.Equal(t, 1, report.Count(syncer.Failed))
		for _, result := range report.Results {
			if result.Outcome == syncer.Failed {
				assert.Equal(t, syncer.Deactivate, result.Action)
				assert.Equal(t, qooper.CodeServerError, result.Code)
			}
		}
		r.checkConverges(t)
	})
}

// The fake commits each dropped create and closes the connection without
// a response. Go's http.Transport itself sends a POST that carries an
// Idempotency-Key again when a reused connection closes before the
// response, so a drop does not always reach the client's retry loop.
func TestFaultQooperDropsCreateAfterCommit(t *testing.T) {
	t.Parallel()
	t.Run("within retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 51)
		r.qooper.DropNextCreates(faultRetries)
		s := r.newSyncer(t, func(c *clientConfig) { c.syncerOptions = []syncer.Option{syncer.WithConcurrency(1)} })

		plan, report, err := planAndApply(t.Context(), s)

		require.NoError(t, err)
		assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Applied))
		assert.Len(t, r.qooper.Users(), plan.Count(syncer.Create), "a replayed create makes no second user")
		assert.LessOrEqual(t, r.qooperLog.count(http.MethodPost, "/users", 0), plan.Count(syncer.Create)+faultRetries)
		r.checkConverges(t)
	})
	t.Run("without retries", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 52)
		r.qooper.DropNextCreates(3)
		s := r.newSyncer(t, func(c *clientConfig) {
			c.qooperRetries = qooper.RetryPolicy{}
			c.syncerOptions = []syncer.Option{syncer.WithConcurrency(1)}
		})

		plan, report, err := planAndApply(t.Context(), s)

		require.Error(t, err)
		assert.NotErrorIs(t, err, syncer.ErrStopped)
		assert.Positive(t, report.Count(syncer.Failed))
		assert.Equal(t, plan.Count(syncer.Create), report.Count(syncer.Failed)+report.Count(syncer.Applied))
		assert.Len(t, r.qooper.Users(), plan.Count(syncer.Create), "the dropped creates were committed")
		r.checkConverges(t)
	})
}

func TestFaultSlowResponses(t *testing.T) {
	t.Parallel()
	t.Run("HiBob slower than the client timeout once", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 61)
		r.hibob.InjectFault(hibobtest.Fault{Path: "/people/search", Delay: time.Minute})
		s := r.newSyncer(t, func(c *clientConfig) { c.hibobTimeout = 200 * time.Millisecond })

		_, _, err := planAndApply(t.Context(), s)

		require.NoError(t, err, "the timed-out search is retried")
		assert.Equal(t, 2, r.hibobLog.count(http.MethodPost, "/people/search", 0))
		r.checkConverges(t)
	})
	t.Run("HiBob slower than the client timeout every time", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 62)
		r.hibob.InjectFault(hibobtest.Fault{Path: "/people/search", Delay: time.Minute, Times: faultRetries + 1})
		s := r.newSyncer(t, func(c *clientConfig) { c.hibobTimeout = 100 * time.Millisecond })

		_, _, err := planAndApply(t.Context(), s)

		require.Error(t, err)
		var timeout interface{ Timeout() bool }
		require.ErrorAs(t, err, &timeout)
		assert.True(t, timeout.Timeout(), "got %v", err)
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
	t.Run("Qooper slower than the client timeout on writes", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 63)
		r.initialLoad(t)
		r.dayTwo()
		s := r.newSyncer(t, func(c *clientConfig) {
			c.qooperTimeout = 100 * time.Millisecond
			c.qooperRetries.MaxRetries = 1
		})
		plan, err := s.Plan(t.Context())
		require.NoError(t, err)
		r.qooper.SetLatency(time.Second)

		report, err := s.Apply(t.Context(), plan)

		require.Error(t, err)
		assert.NotErrorIs(t, err, syncer.ErrStopped)
		assert.Equal(t, len(plan.Changes), report.Count(syncer.Failed), "every write timed out")
		r.qooper.SetLatency(0)
		r.checkConverges(t)
	})
}

func TestFaultContextCanceled(t *testing.T) {
	t.Parallel()
	t.Run("during day-two apply", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 71)
		r.initialLoad(t)
		r.dayTwo()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		s := r.newSyncer(t, func(c *clientConfig) {
			c.syncerOptions = []syncer.Option{
				syncer.WithConcurrency(1),
				syncer.WithProgress(func(p syncer.Progress) {
					if p.Done == 2 {
						cancel()
					}
				}),
			}
		})
		plan, err := s.Plan(t.Context())
		require.NoError(t, err)
		require.Greater(t, len(plan.Changes), 2)

		report, err := s.Apply(ctx, plan)

		require.ErrorIs(t, err, syncer.ErrStopped)
		assert.Contains(t, report.Stopped, "canceled")
		assert.Equal(t, 2, report.Count(syncer.Applied))
		assert.Equal(t, len(plan.Changes)-2, report.Count(syncer.Skipped))
		r.checkConverges(t)
	})
	t.Run("during a slow HiBob read", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 72)
		r.hibob.InjectFault(hibobtest.Fault{Path: "/people/search", Delay: time.Minute})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()

		_, _, err := planAndApply(ctx, r.newSyncer(t))

		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, r.hibobLog.count(http.MethodPost, "/people/search", 0), "an ended context is not retried")
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
}

func TestFaultRejectedCredentials(t *testing.T) {
	t.Parallel()
	t.Run("HiBob 401", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 81)
		wrong := hibob.Credentials{ServiceUserID: r.hibob.Credentials().ServiceUserID, Token: "wrong-token"}

		_, _, err := planAndApply(t.Context(), r.newSyncer(t, func(c *clientConfig) { c.hibobCredentials = &wrong }))

		assert.ErrorIs(t, err, hibob.ErrUnauthorized)
		assert.Equal(t, 1, r.hibobLog.count("", "", 0), "a 401 is never retried")
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
	t.Run("HiBob 403", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 82)
		r.hibob.FailNext(1, http.StatusForbidden, "/people/search")

		_, _, err := planAndApply(t.Context(), r.newSyncer(t))

		assert.ErrorIs(t, err, hibob.ErrForbidden)
		assert.Equal(t, 1, r.hibobLog.count(http.MethodPost, "/people/search", 0), "a 403 is never retried")
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
	t.Run("Qooper 401 on the user list", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 83)

		_, _, err := planAndApply(t.Context(), r.newSyncer(t, func(c *clientConfig) { c.qooperToken = "wrong-token" }))

		assert.ErrorIs(t, err, qooper.ErrUnauthorized)
		assert.Equal(t, 1, r.qooperLog.count(http.MethodGet, "/users", http.StatusUnauthorized), "a 401 is never retried")
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
	t.Run("Qooper 403 on the user list", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 84, qoopertest.WithForbiddenToken("read-only-token"))

		_, _, err := planAndApply(t.Context(), r.newSyncer(t, func(c *clientConfig) { c.qooperToken = "read-only-token" }))

		assert.ErrorIs(t, err, qooper.ErrForbidden)
		assert.Zero(t, r.qooperWrites())
		r.checkConverges(t)
	})
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run("Qooper "+http.StatusText(status)+" during creates", func(t *testing.T) {
			t.Parallel()
			r := startFaultRig(t, 85)
			s := r.newSyncer(t, func(c *clientConfig) { c.syncerOptions = []syncer.Option{syncer.WithConcurrency(1)} })
			plan, err := s.Plan(t.Context())
			require.NoError(t, err)
			r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: status})

			report, err := s.Apply(t.Context(), plan)

			require.ErrorIs(t, err, syncer.ErrStopped)
			assert.NotEmpty(t, report.Stopped)
			assert.Equal(t, 1, report.Count(syncer.Failed))
			assert.Equal(t, plan.Count(syncer.Create)-1, report.Count(syncer.Skipped), "nothing runs after the rejection")
			assert.Equal(t, 1, r.qooperLog.count(http.MethodPost, "/users", 0), "the rejected create is not retried")
			r.checkConverges(t)
		})
	}
	t.Run("Qooper 403 during day-two updates", func(t *testing.T) {
		t.Parallel()
		r := startFaultRig(t, 86)
		r.initialLoad(t)
		r.dayTwo()
		s := r.newSyncer(t, func(c *clientConfig) { c.syncerOptions = []syncer.Option{syncer.WithConcurrency(1)} })
		plan, err := s.Plan(t.Context())
		require.NoError(t, err)
		r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPatch, Path: "/users/*", Status: http.StatusForbidden})

		report, err := s.Apply(t.Context(), plan)

		require.ErrorIs(t, err, syncer.ErrStopped)
		assert.True(t, errors.Is(err, qooper.ErrForbidden), "got %v", err)
		assert.Equal(t, 1, report.Count(syncer.Failed))
		assert.Zero(t, r.qooperLog.count(http.MethodPost, "/deactivate", 0), "no deactivation runs after the rejection")
		r.checkConverges(t)
	})
}
