package hrsync_test

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
	"github.com/qooper/hrsync/syncer"
)

// The example syncs three HiBob employees into an empty Qooper
// organization, then syncs again after a promotion in HiBob. Both services
// are the fakes of packages hibobtest and qoopertest, on loopback
// addresses.
func Example() {
	ctx := context.Background()
	person := func(id, first, last, managerID, title string) map[string]any {
		p := &hibobtest.Person{
			ID: id, FirstName: first, Surname: last, DisplayName: first + " " + last,
			Email: strings.ToLower(first) + "@example.com", Title: title, StartDate: "2024-01-08",
			ManagerID: managerID, Status: "Active", LifecycleStatus: "employed",
		}
		return p.Record()
	}
	titles := &hibob.NamedList{Name: "title", Items: []*hibob.ListItem{
		{ID: "1", Value: "Engineer"}, {ID: "2", Value: "Senior Engineer"}, {ID: "3", Value: "CTO"},
	}}
	hibobServer := hibobtest.NewServer(
		hibobtest.WithEmployees(
			person("1001", "Ada", "Lovelace", "", "3"),
			person("1002", "Alan", "Turing", "1001", "1"),
			person("1003", "Grace", "Hopper", "1001", "1"),
		),
		hibobtest.WithNamedLists(map[string]*hibob.NamedList{"title": titles}),
	)
	defer hibobServer.Close()
	qooperServer := qoopertest.NewServer()
	defer qooperServer.Close()

	// The fake HiBob has no rate limit, so the client needs none either.
	source, err := hibob.NewClient(hibobServer.Credentials(),
		hibob.WithBaseURL(hibobServer.URL()), hibob.WithRateLimit(rate.Inf, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	target, err := qooper.NewClient(qooperServer.URL(), qooperServer.Token())
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := syncer.New(syncer.NewHiBobSource(source), syncer.NewQooperTarget(target), mapping.Default(),
		syncer.WithAsOf("2026-03-02"))
	if err != nil {
		fmt.Println(err)
		return
	}

	plan, err := s.Plan(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("first plan: %d to create, %d to update\n", plan.Count(syncer.Create), plan.Count(syncer.Update))
	report, err := s.Apply(ctx, plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("applied: %d, problems: %v, Qooper users: %d\n",
		report.Count(syncer.Applied), report.HasProblems(), len(qooperServer.Users()))

	// Grace is promoted in HiBob. The next plan updates one field.
	if err := hibobServer.SetField("1003", "work.title", "2"); err != nil {
		fmt.Println(err)
		return
	}
	plan, err = s.Plan(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("second plan: %d to update, %d unchanged\n", plan.Count(syncer.Update), plan.Unchanged)
	for _, change := range plan.Changes {
		for _, field := range change.Fields {
			fmt.Printf("%s %s: %s %q → %q\n", change.Action, change.Name, field.Field, field.Before, field.After)
		}
	}
	// Output:
	// first plan: 3 to create, 0 to update
	// applied: 3, problems: false, Qooper users: 3
	// second plan: 1 to update, 2 unchanged
	// update Grace Hopper: jobTitle "Engineer" → "Senior Engineer"
}
