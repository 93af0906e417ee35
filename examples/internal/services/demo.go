package services

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

// Settings of the demo's sample company. The guard lets a run deactivate
// up to 10% of the active managed users, about 28 of this company, so the
// one termination of each day applies without an allowance.
const (
	DemoSeed        = 1
	DemoCompanySize = 300
)

// Demo is a fake HiBob seeded with a sample company and a fake Qooper,
// both served in process on loopback addresses. The fake Qooper starts
// with the deactivated accounts of the company's former employees, as an
// earlier sync leaves them, so that a rehire shows as a reactivation.
type Demo struct {
	Company *hibobtest.Company
	HiBob   *hibobtest.Server
	Qooper  *qoopertest.Server
	// FormerAccounts is the number of deactivated accounts the fake Qooper
	// starts with.
	FormerAccounts int
}

// StartDemo starts the fakes with the sample company of DemoSeed and
// DemoCompanySize, its dates relative to today, and returns clients that
// reach them. Neither the fakes nor the clients limit the request rate, so
// a run takes well under a second. Call Close when done.
func StartDemo(today time.Time, logger *slog.Logger) (*Demo, *Clients, error) {
	company := hibobtest.SampleCompanyAt(DemoSeed, DemoCompanySize, today)
	d := &Demo{
		Company: company,
		HiBob:   hibobtest.NewServer(hibobtest.WithCompany(company)),
		Qooper:  qoopertest.NewServer(qoopertest.WithRateLimit(rate.Inf, 1), qoopertest.WithLogger(logger)),
	}

	hibobClient, err := hibob.NewClient(d.HiBob.Credentials(),
		hibob.WithBaseURL(d.HiBob.URL()), hibob.WithRateLimit(rate.Inf, 1), hibob.WithLogger(logger))
	if err != nil {
		d.Close()
		return nil, nil, fmt.Errorf("connect to the fake HiBob: %w", err)
	}
	qooperClient, err := qooper.NewClient(d.Qooper.URL(), d.Qooper.Token(),
		qooper.WithRateLimit(rate.Inf, 1), qooper.WithLogger(logger))
	if err != nil {
		d.Close()
		return nil, nil, fmt.Errorf("connect to the fake Qooper: %w", err)
	}
	d.seedFormerAccounts()
	return d, &Clients{HiBob: hibobClient, Qooper: qooperClient, QooperBaseURL: d.Qooper.URL()}, nil
}

// seedFormerAccounts stores a deactivated Qooper user for every former
// employee with an e-mail address of their own. An address that another
// former employee already has is skipped, as Qooper keeps addresses unique.
func (d *Demo) seedFormerAccounts() {
	labels := func(list string) map[string]string {
		if named := d.Company.Lists[list]; named != nil {
			return named.Labels()
		}
		return nil
	}
	titles, departments := labels("title"), labels("department")
	for _, p := range d.Company.People {
		if p.Status != "Inactive" || p.Email == "" {
			continue
		}
		externalID := p.ID
		_, err := d.Qooper.PutUser(qooper.User{
			ExternalID:      &externalID,
			Email:           p.Email,
			FirstName:       p.FirstName,
			LastName:        p.Surname,
			DisplayName:     optional(p.DisplayName),
			JobTitle:        optional(titles[p.Title]),
			Department:      optional(departments[p.Department]),
			Location:        optional(p.Site),
			EmployeeNumber:  optional(strconv.FormatInt(p.EmployeeNumber, 10)),
			StartDate:       optional(p.StartDate),
			TerminationDate: optional(p.TerminationDate),
			Status:          qooper.StatusDeactivated,
		})
		if err == nil {
			d.FormerAccounts++
		}
	}
}

// optional returns nil for "" and a pointer to s otherwise.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Close stops both fakes.
func (d *Demo) Close() {
	d.HiBob.Close()
	d.Qooper.Close()
}

// NextDay moves the sample company one day forward with a day of HR
// changes (new hires, a promotion, a manager change, a termination, a
// rehire and an e-mail change), loads it into the fake HiBob and returns
// the changes.
func (d *Demo) NextDay() []hibobtest.Change {
	changes := d.Company.DayTwo()
	d.HiBob.LoadCompany(d.Company)
	return changes
}

// FixEmails gives a unique work e-mail address to every employee of the
// sample company who has none or shares one, as HR does after a sync
// reports those records as failed, and loads the company into the fake
// HiBob. The first employee of a shared address keeps it. FixEmails
// returns the changes, none once every address is unique.
func (d *Demo) FixEmails() []hibobtest.Change {
	used := make(map[string]bool, len(d.Company.People))
	for _, person := range d.Company.People {
		used[strings.ToLower(person.Email)] = true
	}

	var changes []hibobtest.Change
	seen := make(map[string]bool, len(d.Company.People))
	for _, person := range d.Company.People {
		key := strings.ToLower(person.Email)
		if person.Email != "" && !seen[key] {
			seen[key] = true
			continue
		}

		localPart := "employee"
		if at := strings.LastIndex(person.Email, "@"); at > 0 {
			localPart = person.Email[:at]
		}
		address := fmt.Sprintf("%s.%d@example.com", localPart, person.EmployeeNumber)
		for suffix := 2; used[strings.ToLower(address)]; suffix++ {
			address = fmt.Sprintf("%s.%d.%d@example.com", localPart, person.EmployeeNumber, suffix)
		}
		used[strings.ToLower(address)] = true

		detail := fmt.Sprintf("%s: e-mail %s → %s", person.DisplayName, displayEmail(person.Email), address)
		person.Email = address
		seen[strings.ToLower(address)] = true
		changes = append(changes, hibobtest.Change{Kind: hibobtest.ChangeEmail, EmployeeID: person.ID, Detail: detail})
	}
	if len(changes) > 0 {
		d.HiBob.LoadCompany(d.Company)
	}
	return changes
}

func displayEmail(email string) string {
	if email == "" {
		return "(none)"
	}
	return email + " (shared)"
}
