package syncer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

func TestIdempotencyKeyKeepsPlainIDsReadable(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "hrsync-0123abcd-3332883804594373380", IdempotencyKey("0123abcd", "3332883804594373380"))
}

func TestIdempotencyKeyHashesUnusualIDs(t *testing.T) {
	t.Parallel()
	ids := []string{"12\n34", "idé", "a b", strings.Repeat("9", 240), "1001 "}
	seen := make(map[string]string)
	for _, id := range ids {
		key := IdempotencyKey("0123abcd", id)

		assert.LessOrEqual(t, len(key), maxIdempotencyKeyLength, "id %q", id)
		assert.True(t, isVisibleASCII(key), "id %q gave key %q", id, key)
		assert.True(t, strings.HasPrefix(key, "hrsync-sha256-"), "id %q gave key %q", id, key)
		assert.Equal(t, key, IdempotencyKey("0123abcd", id), "the key must not change between calls")
		assert.NotEqual(t, key, IdempotencyKey("fedc3210", id), "another plan must give another key")
		assert.Empty(t, seen[key], "ids %q and %q share a key", seen[key], id)
		seen[key] = id
	}
}

// TestApplyCreatesUserWithUnusualID sends the creates through the real
// Qooper client, which rejects an Idempotency-Key that Qooper would reject.
func TestApplyCreatesUserWithUnusualID(t *testing.T) {
	t.Parallel()
	server := qoopertest.Start(t, qoopertest.WithRateLimit(rate.Inf, 1))
	client, err := qooper.NewClient(server.URL(), server.Token(), qooper.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	ids := []string{"idé", strings.Repeat("9", 240)}
	src := &fakeSource{records: []mapping.Record{
		employee(ids[0], "Ada", "Lovelace").with("work.employeeIdInCompany", json.Number("1")),
		employee(ids[1], "Grace", "Hopper").with("work.employeeIdInCompany", json.Number("2")),
	}}
	s := newTestSyncer(t, src, NewQooperTarget(client))

	plan, report := syncOnce(t, s)

	assert.Equal(t, 2, plan.Count(Create))
	assert.Equal(t, 2, report.Count(Applied))
	stored := make(map[string]bool)
	for _, u := range server.Users() {
		require.NotNil(t, u.ExternalID)
		stored[*u.ExternalID] = true
	}
	for _, id := range ids {
		assert.True(t, stored[id], "no user with externalId %q", id)
	}
}
