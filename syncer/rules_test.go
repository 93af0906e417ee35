package syncer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

func changeFor(p *Plan, employeeID string) *Change {
	for i := range p.Changes {
		if p.Changes[i].EmployeeID == employeeID {
			return &p.Changes[i]
		}
	}
	return nil
}

func failureFor(p *Plan, employeeID string) *Failure {
	for i := range p.Failures {
		if p.Failures[i].EmployeeID == employeeID {
			return &p.Failures[i]
		}
	}
	return nil
}

func issueFor(p *Plan, code string) *Issue {
	for i := range p.Issues {
		if p.Issues[i].Code == code {
			return &p.Issues[i]
		}
	}
	return nil
}

func fieldNames(c *Change) []string {
	var names []string
	for _, fc := range c.Fields {
		names = append(names, fc.Field)
	}
	return names
}

func TestPlanRequestsMappingFields(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, newMemTarget())

	_, err := s.Plan(t.Context())
	require.NoError(t, err)

	require.Len(t, src.fieldsRequested, 1)
	want := append(slices.Clone(mapping.Default().SourceFields()), "root.id")
	slices.Sort(want)
	assert.Equal(t, slices.Compact(want), src.fieldsRequested[0])
}

func TestPlanMissingFieldWarnsAndKeepsValue(t *testing.T) {
	t.Parallel()
	user := managedUser("1001", "Ada", "Lovelace")
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").without("work.site"),
		employee("1002", "Alan", "Turing").without("work.site"),
	}}
	s := newTestSyncer(t, src, newMemTarget(user, managedUser("1002", "Alan", "Turing")))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	issue := issueFor(plan, CodeFieldNotReturned)
	require.NotNil(t, issue)
	assert.Equal(t, "work.site", issue.Field)
	assert.Equal(t, SeverityWarning, issue.Severity)
	assert.Empty(t, plan.Changes, "an unreturned field must not clear Qooper values")
	assert.Equal(t, 2, plan.Unchanged)
}

func TestPlanFieldMissingFromOneRecordIsUnknown(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").without("work.site"),
		employee("1002", "Alan", "Turing").with("work.site", "Paris"),
	}}
	s := newTestSyncer(t, src, newMemTarget(managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing")))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.Nil(t, issueFor(plan, CodeFieldNotReturned))
	assert.Nil(t, changeFor(plan, "1001"), "absent field is unknown, not empty")
	require.NotNil(t, changeFor(plan, "1002"))
	assert.Equal(t, []string{"location"}, fieldNames(changeFor(plan, "1002")))
}

func TestPlanPresentNullClearsField(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").with("work.site", nil)}}
	s := newTestSyncer(t, src, newMemTarget(managedUser("1001", "Ada", "Lovelace")))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	c := changeFor(plan, "1001")
	require.NotNil(t, c)
	require.Len(t, c.Fields, 1)
	assert.Equal(t, FieldChange{Field: "location", Before: "London", After: nil}, c.Fields[0])
}

func TestPlanMatchesByExternalIDThenAdoptsByEmail(t *testing.T) {
	t.Parallel()
	unmanaged := &qooper.User{Email: "ALAN.TURING@example.com", FirstName: "Alan", LastName: "Turing"}
	dst := newMemTarget(managedUser("1001", "Ada", "Lovelace"), unmanaged)
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing"),
	}}
	s := newTestSyncer(t, src, dst)

	plan, report := syncOnce(t, s)

	c := changeFor(plan, "1002")
	require.NotNil(t, c)
	assert.Equal(t, Update, c.Action)
	assert.True(t, c.Adopt)
	assert.Equal(t, unmanaged.ID, c.UserID)
	assert.Contains(t, fieldNames(c), "externalId")
	assert.NotContains(t, fieldNames(c), "email", "e-mail case differences compare equal")
	assert.Equal(t, 0, report.Failed())
	adopted := dst.byExternalID("1002")
	require.NotNil(t, adopted)
	assert.Equal(t, unmanaged.ID, adopted.ID)
}

func TestPlanEmailOwnedByOtherEmployeeIsConflict(t *testing.T) {
	t.Parallel()
	other := managedUser("9999", "Ada", "Lovelace")
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing"),
	}}
	s := newTestSyncer(t, src, newMemTarget(other))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	f := failureFor(plan, "1001")
	require.NotNil(t, f)
	assert.Equal(t, CodeEmailConflict, f.Code)
	assert.Equal(t, Create, changeFor(plan, "1002").Action, "the conflict fails only its own record")
}

