package mapping_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
)

// TestDefaultMapsSampleCompany maps every record of the fake's sample
// company, as the HiBob client decodes them from a real response.
func TestDefaultMapsSampleCompany(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	company := hibobtest.SampleCompanyAt(5, 400, today)
	server := hibobtest.Start(t, hibobtest.WithCompany(company), hibobtest.WithRateLimit(1_000_000))
	client, err := hibob.NewClient(server.Credentials(),
		hibob.WithBaseURL(server.URL()), hibob.WithHTTPClient(server.HTTPClient()), hibob.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	m := mapping.Default()
	employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: m.SourceFields(), ShowInactive: true})
	require.NoError(t, err)
	named, err := client.NamedLists(t.Context(), true)
	require.NoError(t, err)
	lists := mapping.Lists{}
	for _, name := range m.ListNames() {
		require.Contains(t, named, name)
		lists[name] = named[name].Labels()
	}
	require.Len(t, employees, len(company.People))

	numeric := regexp.MustCompile(`^[0-9]+$`)
	for _, e := range employees {
		person := company.Person(e.ID())
		require.NotNil(t, person, e.ID())

		user, err := m.Map(e, lists)
		require.NoError(t, err, "employee %s", e.ID())

		assert.Equal(t, e.ID(), user.Get(mapping.TargetExternalID).V)
		wantStatus := mapping.StatusActive
		if person.Status == "Inactive" {
			wantStatus = mapping.StatusInactive
		}
		assert.Equal(t, wantStatus, user.Get(mapping.TargetStatus).V, "employee %s", e.ID())
		for _, target := range []string{mapping.TargetJobTitle, mapping.TargetDepartment} {
			label, _ := user.Get(target).V.(string)
			assert.False(t, numeric.MatchString(label), "employee %s: %s %q is still a list id", e.ID(), target, label)
		}
		assert.Regexp(t, numeric, user.Get(mapping.TargetEmployeeNumber).V, "employee %s", e.ID())
		if person.ManagerID == "" {
			assert.Nil(t, user.Get(mapping.TargetManager).V, "employee %s", e.ID())
		} else {
			assert.Equal(t, person.ManagerID, user.Get(mapping.TargetManager).V, "employee %s", e.ID())
		}
		if person.Email == "" {
			assert.Equal(t, mapping.Value{Known: true}, user.Get(mapping.TargetEmail), "employee %s: a missing e-mail is a clear", e.ID())
		}
	}
}
