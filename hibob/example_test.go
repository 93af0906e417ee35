package hibob_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

// exampleServer starts a fake HiBob with four employees and the named
// lists of the sample company.
func exampleServer() *hibobtest.Server {
	return hibobtest.NewServer(smallCompany()...)
}

func ExampleNewClient() {
	client, err := hibob.NewClient(
		hibob.Credentials{ServiceUserID: "SERVICE-123", Token: "token-from-bob"},
		hibob.WithEnvironment(hibob.Sandbox),
	)
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println(client.BaseURL())
	// Output: https://api.sandbox.hibob.com/v1
}

func ExampleCredentials() {
	creds := hibob.Credentials{ServiceUserID: "SERVICE-123", Token: "token-from-bob"}

	fmt.Println(creds)
	// Output: hibob.Credentials{ServiceUserID: "SERVICE-123", Token: "[REDACTED]", PartnerToken: ""}
}

func ExampleClient_SearchPeople() {
	srv := exampleServer()
	defer srv.Close()
	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	employees, err := client.SearchPeople(ctx, &hibob.SearchRequest{
		Fields:       []string{"root.id", "root.displayName", "root.email", "work.department", "work.reportsTo", "internal.status"},
		ShowInactive: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	lists, err := client.NamedLists(ctx, true)
	if err != nil {
		log.Fatal(err)
	}
	departments := lists["department"].Labels()

	for _, e := range employees {
		fmt.Printf("%s | %s | %q | %s | manager %q | %s\n",
			e.ID(), e.DisplayName(), e.Email(), departments[e.Department()], e.ManagerID(), e.Status())
	}
	// Output:
	// 3332883804594373380 | Jane Doe | "jane@example.com" | Engineering | manager "" | Active
	// 3332883884017713938 | John O'Brien | "o'brien@example.com" | Platform | manager "3332883804594373380" | Active
	// 3332883884017799999 | Ana Silva | "ana+hr@example.com" | People | manager "3332883804594373380" | Active
	// 3332883884017700001 | Ólafur Sigurðsson | "" | Legacy Support | manager "3332883884017713938" | Inactive
}

func ExampleClient_SearchPeopleInBatches() {
	srv := hibobtest.NewServer(hibobtest.WithCompany(hibobtest.SampleCompany(1, 1000)))
	defer srv.Close()
	// The fake has no rate limit, so the client needs none either.
	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()),
		hibob.WithRateLimit(rate.Inf, 1))
	if err != nil {
		log.Fatal(err)
	}

	employees, err := client.SearchPeopleInBatches(context.Background(), &hibob.SearchRequest{
		Fields:       []string{"root.id", "root.email", "internal.status"},
		ShowInactive: true,
	}, 200)
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println(len(employees), "employees in", len(srv.Requests()), "searches")
	// Output: 1000 employees in 6 searches
}

func ExampleEmployee_Field() {
	srv := exampleServer()
	defer srv.Close()
	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	employee, err := client.GetEmployee(context.Background(), "o'brien@example.com",
		[]string{"root.id", "work.employeeIdInCompany", "work.site", "internal.terminationDate"})
	if err != nil {
		log.Fatal(err)
	}

	for _, id := range []string{"work.employeeIdInCompany", "work.site", "internal.terminationDate", "root.email"} {
		value, present := employee.Field(id)
		fmt.Printf("%s: %v (present: %t)\n", id, value, present)
	}
	// Output:
	// work.employeeIdInCompany: 10 (present: true)
	// work.site: Zürich (present: true)
	// internal.terminationDate: <nil> (present: true)
	// root.email: <nil> (present: false)
}

func ExampleClient_GetEmployee_notFound() {
	srv := exampleServer()
	defer srv.Close()
	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetEmployee(context.Background(), "nobody@example.com", nil)

	var apiErr *hibob.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, hibob.ErrNotFound))
	}
	fmt.Println(err)
	// Output:
	// 404 true
	// hibob: POST /people/{identifier}: 404 Not Found: Employee not found (key employee.not.found)
}

func ExampleClient_CheckPermissions() {
	srv := hibobtest.NewServer(append(smallCompany(),
		hibobtest.WithHiddenFields("internal.terminationDate"),
		hibobtest.WithInactiveHidden(),
	)...)
	defer srv.Close()
	client, err := hibob.NewClient(srv.Credentials(), hibob.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	report, err := client.CheckPermissions(context.Background(),
		[]string{"root.email", "work.department", "internal.terminationDate", "work.custom.field_123"})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("employees seen:", report.EmployeesSeen)
	fmt.Println("inactive visible:", report.InactiveVisible)
	fmt.Println("missing fields:", report.MissingFields)
	fmt.Println("unknown fields:", report.UnknownFields)
	// Output:
	// employees seen: 3
	// inactive visible: false
	// missing fields: [internal.terminationDate work.custom.field_123]
	// unknown fields: [work.custom.field_123]
}

func ExampleParseWebhook() {
	secret := []byte("secret-from-the-webhook-settings")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		event, err := hibob.ParseWebhook(r, secret)
		if err != nil {
			http.Error(w, "invalid webhook", http.StatusUnauthorized)
			return
		}
		if event.IsPing() {
			fmt.Println("ping")
			return
		}
		fmt.Println(event.Type, event.Data.EmployeeID, event.Data.FieldUpdates[0].FieldID)
	})
	receiver := httptest.NewServer(handler)
	defer receiver.Close()
	srv := hibobtest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	event := srv.EmployeeEvent(hibob.EventEmployeeUpdated, "3332883884017713938", "work.title")
	if err := hibobtest.SendWebhook(ctx, receiver.URL, secret, event); err != nil {
		log.Fatal(err)
	}
	if err := hibobtest.SendWebhook(ctx, receiver.URL, secret, hibobtest.PingEvent); err != nil {
		log.Fatal(err)
	}
	err := hibobtest.SendWebhook(ctx, receiver.URL, []byte("another secret"), event)
	fmt.Println(strings.Contains(fmt.Sprint(err), "401"))
	// Output:
	// employee.updated 3332883884017713938 work.title
	// ping
	// true
}

func ExampleVerifySignature() {
	secret := []byte("secret-from-the-webhook-settings")
	body := []byte(`{"type":"employee.created","data":{"employeeId":"3332883884017713938"}}`)
	signature := hibob.SignWebhook(secret, body)

	fmt.Println(hibob.VerifySignature(secret, body, signature))
	fmt.Println(errors.Is(hibob.VerifySignature(secret, body, "bm90IGl0"), hibob.ErrInvalidSignature))
	// Output:
	// <nil>
	// true
}
