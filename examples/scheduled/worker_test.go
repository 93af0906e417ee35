package main

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guardTimeout bounds how long a test waits for the worker to reach a
// step, so that a broken worker fails the test instead of hanging it. No
// test depends on how fast the worker is.
const guardTimeout = 30 * time.Second

// fakeClock is a Clock that moves only when the test advances it. Each
// call to After is reported on timers, so that a test can see what the
// worker waits for.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeTimer
	timers  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, timers: make(chan time.Duration, 16)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
	} else {
		c.waiters = append(c.waiters, fakeTimer{at: c.now.Add(d), ch: ch})
	}
	c.mu.Unlock()
	c.timers <- d
	return ch
}

// Advance moves the clock forward and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	pending := c.waiters[:0]
	for _, timer := range c.waiters {
		if timer.at.After(c.now) {
			pending = append(pending, timer)
			continue
		}
		timer.ch <- c.now
	}
	c.waiters = pending
}

// nextTimer returns the duration of the next call to After.
func (c *fakeClock) nextTimer(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.timers:
		return d
	case <-time.After(guardTimeout):
		t.Fatal("the worker never started a timer")
		return 0
	}
}

// receive returns the next value of ch.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guardTimeout):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// Monday 2 March 2026, 10:00 UTC.
var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func dailyAt(hour, minute int) Schedule {
	return Schedule{Frequency: Daily, Hour: hour, Minute: minute, Location: time.UTC}
}

// startWorker runs w in a goroutine and returns a function that cancels
// its context and a channel that receives the result of Run.
func startWorker(t *testing.T, w *Worker) (context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	return cancel, done
}

func TestWorkerRunsAtScheduledTimeWithJitter(t *testing.T) {
	clock := newFakeClock(start)
	runs := make(chan time.Time, 4)
	w := &Worker{
		Schedule:       dailyAt(2, 30),
		Jitter:         10 * time.Minute,
		RandomDuration: func(limit time.Duration) time.Duration { return limit - 3*time.Minute },
		Clock:          clock,
		Job: func(context.Context) error {
			runs <- clock.Now()
			return nil
		},
	}
	cancel, done := startWorker(t, w)

	wait := clock.nextTimer(t)
	assert.Equal(t, 16*time.Hour+30*time.Minute+7*time.Minute, wait)
	clock.Advance(wait)
	ran := receive(t, runs, "the first run")
	assert.Equal(t, time.Date(2026, 3, 3, 2, 37, 0, 0, time.UTC), ran)

	assert.Equal(t, 24*time.Hour, clock.nextTimer(t), "the second run waits for the next slot plus the jitter")
	cancel()
	assert.NoError(t, receive(t, done, "Run to return"))
	assert.Empty(t, runs)
}

func TestWorkerRunAtStart(t *testing.T) {
	clock := newFakeClock(start)
	runs := make(chan time.Time, 4)
	w := &Worker{
		Schedule:   dailyAt(2, 30),
		RunAtStart: true,
		Clock:      clock,
		Job: func(context.Context) error {
			runs <- clock.Now()
			return nil
		},
	}
	cancel, done := startWorker(t, w)

	assert.Equal(t, start, receive(t, runs, "the run at start"))
	assert.Equal(t, 16*time.Hour+30*time.Minute, clock.nextTimer(t))
	cancel()
	assert.NoError(t, receive(t, done, "Run to return"))
}

func TestWorkerRetriesFailedRun(t *testing.T) {
	clock := newFakeClock(start)
	var attempts atomic.Int32
	runs := make(chan time.Time, 8)
	w := &Worker{
		Schedule:   dailyAt(2, 30),
		RunAtStart: true,
		Retry:      RetryPolicy{MaxRetries: 3, MinDelay: time.Minute, MaxDelay: 10 * time.Minute},
		Clock:      clock,
		Job: func(context.Context) error {
			runs <- clock.Now()
			if attempts.Add(1) <= 2 {
				return errors.New("qooper unreachable")
			}
			return nil
		},
	}
	cancel, done := startWorker(t, w)

	receive(t, runs, "the first attempt")
	assert.Equal(t, time.Minute, clock.nextTimer(t))
	clock.Advance(time.Minute)
	receive(t, runs, "the first retry")
	assert.Equal(t, 2*time.Minute, clock.nextTimer(t), "the delay doubles")
	clock.Advance(2 * time.Minute)
	assert.Equal(t, start.Add(3*time.Minute), receive(t, runs, "the second retry"))

	assert.Equal(t, 16*time.Hour+27*time.Minute, clock.nextTimer(t), "after a success the worker waits for the next slot")
	assert.Equal(t, int32(3), attempts.Load())
	cancel()
	assert.NoError(t, receive(t, done, "Run to return"))
}

