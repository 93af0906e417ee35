package hibobtest

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/qooper/hrsync/hibob"
)

// MinCompanySize is the smallest company SampleCompany generates, so that
// every kind of irregular record fits in.
const MinCompanySize = 50

// dateLayout is HiBob's machine format for dates.
const dateLayout = "2006-01-02"

// Person is one employee of a sample Company, with the fields that the
// generator sets. Record converts it to HiBob's nested form.
type Person struct {
	ID          string
	FirstName   string
	Surname     string
	DisplayName string
	// Email is empty for an employee without a work e-mail.
	Email string
	// Title, Department and SiteID are list item ids.
	Title      string
	Department string
	Site       string
	SiteID     int64
	StartDate  string
	// ManagerID is empty at the top of the organisation.
	ManagerID      string
	EmployeeNumber int64
	// Status is "Active" or "Inactive".
	Status          string
	LifecycleStatus string
	TerminationDate string
	Contract        string
	EmploymentType  string
	// MentoringInterest is the custom field MentoringInterestField, empty
	// for null.
	MentoringInterest string
}

// Record returns the person as a record in HiBob's nested machine form,
// with null for empty optional values. The fake adds work.reportsTo and
// root.companyId when it serves the record.
func (p *Person) Record() map[string]any {
	return map[string]any{
		"id":               p.ID,
		"firstName":        p.FirstName,
		"surname":          p.Surname,
		"displayName":      p.DisplayName,
		"fullName":         p.DisplayName,
		"email":            nullable(p.Email),
		"creationDateTime": p.StartDate + "T08:30:00.000000",
		"about":            map[string]any{"about": nil},
		"payroll": map[string]any{"employment": map[string]any{
			"contract": nullable(p.Contract),
			"type":     nullable(p.EmploymentType),
		}},
		"work": map[string]any{
			"title":               nullable(p.Title),
			"department":          nullable(p.Department),
			"site":                nullable(p.Site),
			"siteId":              json.Number(strconv.FormatInt(p.SiteID, 10)),
			"startDate":           p.StartDate,
			"manager":             nullable(p.ManagerID),
			"employeeIdInCompany": json.Number(strconv.FormatInt(p.EmployeeNumber, 10)),
			"custom": map[string]any{
				strings.TrimPrefix(MentoringInterestField, "work.custom."): nullable(p.MentoringInterest),
			},
		},
		"internal": map[string]any{
			"status":          p.Status,
			"lifecycleStatus": p.LifecycleStatus,
			"terminationDate": nullable(p.TerminationDate),
		},
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Company is a generated sample company: its people, named lists and
// fields metadata, ready to seed a Server with WithCompany.
type Company struct {
	ID int64
	// Today is the date the sample's dates are relative to.
	Today  time.Time
	People []*Person
	Lists  map[string]*hibob.NamedList
	Fields []*hibob.FieldMetadata

	seed int64
	day  int
}

// Records returns every person as a record in HiBob's nested form.
func (c *Company) Records() []map[string]any {
	records := make([]map[string]any, len(c.People))
	for i, person := range c.People {
		records[i] = person.Record()
	}
	return records
}

// Person returns the person with an employee id, or nil.
func (c *Company) Person(id string) *Person {
	for _, person := range c.People {
		if person.ID == id {
			return person
		}
	}
	return nil
}

// SampleCompany generates a company of size people, at least
// MinCompanySize, with dates relative to the current UTC date. The result
// depends only on seed, size and that date. SampleCompanyAt fixes the
// date as well.
func SampleCompany(seed int64, size int) *Company {
	return SampleCompanyAt(seed, size, time.Now())
}

// SampleCompanyAt generates a company as SampleCompany does, with dates
// relative to today. The same arguments always give the same company.
//
// The company has the irregular records that a sync meets in real
// tenants:
//   - accented and non-Latin names, such as "José Müller-Łukasiewicz",
//     "山田 太郎" and "Ólafur Sigurðsson";
//   - e-mail addresses with an apostrophe or a plus sign, an employee
//     without an e-mail, and two employees who share one;
//   - a manager chain of depth 9 under the CEO, in work.manager and in
//     the work.reportsTo object that the server builds;
//   - inactive employees with a termination date, a rehire who is Active
//     with a past termination date, and a future hire whose start date is
//     after today;
//   - departments from a hierarchy list with children, titles from a flat
//     list, and an archived item of each that employees still refer to;
//   - work.site as text, work.siteId and work.employeeIdInCompany as
//     numbers, and 19-digit numeric employee ids.
func SampleCompanyAt(seed int64, size int, today time.Time) *Company {
	size = max(size, MinCompanySize)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	g := newGenerator(rand.New(rand.NewPCG(uint64(seed), 0x5eed)), today, size)
	c := &Company{
		ID:     DefaultCompanyID,
		Today:  today,
		Lists:  sampleLists(),
		Fields: DefaultFields(),
		seed:   seed,
	}
	c.People = g.people(size)
	return c
}

// Item ids of the sample lists that the generator refers to.
const (
	legacySupportDepartment = "209192199"
	webmasterTitle          = "255490099"
	ceoTitle                = "255490060"
)

var (
	departmentIDs = []string{
		"209192170", "209192171", "209192172", // Engineering children
		"209192180", "209192181", "209192182", // Sales children
		"209192190", "209192191", // Customer Success children
		"209192150", "209192151", "209192152", "209192153",
	}
	individualTitles = []string{"255490048", "255490049", "255490050", "255490051", "255490052", "255490053", "255490054", "255490055"}
	managerTitles    = []string{"255490056", "255490057", "255490058", "255490059"}
	sites            = []struct {
		id   int64
		name string
	}{{2154020, "London"}, {2154021, "Zürich"}, {2154022, "São Paulo"}, {2154023, "東京"}, {2154024, "New York"}, {2154025, "Kraków"}}
)

// sampleLists returns the named lists of a sample company.
func sampleLists() map[string]*hibob.NamedList {
	item := func(id, label string, children ...*hibob.ListItem) *hibob.ListItem {
		return &hibob.ListItem{ID: id, Value: label, Name: label, Children: children}
	}
	archived := func(it *hibob.ListItem) *hibob.ListItem {
		it.Archived = true
		return it
	}
	lists := map[string]*hibob.NamedList{
		"department": {Name: "department", Items: []*hibob.ListItem{
			item("209192160", "Engineering",
				item("209192170", "Platform"), item("209192171", "Mobile"), item("209192172", "Data & Analytics")),
			item("209192161", "Sales",
				item("209192180", "EMEA Sales"), item("209192181", "Americas Sales"), item("209192182", "APAC Sales")),
			item("209192162", "Customer Success",
				item("209192190", "Support"), item("209192191", "Onboarding"), archived(item(legacySupportDepartment, "Legacy Support"))),
			item("209192150", "People"),
			item("209192151", "Finance"),
			item("209192152", "Marketing"),
			item("209192153", "Recherche & Développement"),
		}},
		"title": {Name: "title", Items: []*hibob.ListItem{
			item("255490048", "Software Engineer"),
			item("255490049", "Senior Software Engineer"),
			item("255490050", "Staff Engineer"),
			item("255490051", "Account Executive"),
			item("255490052", "Support Specialist"),
			item("255490053", "Accountant"),
			item("255490054", "Product Designer"),
			item("255490055", "HR Business Partner"),
			item("255490056", "Engineering Manager"),
			item("255490057", "Sales Manager"),
			item("255490058", "Director"),
			item("255490059", "Vice President"),
			item(ceoTitle, "Chief Executive Officer"),
			archived(item(webmasterTitle, "Webmaster")),
		}},
		"site":                  {Name: "site"},
		"status":                {Name: "status", Items: []*hibob.ListItem{item("Active", "Active"), item("Inactive", "Inactive")}},
		"lifecycleStatus":       {Name: "lifecycleStatus", Items: []*hibob.ListItem{item("hired", "Hired"), item("employed", "Employed"), item("terminated", "Terminated")}},
		"employmentstatus":      {Name: "employmentstatus", Items: []*hibob.ListItem{item("315000001", "Full-time"), item("315000002", "Part-time")}},
		"payrollEmploymentType": {Name: "payrollEmploymentType", Items: []*hibob.ListItem{item("316000001", "Permanent"), item("316000002", "Fixed term")}},
	}
	for _, site := range sites {
		id := strconv.FormatInt(site.id, 10)
		lists["site"].Items = append(lists["site"].Items, item(id, site.name))
	}
	return lists
}
