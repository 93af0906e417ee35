package syncer

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// everyKindOfChange returns a source and a target whose plan has every
// kind of change, failure and issue.
func everyKindOfChange() (*fakeSource, *memTarget) {
	promoted := managedUser("1002", "Alan", "Turing")
	rehired := managedUser("1003", "Grace", "Hopper")
	rehired.Status = qooper.StatusDeactivated
	ended := "2025-01-31"
	rehired.TerminationDate = &ended
	leaver := managedUser("1004", "Edsger", "Dijkstra")
	gone := managedUser("1005", "Barbara", "Liskov")
	unmanaged := &qooper.User{ID: "usr_admin", Email: "admin@example.com", FirstName: "Admin", LastName: "User", Status: qooper.StatusActive}
	adoptable := &qooper.User{ID: "usr_adopt", Email: "donald.knuth@example.com", FirstName: "Don", LastName: "Knuth", Status: qooper.StatusActive}
	users := []*qooper.User{promoted, rehired, leaver, gone, unmanaged, adoptable}
	for i, u := range users {
		if u.ID == "" {
			u.ID = "usr_" + string(rune('a'+i))
		}
	}
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("work.startDate", "2027-01-04"),
		employee("1002", "Alan", "Turing").with("work.title", "2").reportsTo("1001"),
		employee("1003", "Grace", "Hopper").with("internal.terminationDate", "2025-01-31"),
		employee("1004", "Edsger", "Dijkstra").inactive("2026-11-30"),
		employee("1006", "Donald", "Knuth"),
		employee("1007", "Ken", "Thompson").with("root.email", "shared@example.com"),
		employee("1008", "Dennis", "Ritchie").with("root.email", "shared@example.com"),
		employee("1009", "Frances", "Allen").with("work.department", "99"),
		employee("1010", "José", "Müller-Łukasiewicz").with("root.email", "jose.muller@example.com").reportsTo("1010"),
		employee("1011", "山田", "太郎").with("root.email", "yamada.taro@example.com").reportsTo("2000"),
	}}
	return src, newMemTarget(users...)
}

func TestPlanTextGolden(t *testing.T) {
	t.Parallel()
	src, dst := everyKindOfChange()
	s := newTestSyncer(t, src, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	plan.ID = "plan0001"

	got := plan.String()

	golden := filepath.Join("testdata", "plan.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("plan text mismatch (-want +got):\n%s\nrun go test ./syncer -run TestPlanTextGolden -update to accept", diff)
	}
}

func TestPlanJSONRoundTrip(t *testing.T) {
	t.Parallel()
	src, dst := everyKindOfChange()
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(2))
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	encoded, err := json.Marshal(plan)
	require.NoError(t, err)
	var decoded Plan
	require.NoError(t, json.Unmarshal(encoded, &decoded))

	if diff := cmp.Diff(plan, &decoded, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("plan changed in a JSON round trip (-want +got):\n%s", diff)
	}
	assert.Contains(t, string(encoded), `"action":"create"`)
}

func TestApplyDecodedPlan(t *testing.T) {
	t.Parallel()
	src, dst := everyKindOfChange()
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(2))
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	encoded, err := json.Marshal(plan)
	require.NoError(t, err)
	var decoded Plan
	require.NoError(t, json.Unmarshal(encoded, &decoded))

	report, err := s.Apply(t.Context(), &decoded)
	require.NoError(t, err)

	assert.Equal(t, len(plan.Changes), report.Count(Applied))
	alan := dst.byExternalID("1002")
	require.NotNil(t, alan.Manager)
	assert.Equal(t, dst.byExternalID("1001").ID, alan.Manager.ID, "a manager created in the run resolves from the decoded plan")
}