func TestWorkerStopsRetryingAfterMax(t *testing.T) {
	clock := newFakeClock(start)
	var attempts atomic.Int32
	w := &Worker{
		Schedule:   dailyAt(2, 30),
		RunAtStart: true,
		Retry:      RetryPolicy{MaxRetries: 2, MinDelay: time.Minute, MaxDelay: 90 * time.Second},
		Clock:      clock,
		Job: func(context.Context) error {
			attempts.Add(1)
			return errors.New("hibob unreachable")
		},
	}
	cancel, done := startWorker(t, w)

	assert.Equal(t, time.Minute, clock.nextTimer(t))
	clock.Advance(time.Minute)
	assert.Equal(t, 90*time.Second, clock.nextTimer(t), "the delay is capped")
	clock.Advance(90 * time.Second)

	wait := clock.nextTimer(t)
	assert.Equal(t, 16*time.Hour+30*time.Minute-150*time.Second, wait, "after the last retry the worker waits for the next slot")
	assert.Equal(t, int32(3), attempts.Load())
	cancel()
	assert.NoError(t, receive(t, done, "Run to return"))
}

func TestWorkerDropsRetryPastNextRun(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 2, 2, 25, 0, 0, time.UTC))
	var attempts atomic.Int32
	w := &Worker{
		Schedule:   dailyAt(2, 30),
		RunAtStart: true,
		Retry:      RetryPolicy{MaxRetries: 3, MinDelay: 10 * time.Minute, MaxDelay: time.Hour},
		Clock:      clock,
		Job: func(context.Context) error {
			attempts.Add(1)
			return errors.New("hibob unreachable")
		},
	}
	cancel, done := startWorker(t, w)

	assert.Equal(t, 5*time.Minute, clock.nextTimer(t), "the slot at 02:30 comes before a retry at 02:35")
	assert.Equal(t, int32(1), attempts.Load())
	cancel()
	assert.NoError(t, receive(t, done, "Run to return"))
}

func TestWorkerSkipsSlotMissedDuringRun(t *testing.T) {
	clock := newFakeClock(start)
	var running, overlaps atomic.Int32
	runs := make(chan time.Time, 4)
	w := &Worker{
		Schedule:   dailyAt(2, 30),
		RunAtStart: true,
		Clock:      clock,
		Job: func(context.Context) error {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			defer running.Add(-1)
			runs <- clock.Now()
			// The run lasts past the next day's slot.
			clock.Advance(17 * time.Hour)
			return nil
		},
	}
	cancel, done := startWorker(t, w)

	receive(t, runs, "the run at start")
	// The run ended on 2026-03-03 at 03:00, after that day's slot.
	assert.Equal(t, 23*time.Hour+30*time.Minute, clock.nextTimer(t))
	assert.Zero(t, overlaps.Load())
	cancel()
	assert.NoError(t, receive(t, done, "Run to return"))
}

func TestWorkerShutdownWaitsForRun(t *testing.T) {
	clock := newFakeClock(start)
	started := make(chan struct{})
	release := make(chan struct{})
	runCancelled := make(chan bool, 1)
	w := &Worker{
		Schedule:        dailyAt(2, 30),
		RunAtStart:      true,
		ShutdownTimeout: 2 * time.Minute,
		Clock:           clock,
		Job: func(ctx context.Context) error {
			close(started)
			<-release
			runCancelled <- ctx.Err() != nil
			return nil
		},
	}
	cancel, done := startWorker(t, w)

	receive(t, started, "the run to start")
	cancel()
	assert.Equal(t, 2*time.Minute, clock.nextTimer(t), "shutdown waits up to the timeout")
	close(release)

	assert.NoError(t, receive(t, done, "Run to return"))
	assert.False(t, receive(t, runCancelled, "the run to end"), "a run that ends within the timeout is not cancelled")
}

func TestWorkerShutdownTimeoutCancelsRun(t *testing.T) {
	clock := newFakeClock(start)
	started := make(chan struct{})
	runErr := make(chan error, 1)
	w := &Worker{
		Schedule:        dailyAt(2, 30),
		RunAtStart:      true,
		ShutdownTimeout: 2 * time.Minute,
		Clock:           clock,
		Job: func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			runErr <- ctx.Err()
			return ctx.Err()
		},
	}
	cancel, done := startWorker(t, w)

	receive(t, started, "the run to start")
	cancel()
	assert.Equal(t, 2*time.Minute, clock.nextTimer(t))
	clock.Advance(2 * time.Minute)

	assert.ErrorIs(t, receive(t, runErr, "the run to be cancelled"), context.Canceled)
	assert.NoError(t, receive(t, done, "Run to return"))
}

func TestWorkerStopsWhileIdle(t *testing.T) {
	clock := newFakeClock(start)
	var attempts atomic.Int32
	w := &Worker{
		Schedule: dailyAt(2, 30),
		Clock:    clock,
		Job: func(context.Context) error {
			attempts.Add(1)
			return nil
		},
	}
	cancel, done := startWorker(t, w)

	clock.nextTimer(t)
	cancel()

	require.NoError(t, receive(t, done, "Run to return"))
	assert.Zero(t, attempts.Load())
}

func TestRetryPolicyDelay(t *testing.T) {
	p := RetryPolicy{MinDelay: time.Minute, MaxDelay: 5 * time.Minute}

	assert.Equal(t, time.Minute, p.delay(1))
	assert.Equal(t, 2*time.Minute, p.delay(2))
	assert.Equal(t, 4*time.Minute, p.delay(3))
	assert.Equal(t, 5*time.Minute, p.delay(4))
	assert.Equal(t, 5*time.Minute, p.delay(40))
}