func TestPlanNeverTouchesUnmatchedUnmanagedUsers(t *testing.T) {
	t.Parallel()
	admin := &qooper.User{Email: "admin@example.com", FirstName: "Admin", LastName: "User"}
	dst := newMemTarget(admin)
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(10))

	plan, _ := syncOnce(t, s)

	for _, c := range plan.Changes {
		assert.NotEqual(t, admin.ID, c.UserID)
	}
	assert.Equal(t, []string{"create 1001"}, dst.writeLog())
}

func TestPlanCreatesActiveEmployee(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").with("work.title", "2")}}
	s := newTestSyncer(t, src, dst)

	plan, report := syncOnce(t, s)

	require.Len(t, plan.Changes, 1)
	assert.Equal(t, Create, plan.Changes[0].Action)
	assert.Equal(t, 1, report.Count(Applied))
	created := dst.byExternalID("1001")
	require.NotNil(t, created)
	assert.Equal(t, "ada.lovelace@example.com", created.Email)
	require.NotNil(t, created.JobTitle)
	assert.Equal(t, "Engineering Manager", *created.JobTitle)
	require.NotNil(t, created.EmployeeNumber)
	assert.Equal(t, "1001", *created.EmployeeNumber)
}

func TestPlanUpdatesOnlyChangedFields(t *testing.T) {
	t.Parallel()
	user := managedUser("1001", "Ada", "Lovelace")
	spaced := "  Ada   Lovelace "
	user.DisplayName = &spaced
	user.Email = "Ada.Lovelace@Example.com"
	dated := "2021-05-04T00:00:00Z"
	user.StartDate = &dated
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").with("work.title", "2")}}
	s := newTestSyncer(t, src, newMemTarget(user))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	c := changeFor(plan, "1001")
	require.NotNil(t, c)
	assert.Equal(t, Update, c.Action)
	assert.Equal(t, []FieldChange{{Field: "jobTitle", Before: "Engineer", After: "Engineering Manager"}}, c.Fields)
}

func TestPlanEqualUserIsNoOp(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, newMemTarget(managedUser("1001", "Ada", "Lovelace")))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.Empty(t, plan.Changes)
	assert.Equal(t, 1, plan.Unchanged)
}

func TestPlanReactivatesRehire(t *testing.T) {
	t.Parallel()
	user := managedUser("1001", "Ada", "Lovelace")
	user.Status = qooper.StatusDeactivated
	ended := "2025-01-31"
	user.TerminationDate = &ended
	dst := newMemTarget(user)
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").with("internal.terminationDate", "2025-01-31")}}
	s := newTestSyncer(t, src, dst)

	plan, _ := syncOnce(t, s)

	c := changeFor(plan, "1001")
	require.NotNil(t, c)
	assert.Equal(t, Reactivate, c.Action)
	assert.Equal(t, user.ID, c.UserID, "a rehire keeps its Qooper id")
	assert.Equal(t, qooper.StatusActive, dst.byExternalID("1001").Status)
}

func TestPlanTerminationDateAloneNeverDeactivates(t *testing.T) {
	t.Parallel()
	for _, date := range []string{"2020-01-31", "2027-06-30"} {
		t.Run(date, func(t *testing.T) {
			t.Parallel()
			user := managedUser("1001", "Ada", "Lovelace")
			user.TerminationDate = &date
			src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").with("internal.terminationDate", date)}}
			s := newTestSyncer(t, src, newMemTarget(user))

			plan, err := s.Plan(t.Context())
			require.NoError(t, err)

			assert.Zero(t, plan.Count(Deactivate))
		})
	}
}

