package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

// runDemo runs the demo on in-process fakes: the initial load, then a day
// of HR changes. The exit status and the -report file are those of the
// second day. With -check, it checks the fakes instead.
func runDemo(ctx context.Context, opts *options, logger *slog.Logger, stdout, stderr io.Writer) int {
	demo, clients, err := services.StartDemo(demoToday(opts), logger)
	if err != nil {
		return fail(stderr, exitFatal, err.Error())
	}
	defer demo.Close()

	fmt.Fprintf(stdout, "Demo mode: none of %s is set, so this run uses in-process fakes.\n", strings.Join(services.LiveVariables, ", "))
	fmt.Fprintf(stdout, "Fake HiBob at %s with a sample company of %d people, fake Qooper at %s with the %d deactivated accounts of former employees.\n",
		demo.HiBob.URL(), len(demo.Company.People), demo.Qooper.URL(), demo.FormerAccounts)
	if opts.check {
		fmt.Fprintln(stdout)
		return runCheck(ctx, clients, opts.mapper, stdout, stderr)
	}

	dayOne := demo.Company.Today.Format(time.DateOnly)
	fmt.Fprintf(stdout, "\n== Day one, %s: initial load ==\n", dayOne)
	if opts.dryRun {
		fmt.Fprintln(stdout, "The initial load is applied even with -dry-run, because it sets up the demo. Day two is the dry run.")
	}
	s, err := clients.NewSyncer(opts.mapper, syncerOptions(opts, dayOne, logger)...)
	if err != nil {
		return fail(stderr, exitUsage, err.Error())
	}
	plan, report, err := syncOnce(ctx, s, false, stdout)
	if plan == nil || report.Stopped != "" {
		return finish(ctx, clients, opts, plan, report, err, stderr)
	}
	if report.HasProblems() {
		fmt.Fprintln(stdout, "Day one found records that HR must fix. On day two, HR gives each employee without a unique e-mail address one.")
	}

	changes := demo.NextDay()
	changes = append(changes, demo.FixEmails()...)
	dayTwo := demo.Company.Today.Format(time.DateOnly)
	fmt.Fprintf(stdout, "\n== Day two, %s: %d changes in HiBob ==\n", dayTwo, len(changes))
	printChanges(stdout, changes)
	if opts.allowance < 0 {
		fmt.Fprintln(stdout, "The deactivation guard holds a run's deactivations when they exceed 10% of the active managed users.")
		fmt.Fprintln(stdout, "The sample company is large enough for the termination to apply without -allow-deactivations.")
	}
	fmt.Fprintln(stdout)

	s, err = clients.NewSyncer(opts.mapper, syncerOptions(opts, dayTwo, logger)...)
	if err != nil {
		return fail(stderr, exitUsage, err.Error())
	}
	plan, report, err = syncOnce(ctx, s, opts.dryRun, stdout)
	return finish(ctx, clients, opts, plan, report, err, stderr)
}

// demoToday returns the first day of the demo: the -as-of date, else today
// in the -timezone.
func demoToday(opts *options) time.Time {
	if opts.asOf != "" {
		if date, err := time.Parse(time.DateOnly, opts.asOf); err == nil {
			return date
		}
	}
	return time.Now().In(opts.location)
}

func printChanges(w io.Writer, changes []hibobtest.Change) {
	for _, change := range changes {
		fmt.Fprintf(w, "  %-15s %s\n", change.Kind, change.Detail)
	}
}
