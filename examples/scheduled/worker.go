package main

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Clock is the time source of a Worker. Tests replace it with a fake.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives the time once d has passed.
	After(d time.Duration) <-chan time.Time
}

// systemClock is the Clock of the real world.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// RetryPolicy bounds the retries of a failed run. The delay doubles from
// MinDelay up to MaxDelay. A retry that would start at or after the next
// scheduled run is dropped, because that run does the same work.
type RetryPolicy struct {
	MaxRetries         int
	MinDelay, MaxDelay time.Duration
}

// delay returns the wait before retry number attempt, counting from 1.
func (p RetryPolicy) delay(attempt int) time.Duration {
	d := p.MinDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// Worker runs a job on a schedule, one run at a time.
type Worker struct {
	Schedule Schedule
	// Job is one run. It must return soon after its context is cancelled.
	// A returned error makes the worker retry under Retry.
	Job func(ctx context.Context) error
	// Jitter is the maximum random delay added to each scheduled time, so
	// that many workers with the same schedule do not start at once.
	Jitter time.Duration
	Retry  RetryPolicy
	// ShutdownTimeout is how long Run waits for a run in progress after
	// its context is cancelled, before it cancels the run.
	ShutdownTimeout time.Duration
	// RunAtStart makes the first run start at once instead of at the first
	// scheduled time.
	RunAtStart bool
	// Logger defaults to one that discards everything.
	Logger *slog.Logger
	// Clock defaults to the system clock.
	Clock Clock
	// RandomDuration returns a random duration in [0, limit). It defaults
	// to a uniform choice.
	RandomDuration func(limit time.Duration) time.Duration
}

// Run runs the job at each scheduled time until ctx is cancelled, and then
// returns nil. Runs never overlap: the next scheduled time is taken after a
// run ends, so a run that lasts past a scheduled time skips it. When ctx is
// cancelled during a run, Run waits up to ShutdownTimeout for the run to
// end, and then cancels the run and waits for it to return.
func (w *Worker) Run(ctx context.Context) error {
	clock := w.clock()
	w.logger().Info("worker started", "schedule", w.Schedule.String(), "jitter", w.Jitter)
	defer w.logger().Info("worker stopped")

	runNow := w.RunAtStart
	for {
		if !runNow {
			slot := w.Schedule.Next(clock.Now())
			start := slot.Add(w.jitter())
			w.logger().Info("next run scheduled", "at", start.Format(time.RFC3339), "slot", slot.Format(time.RFC3339))
			if !w.sleepUntil(ctx, start) {
				return nil
			}
		}
		runNow = false

		if !w.runWithRetries(ctx) {
			return nil
		}
	}
}

// runWithRetries runs the job and retries it under the retry policy. It
// returns false when ctx was cancelled.
func (w *Worker) runWithRetries(ctx context.Context) bool {
	clock := w.clock()
	for attempt := 0; ; attempt++ {
		started := clock.Now()
		w.logger().Info("run started", "attempt", attempt+1)
		err := w.runOnce(ctx)
		if ctx.Err() != nil {
			return false
		}
		if err == nil {
			w.logger().Info("run finished", "attempt", attempt+1, "duration", clock.Now().Sub(started))
			return true
		}

		retry := attempt + 1
		if retry > w.Retry.MaxRetries {
			w.logger().Error("run failed, no retries left until the next scheduled run",
				"attempt", attempt+1, "error", err)
			return true
		}
		retryAt := clock.Now().Add(w.Retry.delay(retry))
		if next := w.Schedule.Next(clock.Now()); !retryAt.Before(next) {
			w.logger().Error("run failed, the next scheduled run comes before a retry",
				"attempt", attempt+1, "error", err, "next", next.Format(time.RFC3339))
			return true
		}
		w.logger().Warn("run failed, retrying", "attempt", attempt+1, "error", err, "retry_at", retryAt.Format(time.RFC3339))
		if !w.sleepUntil(ctx, retryAt) {
			return false
		}
	}
}

// runOnce runs the job under a context of its own, so that cancelling ctx
// starts the shutdown timeout instead of stopping the run at once.
func (w *Worker) runOnce(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Job(runCtx) }()

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}

	w.logger().Info("shutting down, waiting for the run in progress", "timeout", w.ShutdownTimeout)
	select {
	case err := <-done:
		return err
	case <-w.clock().After(w.ShutdownTimeout):
		w.logger().Warn("shutdown timeout passed, cancelling the run in progress", "timeout", w.ShutdownTimeout)
		cancel()
		return <-done
	}
}

// sleepUntil waits until the clock reaches t. It returns false when ctx is
// cancelled first.
func (w *Worker) sleepUntil(ctx context.Context, t time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-w.clock().After(t.Sub(w.clock().Now())):
		return true
	}
}

func (w *Worker) jitter() time.Duration {
	if w.Jitter <= 0 {
		return 0
	}
	if w.RandomDuration != nil {
		return w.RandomDuration(w.Jitter)
	}
	return rand.N(w.Jitter)
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Logger
}

func (w *Worker) clock() Clock {
	if w.Clock == nil {
		return systemClock{}
	}
	return w.Clock
}
