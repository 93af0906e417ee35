package syncer

import (
	"fmt"
	"testing"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// benchInput returns size sample-company records as the HiBob client
// decodes them from the fake's response, and the Qooper users that an
// applied initial load leaves behind.
func benchInput(b *testing.B, size int) ([]mapping.Record, mapping.Lists, []*qooper.User) {
	b.Helper()
	company := hibobtest.SampleCompanyAt(1, size, fixedClock())
	server := hibobtest.NewServer(hibobtest.WithCompany(company), hibobtest.WithRateLimit(1_000_000))
	defer server.Close()
	client, err := hibob.NewClient(server.Credentials(),
		hibob.WithBaseURL(server.URL()), hibob.WithHTTPClient(server.HTTPClient()), hibob.WithRateLimit(rate.Inf, 1))
	if err != nil {
		b.Fatal(err)
	}
	source := NewHiBobSource(client)
	records, err := source.Records(b.Context(), mapping.Default().SourceFields())
	if err != nil {
		b.Fatal(err)
	}
	lists, err := source.Lists(b.Context(), mapping.Default().ListNames())
	if err != nil {
		b.Fatal(err)
	}

	s, err := New(&fakeSource{records: records, lists: lists}, newMemTarget(), mapping.Default(), WithClock(fixedClock))
	if err != nil {
		b.Fatal(err)
	}
	plan, err := s.Plan(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	// Build the users an applied plan leaves behind directly: the in-memory
	// target checks uniqueness by scanning, which is too slow at 100k.
	userIDs := make(map[string]string, len(plan.Changes))
	for i, c := range plan.Changes {
		userIDs[c.EmployeeID] = fmt.Sprintf("usr_%07d", i)
	}
	resolve := func(ref *ManagerRef) string { return userIDs[ref.EmployeeID] }
	users := make([]*qooper.User, 0, len(plan.Changes))
	for _, c := range plan.Changes {
		if c.Action != Create {
			continue
		}
		u := &qooper.User{ID: userIDs[c.EmployeeID], Status: qooper.StatusActive}
		applyFields(u, fieldsForChange(&c, resolve))
		users = append(users, u)
	}
	return records, lists, users
}

// BenchmarkPlan measures mapping and diffing, without HTTP: "initial" plans
// against an empty Qooper, "steady" against one that already matches.
func BenchmarkPlan(b *testing.B) {
	for _, size := range []int{1_000, 10_000, 100_000} {
		records, lists, users := benchInput(b, size)
		for _, state := range []string{"initial", "steady"} {
			current := users
			if state == "initial" {
				current = nil
			}
			b.Run(fmt.Sprintf("%s/%d", state, size), func(b *testing.B) {
				s, err := New(&fakeSource{records: records, lists: lists}, newMemTarget(), mapping.Default(), WithClock(fixedClock))
				if err != nil {
					b.Fatal(err)
				}
				in := planInput{records: records, lists: lists, users: current, fields: s.sourceFields()}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					plan := s.buildPlan("bench", in)
					if state == "steady" && len(plan.Changes) != 0 {
						b.Fatalf("steady state planned %d changes", len(plan.Changes))
					}
				}
			})
		}
	}
}
