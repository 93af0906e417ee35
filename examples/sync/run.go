package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/syncer"
)

// syncOnce plans a run and prints the plan. Unless dryRun is set, it then
// applies the plan and prints the report. The error is Plan's, or Apply's
// joined change errors. The plan is nil when the run could not start.
func syncOnce(ctx context.Context, s *syncer.Syncer, dryRun bool, stdout io.Writer) (*syncer.Plan, *syncer.Report, error) {
	plan, err := s.Plan(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := plan.WriteText(stdout); err != nil {
		return nil, nil, fmt.Errorf("write the plan: %w", err)
	}
	printGuard(stdout, plan.Guard)
	if dryRun {
		fmt.Fprintln(stdout, "Dry run: nothing was written to Qooper.")
		return plan, nil, nil
	}

	report, err := s.Apply(ctx, plan)
	if report == nil {
		return nil, nil, err
	}
	if writeErr := report.WriteText(stdout); writeErr != nil {
		return plan, report, errors.Join(err, fmt.Errorf("write the report: %w", writeErr))
	}
	return plan, report, err
}

// printGuard writes the deactivation guard's decision when the plan
// deactivates anyone.
func printGuard(w io.Writer, guard syncer.GuardDecision) {
	if guard.Deactivations == 0 {
		return
	}
	deactivations := countNoun(guard.Deactivations, "deactivation")
	switch {
	case guard.Held:
		fmt.Fprintf(w, "Deactivation guard: %s held (%s). Check the source, then rerun with -allow-deactivations %d.\n",
			deactivations, guard.Reason, guard.Deactivations)
	case guard.Reason != "":
		fmt.Fprintf(w, "Deactivation guard: %s to apply (%s).\n", deactivations, guard.Reason)
	default:
		fmt.Fprintf(w, "Deactivation guard: %s to apply, within the limit of %d for %d active managed users.\n",
			deactivations, guard.Limit, guard.ActiveManaged)
	}
}

// countNoun returns n and noun, in the plural unless n is 1.
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// finish writes the -report file and returns the exit status of a run,
// with a one-line message on stderr unless every change applied.
func finish(ctx context.Context, clients *services.Clients, opts *options, plan *syncer.Plan, report *syncer.Report, runErr error, stderr io.Writer) int {
	if plan == nil {
		if ctx.Err() != nil {
			return fail(stderr, exitFatal, "interrupted before the plan was ready: nothing was written")
		}
		return fail(stderr, exitFatal, clients.Describe(runErr))
	}

	if opts.reportPath != "" {
		var document any = report
		if report == nil {
			document = plan
		}
		if err := writeJSON(opts.reportPath, document); err != nil {
			return fail(stderr, exitFatal, fmt.Sprintf("cannot write the report: %v", err))
		}
	}

	switch {
	case opts.dryRun:
		return exitOK
	case report.Stopped != "" && ctx.Err() != nil:
		return fail(stderr, exitFatal, fmt.Sprintf("interrupted: the run stopped after %d of %d changes, as the report shows",
			report.Count(syncer.Applied)+report.Count(syncer.Failed), len(report.Results)))
	case report.Stopped != "" || errors.Is(runErr, syncer.ErrStopped):
		return fail(stderr, exitFatal, "run stopped: "+clients.Describe(runErr))
	case report.HasProblems():
		return fail(stderr, exitProblems, "finished with problems: "+describeProblems(report)+", as the report shows")
	}
	return exitOK
}

// describeProblems counts what makes report.HasProblems true, such as "2
// failed, 3 held".
func describeProblems(report *syncer.Report) string {
	var parts []string
	if n := report.Failed(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n))
	}
	if n := report.Count(syncer.Held); n > 0 {
		parts = append(parts, fmt.Sprintf("%d held", n))
	}
	errorIssues := 0
	for _, issue := range report.Issues {
		// The guard's issue repeats the held count.
		if issue.Severity == syncer.SeverityError && issue.Code != syncer.CodeDeactivationsHeld {
			errorIssues++
		}
	}
	if errorIssues > 0 {
		parts = append(parts, countNoun(errorIssues, "error")+" in the plan")
	}
	return strings.Join(parts, ", ")
}

// writeJSON writes v as indented JSON to path. It writes a temporary file
// in the same directory and renames it, so that a reader never sees half a
// report. The file is readable by its owner only, because reports name
// employees.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')

	file, err := os.CreateTemp(filepath.Dir(path), ".sync-report-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(file.Name())
	if _, err := file.Write(data); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	return os.Rename(file.Name(), path)
}
