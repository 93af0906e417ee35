package hibobtest_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

var sampleDay = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// employeeIDPattern matches HiBob's 19-digit numeric employee ids.
var employeeIDPattern = regexp.MustCompile(`^[1-9][0-9]{18}$`)

func TestSampleCompanyDeterministic(t *testing.T) {
	t.Parallel()
	first := hibobtest.SampleCompanyAt(42, 300, sampleDay)
	second := hibobtest.SampleCompanyAt(42, 300, sampleDay)
	other := hibobtest.SampleCompanyAt(43, 300, sampleDay)

	if diff := cmp.Diff(first, second, cmpopts.IgnoreUnexported(hibobtest.Company{})); diff != "" {
		t.Errorf("same seed gave different companies (-want +got):\n%s", diff)
	}
	assert.NotEqual(t, first.People[100].DisplayName+first.People[100].Department,
		other.People[100].DisplayName+other.People[100].Department)
}

func TestSampleCompanyMinimumSize(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(1, 3, sampleDay)

	assert.Len(t, company.People, hibobtest.MinCompanySize)
}

func TestSampleCompanyIrregularRecords(t *testing.T) {
	t.Parallel()
	for _, size := range []int{hibobtest.MinCompanySize, 300, 5000} {
		company := hibobtest.SampleCompanyAt(int64(size), size, sampleDay)
		today := sampleDay.Format("2006-01-02")
		names := map[string]bool{}
		emailCount := map[string]int{}
		var noEmail, terminated, rehires, futureHires, nonLatin, apostrophe, plus, archivedDepartment, archivedTitle int
		ids := map[string]bool{}
		for _, p := range company.People {
			names[p.DisplayName] = true
			ids[p.ID] = true
			assert.True(t, employeeIDPattern.MatchString(p.ID), p.ID)
			if p.Email == "" {
				noEmail++
			} else {
				emailCount[p.Email]++
			}
			if strings.ContainsRune(p.Email, '\'') {
				apostrophe++
			}
			if strings.ContainsRune(p.Email, '+') {
				plus++
			}
			if strings.IndexFunc(p.DisplayName, func(r rune) bool { return r > unicode.MaxLatin1 && !unicode.In(r, unicode.Latin) }) >= 0 {
				nonLatin++
			}
			switch {
			case p.Status == "Inactive":
				terminated++
				assert.NotEmpty(t, p.TerminationDate, p.ID)
				assert.Less(t, p.StartDate, p.TerminationDate, p.ID)
				assert.Less(t, p.TerminationDate, today, p.ID)
			case p.TerminationDate != "":
				rehires++
				assert.Equal(t, "Active", p.Status)
				assert.Less(t, p.TerminationDate, today)
			}
			if p.StartDate > today {
				futureHires++
			}
			if p.Department == "209192199" {
				archivedDepartment++
			}
			if p.Title == "255490099" {
				archivedTitle++
			}
		}
		shared := 0
		for _, count := range emailCount {
			if count > 1 {
				shared += count
			}
		}

		assert.Len(t, ids, size, "ids must be unique")
		for _, name := range []string{"José Müller-Łukasiewicz", "山田 太郎", "Ólafur Sigurðsson", "Siobhán O'Brien"} {
			assert.True(t, names[name], "size %d: missing %s", size, name)
		}
		assert.Equal(t, 1, noEmail, "size %d", size)
		assert.Equal(t, 2, shared, "size %d: two people share one e-mail", size)
		assert.Positive(t, apostrophe, "size %d", size)
		assert.Positive(t, plus, "size %d", size)
		assert.Positive(t, nonLatin, "size %d", size)
		assert.GreaterOrEqual(t, terminated, 2, "size %d", size)
		assert.Equal(t, 1, rehires, "size %d", size)
		assert.Equal(t, 1, futureHires, "size %d", size)
		assert.Equal(t, 1, archivedDepartment, "size %d", size)
		assert.Equal(t, 1, archivedTitle, "size %d", size)
	}
}

func TestSampleCompanyManagerTree(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(9, 2000, sampleDay)
	byID := map[string]*hibobtest.Person{}
	for _, p := range company.People {
		byID[p.ID] = p
	}

	maxDepth := 0
	roots := 0
	for _, p := range company.People {
		if p.ManagerID == "" {
			roots++
			continue
		}
		depth := 0
		for current := p; current.ManagerID != ""; depth++ {
			manager, ok := byID[current.ManagerID]
			if !ok {
				t.Fatalf("manager %s of %s does not exist", current.ManagerID, current.ID)
			}
			if depth > len(company.People) {
				t.Fatalf("cycle above %s", p.ID)
			}
			current = manager
		}
		maxDepth = max(maxDepth, depth)
	}

	assert.Equal(t, 1, roots, "only the CEO has no manager")
	assert.GreaterOrEqual(t, maxDepth, 9)
}

