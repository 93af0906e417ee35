package rest

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServerWait returns how long the server requests the client to wait, from
// Retry-After (seconds or an HTTP date), else from X-RateLimit-Reset.
// Third-party notes report HiBob's X-RateLimit-Reset as a Unix time in
// seconds. A small value is also read as a number of seconds and a very
// large one as Unix milliseconds, so that any of the three forms works. A
// wait too long for a time.Duration is returned as the longest one.
func ServerWait(h http.Header, now time.Time) (time.Duration, bool) {
	if value := strings.TrimSpace(h.Get("Retry-After")); value != "" {
		if seconds, err := strconv.ParseFloat(value, 64); err == nil && seconds >= 0 {
			if seconds >= math.MaxInt64/float64(time.Second) {
				return math.MaxInt64, true
			}
			return time.Duration(seconds * float64(time.Second)), true
		}
		if at, err := http.ParseTime(value); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if value := strings.TrimSpace(h.Get("X-RateLimit-Reset")); value != "" {
		reset, err := strconv.ParseInt(value, 10, 64)
		if err != nil || reset < 0 {
			return 0, false
		}
		switch {
		case reset > 1e12:
			return max(time.UnixMilli(reset).Sub(now), 0), true
		case reset > 1e9:
			return max(time.Unix(reset, 0).Sub(now), 0), true
		default:
			return time.Duration(reset) * time.Second, true
		}
	}
	return 0, false
}

// ExponentialBackoff returns a jittered wait for retry number attempt+1: a
// random duration between half and all of minWait·2^attempt, capped at
// maxWait.
func ExponentialBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	wait := minWait
	for i := 0; i < attempt && wait < maxWait; i++ {
		if wait > maxWait/2 {
			wait = maxWait // doubling would pass maxWait or overflow
			break
		}
		wait *= 2
	}
	wait = min(wait, maxWait)
	if wait <= 0 {
		return 0
	}
	return wait/2 + Jitter(wait/2)
}

// AddJitter returns wait plus a random duration of up to a tenth of wait
// and one millisecond, which spreads out clients that received the same
// Retry-After. The sum saturates instead of overflowing.
func AddJitter(wait time.Duration) time.Duration {
	jitter := Jitter(wait/10 + time.Millisecond)
	if wait > math.MaxInt64-jitter {
		return math.MaxInt64
	}
	return wait + jitter
}

// Jitter returns a random duration in [0, limit).
func Jitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return rand.N(limit)
}