func TestPlanDeactivatesLeaver(t *testing.T) {
	t.Parallel()
	dst := newMemTarget(managedUser("1001", "Ada", "Lovelace"))
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").inactive("2026-11-30")}}
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(1))

	plan, report := syncOnce(t, s)

	c := changeFor(plan, "1001")
	require.NotNil(t, c)
	assert.Equal(t, Deactivate, c.Action)
	assert.Equal(t, &Deactivation{Reason: "terminated", EffectiveDate: "2026-11-30"}, c.Deactivation)
	assert.Equal(t, []string{"terminationDate"}, fieldNames(c))
	assert.Equal(t, 1, report.Count(Applied))
	u := dst.byExternalID("1001")
	assert.Equal(t, qooper.StatusDeactivated, u.Status)
	require.NotNil(t, u.TerminationDate)
	assert.Equal(t, "2026-11-30", *u.TerminationDate)
}

func TestPlanInactiveAndAbsentDoesNothing(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").inactive("2026-11-30")}}
	s := newTestSyncer(t, src, newMemTarget())

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.Empty(t, plan.Changes)
	assert.Empty(t, plan.Failures)
}

func TestPlanDeactivatesManagedUserMissingFromSource(t *testing.T) {
	t.Parallel()
	users := []*qooper.User{managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing")}
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, newMemTarget(users...), WithAllowDeactivations(1))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	c := changeFor(plan, "1002")
	require.NotNil(t, c)
	assert.Equal(t, Deactivate, c.Action)
	assert.Equal(t, "not in source", c.Reason)
}

func TestPlanDeactivatesOutOfScopeUser(t *testing.T) {
	t.Parallel()
	scoped, err := mapping.ParseJSON([]byte(`{"version":1,"extends":"default","scope":[{"field":"work.department","op":"equals","value":"10"}]}`))
	require.NoError(t, err)
	users := []*qooper.User{managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing")}
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing").with("work.department", "11"),
	}}
	s, err := New(src, newMemTarget(users...), scoped, WithClock(fixedClock), WithAllowDeactivations(1))
	require.NoError(t, err)

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	c := changeFor(plan, "1002")
	require.NotNil(t, c)
	assert.Equal(t, Deactivate, c.Action)
	assert.Equal(t, "out of scope", c.Reason)
	assert.Equal(t, 1, plan.OutOfScope)
	assert.Empty(t, plan.Failures, "out of scope is not an error")
}

func TestPlanSuspendedUserKeepsStatus(t *testing.T) {
	t.Parallel()
	suspended := managedUser("1001", "Ada", "Lovelace")
	suspended.Status = qooper.StatusSuspended
	leaver := managedUser("1002", "Alan", "Turing")
	leaver.Status = qooper.StatusSuspended
	dst := newMemTarget(suspended, leaver)
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("work.title", "3"),
		employee("1002", "Alan", "Turing").inactive("2026-11-30"),
	}}
	s := newTestSyncer(t, src, dst)

	plan, report := syncOnce(t, s)

	assert.Equal(t, Update, changeFor(plan, "1001").Action)
	assert.Equal(t, Update, changeFor(plan, "1002").Action)
	assert.Zero(t, plan.Count(Deactivate))
	assert.Zero(t, report.Failed())
	assert.Equal(t, qooper.StatusSuspended, dst.byExternalID("1001").Status)
	assert.Equal(t, "Director", *dst.byExternalID("1001").JobTitle)
	assert.Equal(t, qooper.StatusSuspended, dst.byExternalID("1002").Status)
}

func TestPlanResolvesManagerCreatedInSameRun(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	src := &fakeSource{records: []mapping.Record{
		employee("1003", "Grace", "Hopper").reportsTo("1002"),
		employee("1002", "Alan", "Turing").reportsTo("1001"),
		employee("1001", "Ada", "Lovelace"),
	}}
	s := newTestSyncer(t, src, dst)

	_, report := syncOnce(t, s)

	assert.Equal(t, 3, report.Count(Applied))
	assert.Equal(t, []string{"create 1001", "create 1002", "create 1003"}, dst.writeLog(), "managers are created before their reports")
	ada, alan, grace := dst.byExternalID("1001"), dst.byExternalID("1002"), dst.byExternalID("1003")
	require.NotNil(t, alan.Manager)
	assert.Equal(t, ada.ID, alan.Manager.ID)
	require.NotNil(t, grace.Manager)
	assert.Equal(t, alan.ID, grace.Manager.ID)
}

