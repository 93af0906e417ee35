package rest

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestServerWaitSaturatesHugeRetryAfter(t *testing.T) {
	t.Parallel()
	for _, value := range []string{"1e10", "9223372037", "inf", "1e300"} {
		header := http.Header{"Retry-After": {value}}

		wait, ok := ServerWait(header, time.Now())

		assert.True(t, ok, value)
		assert.Equal(t, time.Duration(math.MaxInt64), wait, value)
	}
}

func TestAddJitterSaturates(t *testing.T) {
	t.Parallel()
	assert.Equal(t, time.Duration(math.MaxInt64), AddJitter(math.MaxInt64))

	got := AddJitter(time.Second)
	assert.GreaterOrEqual(t, got, time.Second)
	assert.Less(t, got, time.Second+time.Second/10+time.Millisecond)
}

func TestExponentialBackoffNearMaxDuration(t *testing.T) {
	t.Parallel()
	maxWait := time.Duration(math.MaxInt64)

	got := ExponentialBackoff(1<<61, maxWait, 4)

	assert.GreaterOrEqual(t, got, maxWait/2, "doubling must stop at maxWait, not overflow")
}
