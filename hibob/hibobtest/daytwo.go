package hibobtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// ChangeKind names a change that DayTwo makes.
type ChangeKind string

// Kinds of change that DayTwo makes.
const (
	ChangeHire        ChangeKind = "hire"
	ChangePromotion   ChangeKind = "promotion"
	ChangeManager     ChangeKind = "manager change"
	ChangeTermination ChangeKind = "termination"
	ChangeRehire      ChangeKind = "rehire"
	ChangeEmail       ChangeKind = "email change"
)

// Change is one change that DayTwo made to a Company.
type Change struct {
	Kind       ChangeKind
	EmployeeID string
	// Detail describes the change for a person reading a demo's output.
	Detail string
}

// DayTwo moves the company one day forward and applies a realistic day of
// HR changes: three new hires, a promotion, a manager change, a
// termination, a rehire and an e-mail change after a change of surname.
// Each call picks different people, deterministically from the seed. Load
// the result into a server with Server.LoadCompany.
func (c *Company) DayTwo() []Change {
	c.day++
	c.Today = c.Today.AddDate(0, 0, 1)
	today := c.Today.Format(dateLayout)
	rng := rand.New(rand.NewPCG(uint64(c.seed), uint64(c.day)))
	g := newGenerator(rng, c.Today, len(c.People))
	for _, p := range c.People {
		if p.Email != "" {
			g.usedLocal[localPart(p.Email)] = true
		}
	}

	hasReports := make(map[string]bool, len(c.People))
	for _, p := range c.People {
		hasReports[p.ManagerID] = true
	}
	touched := make(map[string]bool)
	pick := func(match func(*Person) bool) *Person {
		var candidates []*Person
		for _, p := range c.People {
			if !touched[p.ID] && match(p) {
				candidates = append(candidates, p)
			}
		}
		if len(candidates) == 0 {
			return nil
		}
		p := candidates[rng.IntN(len(candidates))]
		touched[p.ID] = true
		return p
	}
	activeManager := func(p *Person) bool { return p.Status == "Active" && hasReports[p.ID] }
	activeLeaf := func(p *Person) bool {
		return p.Status == "Active" && !hasReports[p.ID] && p.ManagerID != "" && p.TerminationDate == "" &&
			p.LifecycleStatus == "employed" && p.Email != ""
	}
	titles := c.Lists["title"].Labels()

	var changes []Change
	for range 3 {
		manager := pick(activeManager)
		if manager == nil {
			break
		}
		delete(touched, manager.ID)
		p := g.newPerson(c.nextIndex(), g.randomName(), manager.ID)
		p.Department = manager.Department
		p.StartDate = today
		c.People = append(c.People, p)
		touched[p.ID] = true
		changes = append(changes, Change{ChangeHire, p.ID, fmt.Sprintf("%s joins %s, reporting to %s", p.DisplayName, titles[p.Title], manager.DisplayName)})
	}

	if p := pick(activeLeaf); p != nil {
		before := p.Title
		p.Title = individualTitles[(slices.Index(individualTitles, p.Title)+1)%len(individualTitles)]
		if p.Title == before || before == webmasterTitle {
			p.Title = "255490050"
		}
		changes = append(changes, Change{ChangePromotion, p.ID, fmt.Sprintf("%s: title %s → %s", p.DisplayName, titles[before], titles[p.Title])})
	}

	if p := pick(activeLeaf); p != nil {
		manager := pick(func(m *Person) bool { return activeManager(m) && m.ID != p.ManagerID })
		if manager != nil {
			delete(touched, manager.ID)
			before := c.Person(p.ManagerID)
			p.ManagerID = manager.ID
			changes = append(changes, Change{ChangeManager, p.ID, fmt.Sprintf("%s: manager %s → %s", p.DisplayName, before.DisplayName, manager.DisplayName)})
		}
	}

	if p := pick(activeLeaf); p != nil {
		p.Status = "Inactive"
		p.LifecycleStatus = "terminated"
		p.TerminationDate = today
		changes = append(changes, Change{ChangeTermination, p.ID, fmt.Sprintf("%s leaves, termination date %s", p.DisplayName, today)})
	}

	if p := pick(func(p *Person) bool { return p.Status == "Inactive" }); p != nil {
		p.Status = "Active"
		p.LifecycleStatus = "employed"
		p.StartDate = today
		changes = append(changes, Change{ChangeRehire, p.ID, fmt.Sprintf("%s is rehired, previous termination date %s", p.DisplayName, p.TerminationDate)})
	}

	if p := pick(activeLeaf); p != nil {
		before := p.Email
		name := latinName(p.FirstName, familyNames[rng.IntN(len(familyNames))])
		if p.FirstName != "" && asciiLocalPart(p.FirstName) == "" {
			name = personName{given: p.FirstName, family: p.Surname, givenASCII: "employee", familyASCII: p.ID}
		}
		p.Surname = name.family
		p.DisplayName = name.display()
		p.Email = g.email(name)
		changes = append(changes, Change{ChangeEmail, p.ID, fmt.Sprintf("%s: e-mail %s → %s", p.DisplayName, before, p.Email)})
	}
	return changes
}

// nextIndex returns the generator index of the next new hire, which gives
// an unused employee id and number.
func (c *Company) nextIndex() int {
	var highest int64
	for _, p := range c.People {
		highest = max(highest, p.EmployeeNumber)
	}
	return int(highest)
}

func localPart(email string) string {
	for i := len(email) - 1; i >= 0; i-- {
		if email[i] == '@' {
			return email[:i]
		}
	}
	return email
}
