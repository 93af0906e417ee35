package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/qooper/hrsync/internal/logctx"
	"github.com/qooper/hrsync/qooper"
)

// Apply writes the changes of plan to the target and reports the outcome
// of each. It runs creates first (managers before their reports), then
// updates and reactivations, then manager links that Qooper rejected while
// another change was pending, then deactivations. Changes of one phase run
// concurrently. One failed change never stops the others, except a
// rejection of the target's credentials or permission, which stops the run.
// When ctx ends, Apply stops starting changes and reports what was done.
//
// The returned error joins the errors of the failed changes; it is nil when
// every change applied. A stopped run's error matches ErrStopped.
func (s *Syncer) Apply(ctx context.Context, plan *Plan) (*Report, error) {
	if plan == nil {
		return nil, errors.New("syncer: nil plan")
	}
	started := time.Now()
	ctx = logctx.WithRunID(ctx, plan.ID)
	logger := s.logger.With(slog.String("run_id", plan.ID))
	run := &applyRun{
		s:        s,
		plan:     plan,
		report:   newReport(plan, plan.ID, started),
		logger:   logger,
		created:  make(map[string]string),
		pending:  make(map[int]qooper.UserFields),
		attempts: make([]bool, len(plan.Changes)),
	}
	for i := range plan.Changes {
		if !plan.Changes[i].Held {
			run.total++
		}
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "applying plan", slog.Int("changes", run.total), slog.Int("held", plan.Held()))

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	run.cancel = cancel

	bulk, canBulk := s.target.(BulkCreator)
	for _, level := range run.createLevels() {
		if s.bulk && canBulk && !s.invite {
			run.runBatches(runCtx, level, bulk)
			continue
		}
		run.runPhase(runCtx, "create", level, run.create)
	}
	run.runPhase(runCtx, "update", run.indexes(Update, Reactivate), run.update)
	run.retryManagerLinks(runCtx)
	run.runPhase(runCtx, "deactivate", run.indexes(Deactivate), run.deactivate)

	if cause := context.Cause(runCtx); cause != nil {
		run.report.Stopped = cause.Error()
		if ctx.Err() != nil {
			run.report.Stopped = "canceled: " + ctx.Err().Error()
		}
	}
	run.markNotAttempted()
	run.report.finish(time.Now())

	logger.LogAttrs(ctx, slog.LevelInfo, "applied plan",
		slog.Int("applied", run.report.Count(Applied)),
		slog.Int("failed", run.report.Count(Failed)),
		slog.Int("skipped", run.report.Count(Skipped)),
		slog.Int("held", run.report.Count(Held)),
		slog.Duration("duration", time.Since(started)))

	err := errors.Join(run.errs...)
	if run.report.Stopped != "" {
		err = errors.Join(fmt.Errorf("%w: %s", ErrStopped, run.report.Stopped), err)
	}
	return run.report, err
}

// applyRun is the state of one Apply call.
type applyRun struct {
	s      *Syncer
	plan   *Plan
	report *Report
	logger *slog.Logger
	cancel context.CancelCauseFunc

	mu sync.Mutex
	// created maps the employee id of each created user to its Qooper id.
	created map[string]string
	// pending contains the patches that Qooper rejected with 422 while they set
	// a manager; the manager phase sends them again.
	pending  map[int]qooper.UserFields
	attempts []bool
	errs     []error
	done     int
	total    int
}

// indexes returns the indexes of the changes with the given actions that
// the guard does not hold.
func (r *applyRun) indexes(actions ...Action) []int {
	var out []int
	for i := range r.plan.Changes {
		c := &r.plan.Changes[i]
		if c.Held {
			continue
		}
		for _, a := range actions {
			if c.Action == a {
				out = append(out, i)
			}
		}
	}
	return out
}

// createLevels groups the creates so that a manager created in this run is
// created in an earlier group than their reports.
func (r *applyRun) createLevels() [][]int {
	creates := r.indexes(Create)
	byEmployee := make(map[string]int, len(creates))
	for _, i := range creates {
		byEmployee[r.plan.Changes[i].EmployeeID] = i
	}
	depth := make(map[int]int, len(creates))
	var levelOf func(i int, seen int) int
	levelOf = func(i int, seen int) int {
		if d, ok := depth[i]; ok {
			return d
		}
		d := 0
		c := &r.plan.Changes[i]
		if c.Manager != nil && c.Manager.After != nil && c.Manager.After.UserID == "" && seen < len(creates) {
			if managerIndex, ok := byEmployee[c.Manager.After.EmployeeID]; ok && managerIndex != i {
				d = levelOf(managerIndex, seen+1) + 1
			}
		}
		depth[i] = d
		return d
	}
	var levels [][]int
	for _, i := range creates {
		d := levelOf(i, 0)
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		levels[d] = append(levels[d], i)
	}
	return levels
}

