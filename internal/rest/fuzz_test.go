package rest

import (
	"math"
	"net/http"
	"testing"
	"time"
)

// FuzzServerWait checks that any Retry-After or X-RateLimit-Reset value
// yields either no wait or a wait that is not negative, so that the
// client's cap on server waits always applies.
func FuzzServerWait(f *testing.F) {
	f.Add("120", "")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", "")
	f.Add("", "1736937600")
	f.Add("", "1736937600123")
	f.Add("1e10", "")
	f.Add("-1", "30")

	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, retryAfter, reset string) {
		header := http.Header{}
		if retryAfter != "" {
			header.Set("Retry-After", retryAfter)
		}
		if reset != "" {
			header.Set("X-RateLimit-Reset", reset)
		}

		wait, ok := ServerWait(header, now)
		if !ok && wait != 0 {
			t.Fatalf("ServerWait(%q, %q) = %v, false: a wait without ok", retryAfter, reset, wait)
		}
		if wait < 0 {
			t.Fatalf("ServerWait(%q, %q) = %v, want a wait of at least 0", retryAfter, reset, wait)
		}
	})
}

// FuzzExponentialBackoff checks that every backoff lies between half of
// minWait and maxWait for any valid policy (0 <= minWait <= maxWait) and
// attempt.
func FuzzExponentialBackoff(f *testing.F) {
	f.Add(int64(time.Millisecond), int64(time.Second), uint8(3))
	f.Add(int64(500*time.Millisecond), int64(15*time.Second), uint8(40))
	f.Add(int64(1<<61), int64(math.MaxInt64), uint8(4))

	f.Fuzz(func(t *testing.T, minWait, maxWait int64, attempt uint8) {
		if minWait < 0 || maxWait < minWait {
			return
		}
		got := ExponentialBackoff(time.Duration(minWait), time.Duration(maxWait), int(attempt))
		if got < time.Duration(minWait/2) || got > time.Duration(maxWait) {
			t.Fatalf("ExponentialBackoff(%v, %v, %d) = %v, want %v to %v",
				time.Duration(minWait), time.Duration(maxWait), attempt, got, time.Duration(minWait/2), time.Duration(maxWait))
		}
	})
}