func TestPlanClearsManagerThatIsNotSynced(t *testing.T) {
	t.Parallel()
	ada := managedUser("1001", "Ada", "Lovelace")
	alan := managedUser("1002", "Alan", "Turing")
	dst := newMemTarget(ada, alan)
	alan.Manager = &qooper.ManagerRef{ID: ada.ID}
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").inactive("2026-11-30"),
		employee("1002", "Alan", "Turing").reportsTo("1001"),
	}}
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(1))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	c := changeFor(plan, "1002")
	require.NotNil(t, c)
	require.NotNil(t, c.Manager)
	assert.Nil(t, c.Manager.After)
	issue := issueFor(plan, CodeManagerNotSynced)
	require.NotNil(t, issue)
	assert.Equal(t, []string{"1002"}, issue.EmployeeIDs)
	assert.Equal(t, SeverityWarning, issue.Severity)
}

func TestPlanReportsSelfAndCycleManagers(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").reportsTo("1001"),
		employee("1002", "Alan", "Turing").reportsTo("1003"),
		employee("1003", "Grace", "Hopper").reportsTo("1004"),
		employee("1004", "Edsger", "Dijkstra").reportsTo("1002"),
		employee("1005", "Barbara", "Liskov").reportsTo("1002"),
	}}
	dst := newMemTarget()
	s := newTestSyncer(t, src, dst)

	plan, report := syncOnce(t, s)

	self := issueFor(plan, CodeManagerSelf)
	require.NotNil(t, self)
	assert.Equal(t, []string{"1001"}, self.EmployeeIDs)
	cycle := issueFor(plan, CodeManagerCycle)
	require.NotNil(t, cycle)
	assert.Equal(t, []string{"1002", "1003", "1004"}, cycle.EmployeeIDs)
	assert.Equal(t, SeverityError, cycle.Severity)
	assert.Equal(t, 5, report.Count(Applied), "the rest of the run goes on")
	assert.True(t, report.HasProblems())
	assert.Nil(t, dst.byExternalID("1002").Manager)
	require.NotNil(t, dst.byExternalID("1005").Manager)
	assert.Equal(t, dst.byExternalID("1002").ID, dst.byExternalID("1005").Manager.ID)
}

func TestPlanFailsDuplicateEmails(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("root.email", "shared@example.com"),
		employee("1002", "Alan", "Turing").with("root.email", "SHARED@example.com "),
		employee("1003", "Grace", "Hopper"),
	}}
	s := newTestSyncer(t, src, newMemTarget())

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	require.NotNil(t, failureFor(plan, "1001"))
	assert.Equal(t, CodeDuplicateEmail, failureFor(plan, "1001").Code)
	require.NotNil(t, failureFor(plan, "1002"))
	assert.Equal(t, Create, changeFor(plan, "1003").Action)
}

func TestPlanFailedRecordIsNeitherUpdatedNorDeactivated(t *testing.T) {
	t.Parallel()
	users := []*qooper.User{managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing")}
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("work.title", "404").with("work.site", "Paris"),
		employee("1002", "Alan", "Turing").with("work.startDate", "not a date").inactive("2026-11-30"),
	}}
	s := newTestSyncer(t, src, newMemTarget(users...), WithAllowDeactivations(5))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.Empty(t, plan.Changes)
	require.Len(t, plan.Failures, 2)
	assert.Equal(t, "1001", plan.Failures[0].EmployeeID)
	assert.Equal(t, users[0].ID, plan.Failures[0].UserID)
	assert.Contains(t, plan.Failures[0].Message, "work.title")
}

func TestPlanInvalidEmailFailsRecord(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("root.email", "not an email"),
		employee("1002", "Alan", "Turing"),
	}}
	s := newTestSyncer(t, src, newMemTarget())

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	f := failureFor(plan, "1001")
	require.NotNil(t, f)
	assert.Equal(t, CodeInvalidValue, f.Code)
	assert.Equal(t, "email", f.Field)
	assert.Equal(t, Create, changeFor(plan, "1002").Action)
}

func TestApplyRunsPhasesInOrder(t *testing.T) {
	t.Parallel()
	rehired := managedUser("1003", "Grace", "Hopper")
	rehired.Status = qooper.StatusDeactivated
	dst := newMemTarget(managedUser("1002", "Alan", "Turing"), rehired, managedUser("1004", "Edsger", "Dijkstra"))
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing").reportsTo("1001"),
		employee("1003", "Grace", "Hopper"),
		employee("1004", "Edsger", "Dijkstra").inactive("2026-11-30"),
	}}
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(1))

	syncOnce(t, s)

	ids := func(id string) string { return dst.byExternalID(id).ID }
	assert.Equal(t, []string{
		"create 1001",
		"update " + ids("1002"),
		"reactivate " + ids("1003"),
		"update " + ids("1004"),
		"deactivate " + ids("1004"),
	}, dst.writeLog())
}

