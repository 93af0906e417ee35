package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// checker prints the findings of -check, one line each, and counts them.
type checker struct {
	out      io.Writer
	clients  *services.Clients
	problems int
	// fatal lists the one-line messages of the checks that could not run,
	// such as rejected credentials.
	fatal []string
}

func (c *checker) ok(subject, format string, args ...any) {
	fmt.Fprintf(c.out, "ok       %s: %s\n", subject, fmt.Sprintf(format, args...))
}

func (c *checker) problem(subject, format string, args ...any) {
	c.problems++
	fmt.Fprintf(c.out, "PROBLEM  %s: %s\n", subject, fmt.Sprintf(format, args...))
}

func (c *checker) failed(subject, service string, err error) {
	message := c.clients.Describe(services.Tag(service, err))
	c.fatal = append(c.fatal, message)
	fmt.Fprintf(c.out, "FAILED   %s: %s\n", subject, message)
}

// runCheck runs the onboarding check and returns 0 when all is well, 3
// when it found problems and 1 when a service rejected the credentials or
// could not be reached. It sends only reads.
func runCheck(ctx context.Context, clients *services.Clients, mapper *mapping.Mapping, stdout, stderr io.Writer) int {
	fields := mapper.SourceFields()
	fmt.Fprintf(stdout, "Checking HiBob at %s and Qooper at %s for a mapping that reads %d HiBob fields.\n",
		clients.HiBob.BaseURL(), clients.QooperBaseURL, len(fields))
	c := &checker{out: stdout, clients: clients}

	c.checkHiBob(ctx, mapper, fields)
	c.checkQooper(ctx)

	if len(c.fatal) > 0 {
		for _, message := range c.fatal {
			fail(stderr, exitFatal, message)
		}
		return exitFatal
	}
	if c.problems > 0 {
		fmt.Fprintf(stdout, "Check found %s. Fix them, run -check again, then a -dry-run.\n", problemCount(c.problems))
		return fail(stderr, exitProblems, "check found "+problemCount(c.problems))
	}
	fmt.Fprintln(stdout, "Check passed. Next, run with -dry-run and review the plan.")
	return exitOK
}

// checkHiBob checks the credentials, what the service user can see, and
// the mapping against HiBob's fields metadata and named lists.
func (c *checker) checkHiBob(ctx context.Context, mapper *mapping.Mapping, fields []string) {
	permissions, err := c.clients.HiBob.CheckPermissions(ctx, fields)
	if err != nil {
		c.failed("HiBob credentials", services.HiBob, err)
		return
	}
	c.ok("HiBob credentials", "accepted, %d fields in the fields metadata", permissions.FieldCount)

	if permissions.EmployeesSeen == 0 {
		c.problem("HiBob employees", "the service user sees no employee: give it a permission group whose audience includes the employees to sync")
	} else {
		c.ok("HiBob employees", "%d visible, %d of them inactive", permissions.EmployeesSeen, permissions.InactiveSeen)
		c.checkVisibleFields(permissions)
	}
	if permissions.InactiveVisible {
		c.ok("HiBob leavers", "inactive employees are visible")
	} else {
		c.problem("HiBob leavers", "no inactive employee is visible, so termination dates cannot be synced: "+
			"include former employees in the service user's audience, unless the company has none")
	}

	metadata, err := c.clients.HiBob.Fields(ctx)
	if err != nil {
		c.failed("HiBob fields metadata", services.HiBob, err)
		return
	}
	c.checkMapping(mapper, metadata)
	c.checkLists(ctx, mapper.ListNames())
}

// checkVisibleFields reports the fields that no record contained. Field
// ids that the metadata lacks are left to checkMapping.
func (c *checker) checkVisibleFields(permissions *hibob.PermissionReport) {
	hidden := 0
	for _, id := range permissions.MissingFields {
		if slices.Contains(permissions.UnknownFields, id) {
			continue
		}
		hidden++
		c.problem("HiBob field "+id, "not visible to the service user: add the field's category to its permission group")
	}
	if hidden == 0 {
		c.ok("HiBob fields", "every field the mapping reads is visible")
	}
}

// checkMapping validates the mapping against HiBob's fields metadata.
func (c *checker) checkMapping(mapper *mapping.Mapping, metadata []*hibob.FieldMetadata) {
	infos := make([]mapping.FieldInfo, 0, len(metadata))
	for _, field := range metadata {
		infos = append(infos, mapping.FieldInfo{ID: field.ID, Type: field.Type, ListID: field.TypeData.ListID})
	}
	problems := mapper.Validate(infos)
	for _, p := range problems {
		c.problem("Mapping", "%s", p)
	}
	if len(problems) == 0 {
		c.ok("Mapping", "%d rules agree with HiBob's fields metadata", len(mapper.Rules()))
	}
}

// checkLists reports the named lists that the mapping resolves labels from
// and HiBob does not have.
func (c *checker) checkLists(ctx context.Context, names []string) {
	if len(names) == 0 {
		return
	}
	lists, err := c.clients.HiBob.NamedLists(ctx, true)
	if errors.Is(err, hibob.ErrForbidden) || errors.Is(err, hibob.ErrUnauthorized) {
		c.problem("HiBob named lists", "the service user may not read named lists, so list values cannot be resolved to labels")
		return
	}
	if err != nil {
		c.failed("HiBob named lists", services.HiBob, err)
		return
	}
	var missing []string
	for _, name := range names {
		if _, ok := lists[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		c.problem("HiBob named lists", "%s not found: the mapping resolves labels from them (names are case-sensitive)",
			strings.Join(missing, ", "))
		return
	}
	c.ok("HiBob named lists", "%s found", strings.Join(names, ", "))
}

// checkQooper checks the API token with a read of one user.
func (c *checker) checkQooper(ctx context.Context) {
	if _, err := c.clients.Qooper.ListUsers(ctx, &qooper.ListOptions{Limit: 1}); err != nil {
		c.failed("Qooper token", services.Qooper, err)
		return
	}
	c.ok("Qooper token", "accepted, users can be read")
}

// problemCount returns "1 problem" or "N problems".
func problemCount(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}
