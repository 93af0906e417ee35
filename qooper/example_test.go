package qooper_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
)

// The example creates a user, clears a field and deactivates the user
// against the fake server, which listens on a loopback address.
func Example() {
	srv := qoopertest.NewServer()
	defer srv.Close()
	client, err := qooper.NewClient(srv.URL(), srv.Token())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	user, err := client.CreateUser(ctx, qooper.UserFields{
		ExternalID: qooper.Set("1042"),
		Email:      qooper.Set("ada.lovelace@example.com"),
		FirstName:  qooper.Set("Ada"),
		LastName:   qooper.Set("Lovelace"),
		JobTitle:   qooper.Set("Engineering Manager"),
	}, &qooper.CreateOptions{IdempotencyKey: "create-1042"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", user.Email, *user.JobTitle, user.Status, "version", user.Version)

	user, err = client.UpdateUser(ctx, user.ID, qooper.UserFields{
		JobTitle:        qooper.Null[string](),
		TerminationDate: qooper.Set("2026-06-30"),
	}, &qooper.UpdateOptions{IfMatch: user.ETag()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("updated: job title cleared:", user.JobTitle == nil, "version", user.Version)

	user, err = client.DeactivateUser(ctx, user.ID, &qooper.DeactivateOptions{Reason: "terminated"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("deactivated:", user.Status, "version", user.Version)

	_, err = client.CreateUser(ctx, qooper.UserFields{
		Email:     qooper.Set("ADA.LOVELACE@example.com"),
		FirstName: qooper.Set("Ada"),
		LastName:  qooper.Set("King"),
	}, nil)
	var apiErr *qooper.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("second create:", apiErr.StatusCode, apiErr.Code, errors.Is(err, qooper.ErrConflict),
			apiErr.ConflictingID == user.ID)
	}
	// Output:
	// created: ada.lovelace@example.com Engineering Manager active version 1
	// updated: job title cleared: true version 2
	// deactivated: deactivated version 3
	// second create: 409 uniqueness true true
}

// The example lists the active users page by page, two at a time.
func ExampleClient_AllUsers() {
	srv := qoopertest.NewServer()
	defer srv.Close()
	for _, name := range []string{"ada", "grace", "alan"} {
		if _, err := srv.PutUser(qooper.User{Email: name + "@example.com", FirstName: name, LastName: "Test"}); err != nil {
			fmt.Println(err)
			return
		}
	}
	client, err := qooper.NewClient(srv.URL(), srv.Token())
	if err != nil {
		fmt.Println(err)
		return
	}

	opts := &qooper.ListOptions{Limit: 2, Statuses: []qooper.Status{qooper.StatusActive}}
	for user, err := range client.AllUsers(context.Background(), opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(user.Email)
	}
	// Output:
	// ada@example.com
	// grace@example.com
	// alan@example.com
}

// The example looks a user up by email, which matches regardless of case.
func ExampleClient_FindUserByEmail() {
	srv := qoopertest.NewServer()
	defer srv.Close()
	if _, err := srv.PutUser(qooper.User{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"}); err != nil {
		fmt.Println(err)
		return
	}
	client, err := qooper.NewClient(srv.URL(), srv.Token())
	if err != nil {
		fmt.Println(err)
		return
	}

	user, err := client.FindUserByEmail(context.Background(), "ADA@example.com")
	fmt.Println(user.FirstName, err)
	_, err = client.FindUserByEmail(context.Background(), "nobody@example.com")
	fmt.Println(errors.Is(err, qooper.ErrNotFound))
	// Output:
	// Ada <nil>
	// true
}