func TestGuardHoldsMassDeactivation(t *testing.T) {
	t.Parallel()
	var users []*qooper.User
	var records []mapping.Record
	for i := range 20 {
		id := fmt.Sprintf("2%03d", i)
		users = append(users, managedUser(id, "Person", "Number"))
		if i >= 3 {
			records = append(records, employee(id, "Person", "Number"))
		}
	}
	records = append(records, employee("3001", "New", "Hire"))

	cases := []struct {
		name      string
		allowance int
		held      bool
	}{
		{name: "held", allowance: 0, held: true},
		{name: "allowance too small", allowance: 2, held: true},
		{name: "allowance lifts hold", allowance: 3, held: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			copies := make([]*qooper.User, len(users))
			for i, u := range users {
				copied := *u
				copies[i] = &copied
			}
			dst := newMemTarget(copies...)
			s := newTestSyncer(t, &fakeSource{records: records}, dst, WithAllowDeactivations(tc.allowance))

			plan, err := s.Plan(t.Context())
			require.NoError(t, err)
			report, _ := s.Apply(t.Context(), plan)

			assert.Equal(t, 3, plan.Guard.Deactivations)
			assert.Equal(t, 2, plan.Guard.Limit)
			assert.Equal(t, tc.held, plan.Guard.Held)
			if tc.held {
				assert.Equal(t, 3, report.Count(Held))
				assert.Equal(t, []string{"create 3001"}, dst.writeLog(), "creates still apply")
			} else {
				assert.Equal(t, 4, report.Count(Applied))
			}
		})
	}
}

func TestGuardHoldsWhenSourceHasNoActiveEmployee(t *testing.T) {
	t.Parallel()
	var users []*qooper.User
	for _, id := range []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1010", "1011"} {
		users = append(users, managedUser(id, "Person", "Number"))
	}
	s := newTestSyncer(t, &fakeSource{}, newMemTarget(users...))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.True(t, plan.Guard.Held)
	assert.Equal(t, 11, plan.Held())
	assert.Equal(t, "the source returned no active employee", plan.Guard.Reason)
}

func TestApplyCreateCarriesIdempotencyKey(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	_, err = s.Apply(t.Context(), plan)
	require.NoError(t, err)
	_, err = s.Apply(t.Context(), plan)
	require.NoError(t, err)

	users, err := dst.Users(t.Context())
	require.NoError(t, err)
	assert.Len(t, users, 1, "applying the same plan twice creates one user")
	assert.Contains(t, dst.keys, IdempotencyKey(plan.ID, "1001"))
}

func TestApplyAdoptsOnConflict(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	// A user with the same e-mail appears between plan and apply.
	existing := dst.put(&qooper.User{Email: "ada.lovelace@example.com", FirstName: "A", LastName: "L", Status: qooper.StatusDeactivated})

	report, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)

	assert.Equal(t, Applied, report.Results[0].Outcome)
	assert.Equal(t, existing.ID, report.Results[0].UserID)
	adopted := dst.byExternalID("1001")
	require.NotNil(t, adopted)
	assert.Equal(t, existing.ID, adopted.ID)
	assert.Equal(t, qooper.StatusActive, adopted.Status)
	assert.Equal(t, "Ada", adopted.FirstName)
}

