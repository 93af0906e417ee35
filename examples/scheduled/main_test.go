package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/examples/internal/services"
)

// envOf returns an environment with exactly the given variables set.
func envOf(values map[string]string) services.Env {
	return func(name string) (string, bool) {
		value, ok := values[name]
		return value, ok
	}
}

func TestParseSettingsDefaults(t *testing.T) {
	cfg, err := parseSettings(nil, envOf(nil).Get, io.Discard)

	require.NoError(t, err)
	assert.Equal(t, "daily at 02:00 UTC", cfg.worker.Schedule.String())
	assert.Equal(t, 15*time.Minute, cfg.worker.Jitter)
	assert.Equal(t, RetryPolicy{MaxRetries: 3, MinDelay: 5 * time.Minute, MaxDelay: time.Hour}, cfg.worker.Retry)
	assert.Equal(t, 2*time.Minute, cfg.worker.ShutdownTimeout)
	assert.False(t, cfg.worker.RunAtStart)
}

func TestParseSettingsFromEnv(t *testing.T) {
	env := envOf(map[string]string{
		envSchedule: "weekly",
		envTime:     "06:45",
		envWeekday:  "thursday",
		envTimezone: "America/New_York",
	})

	cfg, err := parseSettings(nil, env.Get, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "weekly on Thursday at 06:45 America/New_York", cfg.worker.Schedule.String())

	cfg, err = parseSettings([]string{"-schedule", "daily", "-at", "23:15", "-timezone", "Asia/Tokyo"}, env.Get, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "daily at 23:15 Asia/Tokyo", cfg.worker.Schedule.String(), "flags override the environment")
}

func TestParseSettingsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"-every", "1h"}, nil, "-every"},
		{"bad time", []string{"-at", "7pm"}, nil, `invalid -at (or SYNC_TIME) "7pm"`},
		{"bad env time", nil, map[string]string{envTime: "25:00"}, `invalid -at (or SYNC_TIME) "25:00"`},
		{"bad weekday", []string{"-schedule", "weekly", "-weekday", "funday"}, nil, `invalid -weekday (or SYNC_WEEKDAY) "funday"`},
		{"bad time zone", []string{"-timezone", "Mars/Olympus_Mons"}, nil, "unknown -timezone"},
		{"negative jitter", []string{"-jitter", "-1m"}, nil, "-jitter"},
		{"negative retries", []string{"-max-retries", "-1"}, nil, "-max-retries"},
		{"zero retry delay", []string{"-retry-delay", "0s"}, nil, "-retry-delay"},
		{"argument", []string{"now"}, nil, `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSettings(tt.args, envOf(tt.env).Get, io.Discard)

			var usageErr *services.UsageError
			require.ErrorAs(t, err, &usageErr)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRunUsageErrorExitsTwo(t *testing.T) {
	var stderr bytes.Buffer

	code := run(context.Background(), []string{"-at", "noon"}, envOf(nil), &stderr)

	assert.Equal(t, exitUsage, code)
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "stderr: %q", stderr.String())
	assert.Contains(t, stderr.String(), "-at")
}

func TestRunMissingVariableExitsTwo(t *testing.T) {
	var stderr bytes.Buffer

	code := run(context.Background(), nil, envOf(map[string]string{services.EnvQooperAPIToken: "qooper-token-secret"}), &stderr)

	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), services.EnvHiBobServiceUserID)
	assert.NotContains(t, stderr.String(), "qooper-token-secret")
}

// notifyingBuffer is a log destination that is safe for concurrent use and
// closes found once the output contains a pattern.
type notifyingBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	pattern string
	found   chan struct{}
	once    sync.Once
}

func (b *notifyingBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if strings.Contains(b.buf.String(), b.pattern) {
		b.once.Do(func() { close(b.found) })
	}
	return n, err
}

func (b *notifyingBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunDemoSyncsAndStops(t *testing.T) {
	logs := &notifyingBuffer{pattern: `msg="run finished"`, found: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)

	go func() { done <- run(ctx, []string{"-jitter", "0s"}, envOf(nil), logs) }()
	select {
	case <-logs.found:
	case code := <-done:
		t.Fatalf("the worker exited with status %d before a run finished:\n%s", code, logs.String())
	case <-time.After(guardTimeout):
		t.Fatalf("no run finished:\n%s", logs.String())
	}
	cancel()

	assert.Equal(t, exitOK, receive(t, done, "the worker to exit"))
	output := logs.String()
	assert.Contains(t, output, "demo mode")
	assert.Contains(t, output, "applied=285")
	assert.Contains(t, output, `msg="next run scheduled"`)
	assert.Contains(t, output, `msg="worker stopped"`)
	assert.NotContains(t, output, "qoopertest-token")
}