// runPhase runs fn for each change index with at most the configured
// number at once, and stops starting new ones when ctx ends.
func (r *applyRun) runPhase(ctx context.Context, phase string, indexes []int, fn func(context.Context, int)) {
	groups := make([][]int, len(indexes))
	for k := range indexes {
		groups[k] = indexes[k : k+1]
	}
	r.runGroups(ctx, phase, groups, func(ctx context.Context, group []int) { fn(ctx, group[0]) })
}

// runBatches sends the creates of one level in bulk requests of up to
// MaxBulkCreates, with at most the configured number of requests at once.
func (r *applyRun) runBatches(ctx context.Context, indexes []int, bulk BulkCreator) {
	var groups [][]int
	for from := 0; from < len(indexes); from += MaxBulkCreates {
		groups = append(groups, indexes[from:min(from+MaxBulkCreates, len(indexes))])
	}
	r.runGroups(ctx, "create", groups, func(ctx context.Context, group []int) { r.createBatch(ctx, bulk, group) })
}

// runGroups runs fn for each group of change indexes with at most the
// configured number of groups at once, and stops starting new ones when ctx
// ends. Each change of a group is reported when its group is done.
func (r *applyRun) runGroups(ctx context.Context, phase string, groups [][]int, fn func(context.Context, []int)) {
	slots := make(chan struct{}, r.s.workers)
	var wg sync.WaitGroup
	for _, group := range groups {
		select {
		case <-ctx.Done():
		case slots <- struct{}{}:
		}
		if ctx.Err() != nil {
			break
		}
		for _, i := range group {
			r.attempts[i] = true
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			started := time.Now()
			fn(ctx, group)
			for _, i := range group {
				r.finishChange(ctx, phase, i, time.Since(started))
			}
		}()
	}
	wg.Wait()
}

// finishChange logs a failed change and reports progress.
func (r *applyRun) finishChange(ctx context.Context, phase string, i int, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	result := &r.report.Results[i]
	result.DurationMS = elapsed.Milliseconds()
	if result.Outcome == Failed {
		r.logger.LogAttrs(ctx, slog.LevelWarn, "change failed",
			slog.String("action", result.Action.String()),
			slog.String("employee_id", result.EmployeeID),
			slog.String("user_id", result.UserID),
			slog.String("code", result.Code))
	}
	if _, pending := r.pending[i]; pending {
		return
	}
	r.done++
	if r.s.progress != nil {
		r.s.progress(Progress{Phase: phase, Done: r.done, Total: r.total})
	}
}

// succeed records an applied change.
func (r *applyRun) succeed(i int, userID, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	result := &r.report.Results[i]
	result.Outcome = Applied
	result.Code = ""
	if userID != "" {
		result.UserID = userID
	}
	result.Message = message
}

// skip records a change that needed no write or could not be tried.
func (r *applyRun) skip(i int, code, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	result := &r.report.Results[i]
	result.Outcome = Skipped
	result.Code = code
	result.Message = message
}

// failChange records a failed change, and stops the run when the target
// rejected the credentials or the permission.
func (r *applyRun) failChange(ctx context.Context, i int, err error) {
	if ctx.Err() != nil && isContextError(ctx, err) {
		r.skip(i, "canceled", "not finished: the run stopped")
		return
	}
	c := &r.plan.Changes[i]
	code, message := describeError(err)
	r.mu.Lock()
	result := &r.report.Results[i]
	result.Outcome = Failed
	result.Code = code
	result.Message = message
	r.errs = append(r.errs, &ChangeError{Action: c.Action, EmployeeID: c.EmployeeID, UserID: result.UserID, Err: err})
	r.mu.Unlock()
	if isFatal(err) {
		r.cancel(fmt.Errorf("the target rejected the request (%s): %w", code, err))
	}
}

// isContextError reports whether err comes from the end of ctx rather than
// from the target.
func isContextError(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Cause(ctx))
}

// markNotAttempted marks every change that got no outcome as skipped.
func (r *applyRun) markNotAttempted() {
	reason := "not attempted: the run stopped"
	if r.report.Stopped != "" {
		reason = "not attempted: " + r.report.Stopped
	}
	for i := range r.report.Results {
		if r.report.Results[i].Outcome == "" {
			r.report.Results[i].Outcome = Skipped
			r.report.Results[i].Code = "notAttempted"
			r.report.Results[i].Message = reason
		}
	}
}

// resolveManager returns the Qooper id of a manager: known from the plan,
// or created earlier in this run.
func (r *applyRun) resolveManager(ref *ManagerRef) string {
	if ref.UserID != "" {
		return ref.UserID
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.created[ref.EmployeeID]
}

// describeError returns the error code and message of a failed write.
func describeError(err error) (code, message string) {
	var apiErr *qooper.APIError
	if errors.As(err, &apiErr) {
		code = apiErr.Code
		if code == "" {
			code = http.StatusText(apiErr.StatusCode)
		}
		return code, apiErr.Error()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout", err.Error()
	case errors.Is(err, context.Canceled):
		return "canceled", err.Error()
	}
	return "error", err.Error()
}