func TestApplyConflictWithManagedUserFails(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace")}}
	s := newTestSyncer(t, src, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	dst.put(managedUser("9999", "Ada", "Lovelace"))

	report, err := s.Apply(t.Context(), plan)

	require.Error(t, err)
	assert.Equal(t, Failed, report.Results[0].Outcome)
	assert.Nil(t, dst.byExternalID("1001"))
}

func TestApplyFailureDoesNotStopOthers(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	dst.fail["create 1001"] = &qooper.APIError{StatusCode: http.StatusBadRequest, Code: "invalidValue"}
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace"), employee("1002", "Alan", "Turing")}}
	s := newTestSyncer(t, src, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	report, err := s.Apply(t.Context(), plan)

	var changeErr *ChangeError
	require.ErrorAs(t, err, &changeErr)
	assert.Equal(t, "1001", changeErr.EmployeeID)
	assert.Equal(t, Failed, report.Results[0].Outcome)
	assert.Equal(t, "invalidValue", report.Results[0].Code)
	assert.Equal(t, Applied, report.Results[1].Outcome)
}

func TestApplyStopsOnUnauthorized(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			dst := newMemTarget()
			code := map[int]string{401: "unauthorized", 403: "forbidden"}[status]
			dst.fail["create 1001"] = &qooper.APIError{StatusCode: status, Code: code}
			src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace"), employee("1002", "Alan", "Turing")}}
			s := newTestSyncer(t, src, dst)
			plan, err := s.Plan(t.Context())
			require.NoError(t, err)

			report, err := s.Apply(t.Context(), plan)

			require.ErrorIs(t, err, ErrStopped)
			assert.NotEmpty(t, report.Stopped)
			assert.Equal(t, []string{"create 1001"}, dst.writeLog())
			assert.Equal(t, Skipped, report.Results[1].Outcome)
		})
	}
}

func TestApplyStopsOnCancel(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	ctx, cancel := context.WithCancel(t.Context())
	writes := 0
	dst.before = func(string) {
		writes++
		if writes == 2 {
			cancel()
		}
	}
	var records []mapping.Record
	for _, id := range []string{"1001", "1002", "1003", "1004"} {
		records = append(records, employee(id, "P"+id, "Q"))
	}
	s := newTestSyncer(t, &fakeSource{records: records}, dst)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	report, err := s.Apply(ctx, plan)

	require.ErrorIs(t, err, ErrStopped)
	assert.Contains(t, report.Stopped, "canceled")
	assert.Equal(t, 2, report.Count(Applied))
	assert.Equal(t, 2, report.Count(Skipped))

	// The next run converges without duplicates.
	s2 := newTestSyncer(t, &fakeSource{records: records}, dst)
	_, second := syncOnce(t, s2)
	assert.Equal(t, 2, second.Count(Applied))
	users, err := dst.Users(t.Context())
	require.NoError(t, err)
	assert.Len(t, users, 4)
}

func TestSecondRunWritesNothing(t *testing.T) {
	t.Parallel()
	dst := newMemTarget(managedUser("1004", "Edsger", "Dijkstra"))
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing").reportsTo("1001"),
		employee("1003", "Grace", "Hopper").inactive("2026-01-01"),
		employee("1004", "Edsger", "Dijkstra").with("work.site", "Paris").reportsTo("1002"),
	}}
	s := newTestSyncer(t, src, dst)
	syncOnce(t, s)
	dst.resetWrites()

	plan, report := syncOnce(t, s)

	assert.Empty(t, plan.Changes)
	assert.Empty(t, dst.writeLog())
	assert.False(t, report.HasProblems())
}

func TestPlanSameForAnyInputOrder(t *testing.T) {
	t.Parallel()
	records := []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing").reportsTo("1001"),
		employee("1003", "Grace", "Hopper").reportsTo("1002"),
		employee("1004", "Edsger", "Dijkstra").inactive("2026-01-01"),
		employee("1005", "Barbara", "Liskov").with("root.email", "dup@example.com"),
		employee("1006", "Donald", "Knuth").with("root.email", "dup@example.com"),
	}
	users := []*qooper.User{managedUser("1002", "Alan", "Turing"), managedUser("1004", "Edsger", "Dijkstra"), managedUser("1007", "Gone", "Person")}
	var first *Plan
	for i := range 6 {
		shuffled := slices.Clone(records)
		for j := range shuffled {
			k := (j*7 + i*3) % len(shuffled)
			shuffled[j], shuffled[k] = shuffled[k], shuffled[j]
		}
		copies := make([]*qooper.User, len(users))
		for j, u := range users {
			copied := *u
			copied.ID = "usr_" + *u.ExternalID
			copies[j] = &copied
		}
		slices.Reverse(copies)
		s := newTestSyncer(t, &fakeSource{records: shuffled}, newMemTarget(copies...))
		plan, err := s.Plan(t.Context())
		require.NoError(t, err)
		plan.ID = ""
		if first == nil {
			first = plan
			continue
		}
		assert.Equal(t, first, plan, "order %d", i)
	}
}