func TestSampleCompanyListIDsResolve(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(5, 1000, sampleDay)
	labels := map[string]map[string]string{}
	for name, list := range company.Lists {
		labels[name] = list.Labels()
	}
	fieldIDs := map[string]bool{}
	for _, field := range company.Fields {
		fieldIDs[field.ID] = true
		if field.TypeData.ListID != "" {
			assert.Contains(t, company.Lists, field.TypeData.ListID, field.ID)
		}
	}

	for _, p := range company.People {
		assert.Contains(t, labels["title"], p.Title, p.ID)
		assert.Contains(t, labels["department"], p.Department, p.ID)
		siteID := strconv.FormatInt(p.SiteID, 10)
		assert.Contains(t, labels["site"], siteID, p.ID)
		assert.Equal(t, p.Site, labels["site"][siteID], p.ID)
	}
	assert.True(t, fieldIDs[hibobtest.MentoringInterestField])
	department := company.Lists["department"]
	assert.NotEmpty(t, department.Items[0].Children, "department is a hierarchy list")
}

func TestSampleCompanyServedByFake(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(3, 200, sampleDay)
	srv := hibobtest.Start(t, hibobtest.WithCompany(company))

	_, body := call(t, srv, http.MethodPost, "/people/search",
		`{"fields":["root.id","root.email","work.reportsTo","work.site","work.employeeIdInCompany","internal.status"],"showInactive":true}`)

	employees := employeesOf(t, body)
	require.Len(t, employees, 200)
	first := employees[1]
	work := first["work"].(map[string]any)
	assert.Equal(t, company.People[0].ID, work["reportsTo"].(map[string]any)["id"])
	assert.IsType(t, json.Number(""), work["employeeIdInCompany"])
	assert.IsType(t, "", work["site"])
}

func TestDayTwo(t *testing.T) {
	t.Parallel()
	company := hibobtest.SampleCompanyAt(11, 500, sampleDay)
	srv := hibobtest.Start(t, hibobtest.WithCompany(company))
	before := map[string]hibobtest.Person{}
	for _, p := range company.People {
		before[p.ID] = *p
	}

	changes := company.DayTwo()
	srv.LoadCompany(company)

	kinds := map[hibobtest.ChangeKind]int{}
	for _, change := range changes {
		kinds[change.Kind]++
		assert.NotEmpty(t, change.Detail)
		after := company.Person(change.EmployeeID)
		require.NotNil(t, after, change.EmployeeID)
		old, existed := before[change.EmployeeID]
		switch change.Kind {
		case hibobtest.ChangeHire:
			assert.False(t, existed)
			assert.Equal(t, "2025-01-07", after.StartDate)
			assert.Equal(t, "Active", after.Status)
		case hibobtest.ChangePromotion:
			assert.NotEqual(t, old.Title, after.Title)
		case hibobtest.ChangeManager:
			assert.NotEqual(t, old.ManagerID, after.ManagerID)
		case hibobtest.ChangeTermination:
			assert.Equal(t, "Inactive", after.Status)
			assert.Equal(t, "2025-01-07", after.TerminationDate)
		case hibobtest.ChangeRehire:
			assert.Equal(t, "Inactive", old.Status)
			assert.Equal(t, "Active", after.Status)
			assert.NotEmpty(t, after.TerminationDate, "a rehire keeps the past termination date")
		case hibobtest.ChangeEmail:
			assert.NotEqual(t, old.Email, after.Email)
		}
	}
	assert.Equal(t, map[hibobtest.ChangeKind]int{
		hibobtest.ChangeHire: 3, hibobtest.ChangePromotion: 1, hibobtest.ChangeManager: 1,
		hibobtest.ChangeTermination: 1, hibobtest.ChangeRehire: 1, hibobtest.ChangeEmail: 1,
	}, kinds)
	assert.Len(t, company.People, 503)
	assert.Len(t, srv.EmployeeIDs(), 503)

	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	hire, err := client.GetEmployee(t.Context(), changes[0].EmployeeID, []string{"root.id", "work.startDate"})
	require.NoError(t, err)
	assert.Equal(t, "2025-01-07", hire.StartDate())

	next := company.DayTwo()
	assert.NotEqual(t, changes[3].EmployeeID, next[3].EmployeeID, "each day picks other people")
}

func BenchmarkSampleCompany(b *testing.B) {
	for _, size := range []int{1_000, 100_000} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				company := hibobtest.SampleCompanyAt(1, size, sampleDay)
				if len(company.People) != size {
					b.Fatalf("got %d people, want %d", len(company.People), size)
				}
			}
		})
	}
}