func TestReportJSONAndText(t *testing.T) {
	t.Parallel()
	src, dst := everyKindOfChange()
	dst.fail["create 1006"] = &qooper.APIError{StatusCode: 400, Code: "invalidValue"}
	s := newTestSyncer(t, src, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	report, _ := s.Apply(t.Context(), plan)

	encoded, err := json.Marshal(report)
	require.NoError(t, err)
	var decoded Report
	require.NoError(t, json.Unmarshal(encoded, &decoded))
	if diff := cmp.Diff(report, &decoded, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("report changed in a JSON round trip (-want +got):\n%s", diff)
	}
	assert.Equal(t, 2, report.Counts["deactivate"][Held])
	text := new(bytes.Buffer)
	require.NoError(t, report.WriteText(text))
	assert.Contains(t, text.String(), "held")
	assert.True(t, report.HasProblems())
}

func TestLogsCarryRunIDAndNoPersonalData(t *testing.T) {
	t.Parallel()
	src, dst := everyKindOfChange()
	dst.fail["create 1001"] = &qooper.APIError{StatusCode: 400, Code: "invalidValue"}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := newTestSyncer(t, src, dst, WithLogger(logger))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	_, _ = s.Apply(t.Context(), plan)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.NotEmpty(t, lines)
	for _, line := range lines {
		var entry map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &entry))
		assert.Equal(t, plan.ID, entry["run_id"], line)
	}
	for _, personal := range []string{"Ada", "Lovelace", "example.com", "Müller", "山田"} {
		assert.NotContains(t, logs.String(), personal)
	}
	assert.Contains(t, logs.String(), `"msg":"change failed"`)
	assert.Contains(t, logs.String(), `"msg":"applied plan"`)
}

func TestApplyReportsProgress(t *testing.T) {
	t.Parallel()
	var records []mapping.Record
	for _, id := range []string{"1001", "1002", "1003"} {
		records = append(records, employee(id, "P"+id, "Q"))
	}
	var seen []Progress
	s := newTestSyncer(t, &fakeSource{records: records}, newMemTarget(),
		WithProgress(func(p Progress) { seen = append(seen, p) }))

	syncOnce(t, s)

	require.Len(t, seen, 3)
	assert.Equal(t, Progress{Phase: "create", Done: 3, Total: 3}, seen[2])
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	src, dst := &fakeSource{}, newMemTarget()
	for name, opt := range map[string]Option{
		"threshold":   WithDeactivationThreshold(1.5),
		"allowance":   WithAllowDeactivations(-1),
		"concurrency": WithConcurrency(0),
		"as of":       WithAsOf("2026-13-01"),
		"logger":      WithLogger(nil),
	} {
		_, err := New(src, dst, mapping.Default(), opt)
		assert.Error(t, err, name)
	}
	_, err := New(nil, dst, mapping.Default())
	assert.Error(t, err)
}

func TestTodayUsesTimeZone(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	late := func() time.Time { return time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC) }
	s, err := New(&fakeSource{}, newMemTarget(), mapping.Default(), WithClock(late), WithLocation(tokyo))
	require.NoError(t, err)
	assert.Equal(t, "2026-12-05", s.today())

	s, err = New(&fakeSource{}, newMemTarget(), mapping.Default(), WithClock(late), WithAsOf("2026-01-02"))
	require.NoError(t, err)
	assert.Equal(t, "2026-01-02", s.today())
}

func TestFindCyclesNeverLoops(t *testing.T) {
	t.Parallel()
	people := map[string]*person{}
	var order []*person
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		people[id] = &person{id: id}
		order = append(order, people[id])
	}
	for id, managerID := range map[string]string{"a": "b", "b": "c", "c": "a", "d": "a", "e": "e", "f": "g"} {
		people[id].manager = people[managerID]
	}

	var got [][]string
	for _, cycle := range findCycles(order) {
		var ids []string
		for _, pr := range cycle {
			ids = append(ids, pr.id)
		}
		got = append(got, ids)
	}

	assert.Equal(t, [][]string{{"a", "b", "c"}, {"e"}}, got)
}