func TestSyncEmployeeTouchesOnlyThatEmployee(t *testing.T) {
	t.Parallel()
	dst := newMemTarget(managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing"), managedUser("1009", "Gone", "Person"))
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("work.title", "3"),
		employee("1002", "Alan", "Turing").with("work.title", "2").reportsTo("1001"),
		employee("1003", "Grace", "Hopper"),
	}}
	s := newTestSyncer(t, src, dst)

	report, err := s.SyncEmployee(t.Context(), "1002")
	require.NoError(t, err)

	assert.Equal(t, []string{"update " + dst.byExternalID("1002").ID}, dst.writeLog())
	assert.Equal(t, 1, report.Count(Applied))
	alan := dst.byExternalID("1002")
	assert.Equal(t, "Engineering Manager", *alan.JobTitle)
	require.NotNil(t, alan.Manager)
	assert.Equal(t, dst.byExternalID("1001").ID, alan.Manager.ID)
	assert.Equal(t, qooper.StatusActive, dst.byExternalID("1009").Status, "nobody else is deactivated")
}

func TestSyncEmployeeDeactivatesRemovedEmployee(t *testing.T) {
	t.Parallel()
	users := []*qooper.User{managedUser("1009", "Gone", "Person")}
	for _, id := range []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1010", "1011"} {
		users = append(users, managedUser(id, "P", "Q"))
	}
	dst := newMemTarget(users...)
	s := newTestSyncer(t, &fakeSource{records: []mapping.Record{employee("1001", "P", "Q")}}, dst)

	report, err := s.SyncEmployee(t.Context(), "1009")
	require.NoError(t, err)

	assert.Equal(t, []string{"deactivate " + users[0].ID}, dst.writeLog())
	assert.Equal(t, 1, report.Count(Applied))
}

func TestPlanFailsWhenSourceUnreadable(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection refused")
	s := newTestSyncer(t, &fakeSource{err: boom}, newMemTarget())

	_, err := s.Plan(t.Context())

	require.ErrorIs(t, err, boom)
}

func TestPlanActiveEmployeeAdoptsBeforeFormerOne(t *testing.T) {
	t.Parallel()
	unmanaged := &qooper.User{Email: "sam.lee@example.com", FirstName: "Sam", LastName: "Lee"}
	dst := newMemTarget(unmanaged)
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Sam", "Lee").inactive("2020-01-31"),
		employee("1002", "Sam", "Lee"),
	}}
	s := newTestSyncer(t, src, dst)

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.Empty(t, plan.Failures)
	c := changeFor(plan, "1002")
	require.NotNil(t, c)
	assert.True(t, c.Adopt)
	assert.Equal(t, unmanaged.ID, c.UserID)
	assert.Nil(t, changeFor(plan, "1001"))
}

func TestGuardAppliesFieldsOfHeldLeaver(t *testing.T) {
	t.Parallel()
	users := []*qooper.User{managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing"), managedUser("1003", "Grace", "Hopper")}
	dst := newMemTarget(users...)
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing").inactive("2026-11-30"),
		employee("1003", "Grace", "Hopper"),
	}}
	s := newTestSyncer(t, src, dst)

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	report, _ := s.Apply(t.Context(), plan)

	require.True(t, plan.Guard.Held)
	assert.Equal(t, 1, report.Count(Held))
	assert.Equal(t, 1, report.Count(Applied))
	alan := dst.byExternalID("1002")
	assert.Equal(t, qooper.StatusActive, alan.Status)
	require.NotNil(t, alan.TerminationDate)
	assert.Equal(t, "2026-11-30", *alan.TerminationDate)
}

func TestSyncEmployeeFailsSharedEmail(t *testing.T) {
	t.Parallel()
	dst := newMemTarget()
	src := &emailSource{fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").with("root.email", "shared@example.com"),
		employee("1002", "Alan", "Turing").with("root.email", "Shared@example.com"),
	}}}
	s := newTestSyncer(t, src, dst)

	report, err := s.SyncEmployee(t.Context(), "1002")
	require.NoError(t, err)

	assert.Empty(t, dst.writeLog())
	require.Len(t, report.Failures, 1)
	assert.Equal(t, "1002", report.Failures[0].EmployeeID)
	assert.Equal(t, CodeDuplicateEmail, report.Failures[0].Code)
}

func TestSyncEmployeeClearsManagerWithoutUser(t *testing.T) {
	t.Parallel()
	ada, alan := managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing")
	dst := newMemTarget(ada, alan)
	alan.Manager = &qooper.ManagerRef{ID: ada.ID}
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace"),
		employee("1002", "Alan", "Turing").reportsTo("1005"),
		employee("1005", "Grace", "Hopper"),
	}}
	s := newTestSyncer(t, src, dst)

	report, err := s.SyncEmployee(t.Context(), "1002")
	require.NoError(t, err)

	assert.Nil(t, dst.byExternalID("1002").Manager, "a manager without a Qooper user is cleared")
	assert.Nil(t, dst.byExternalID("1005"), "nobody else is created")
	require.Len(t, report.Issues, 1)
	assert.Equal(t, CodeManagerNotSynced, report.Issues[0].Code)
}

func TestPlanInactiveEmployeeNeverAdopts(t *testing.T) {
	t.Parallel()
	admin := &qooper.User{Email: "ada.lovelace@example.com", FirstName: "Ada", LastName: "Admin"}
	dst := newMemTarget(admin)
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").inactive("2020-01-31")}}
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(1))

	plan, _ := syncOnce(t, s)

	assert.Empty(t, plan.Changes)
	assert.Equal(t, 1, plan.InactiveWithoutUser)
	assert.Empty(t, dst.writeLog())
}

func TestPlanMissingEmailNamesTheGap(t *testing.T) {
	t.Parallel()
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").with("root.email", nil)}}
	s := newTestSyncer(t, src, newMemTarget())

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	f := failureFor(plan, "1001")
	require.NotNil(t, f)
	assert.Equal(t, CodeMissingEmail, f.Code)
	assert.Contains(t, f.Message, "add one in HiBob")
}

func TestPlanLeaverWithReusedEmailIsDeactivated(t *testing.T) {
	t.Parallel()
	leaver := managedUser("1001", "Ada", "Lovelace")
	leaver.Email = "ada.old@example.com"
	newcomer := &qooper.User{Email: "ada.lovelace@example.com", FirstName: "Other", LastName: "Person"}
	dst := newMemTarget(leaver, newcomer)
	src := &fakeSource{records: []mapping.Record{employee("1001", "Ada", "Lovelace").inactive("2026-11-30")}}
	s := newTestSyncer(t, src, dst, WithAllowDeactivations(1))

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.Empty(t, plan.Failures)
	c := changeFor(plan, "1001")
	require.NotNil(t, c)
	assert.Equal(t, Deactivate, c.Action)
	assert.NotContains(t, fieldNames(c), "email", "the leaver keeps the address Qooper gave to someone else")

	report, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)
	assert.Equal(t, 1, report.Count(Applied))
	assert.Equal(t, qooper.StatusDeactivated, dst.byExternalID("1001").Status)
}

func TestGuardKeepsManagerOfHeldLeaver(t *testing.T) {
	t.Parallel()
	ada, alan, grace := managedUser("1001", "Ada", "Lovelace"), managedUser("1002", "Alan", "Turing"), managedUser("1003", "Grace", "Hopper")
	dst := newMemTarget(ada, alan, grace)
	alan.Manager = &qooper.ManagerRef{ID: ada.ID}
	src := &fakeSource{records: []mapping.Record{
		employee("1001", "Ada", "Lovelace").inactive("2026-11-30"),
		employee("1002", "Alan", "Turing").reportsTo("1001"),
		employee("1003", "Grace", "Hopper"),
	}}
	s := newTestSyncer(t, src, dst)

	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	_, _ = s.Apply(t.Context(), plan)

	require.True(t, plan.Guard.Held)
	assert.Nil(t, changeFor(plan, "1002"), "the report keeps the held leaver as manager")
	assert.Nil(t, issueFor(plan, CodeManagerNotSynced))
	require.NotNil(t, dst.byExternalID("1002").Manager)
	assert.Equal(t, ada.ID, dst.byExternalID("1002").Manager.ID)
}
