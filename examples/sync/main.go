// Command sync demonstrates a sync job: one run that makes a Qooper
// organization match a customer's HiBob, as Qooper's backend would run it
// per customer.
//
// Live mode starts when any of HIBOB_SERVICE_USER_ID,
// HIBOB_SERVICE_USER_TOKEN, HIBOB_ENVIRONMENT, HIBOB_BASE_URL,
// QOOPER_BASE_URL and QOOPER_API_TOKEN is set. It talks to the real
// services and needs all of them but HIBOB_ENVIRONMENT (production or
// sandbox, default production) and HIBOB_BASE_URL, which overrides the
// environment's URL.
//
// With none of them set, the command runs a demo. It starts a fake HiBob
// seeded with a sample company and a fake Qooper that holds only the
// deactivated accounts of former employees, in process, and runs the
// initial load. Then it applies a day of HR changes to the fake HiBob,
// rehire included, and runs again.
//
// Usage:
//
//	go run ./examples/sync [-dry-run] [-report FILE] [-mapping FILE]
//		[-allow-deactivations N] [-as-of YYYY-MM-DD] [-timezone Area/City] [-v]
//	go run ./examples/sync -check [-mapping FILE]
//
// -check is the onboarding check to run when a customer hands over
// credentials: it verifies both credentials, lists the fields the mapping
// reads that the HiBob service user cannot see, reports whether leavers are
// visible, and validates the mapping against HiBob's fields metadata and
// named lists. It writes nothing.
//
// In a dry run, -report writes the plan as JSON, because nothing was
// applied. In the demo, -report covers the second day, and the initial
// load is applied even with -dry-run, because it sets up the demo.
//
// Exit status: 0 when every change applied (warnings do not count), 1 on a
// fatal error (rejected credentials, an unreachable service, an unreadable
// response, a run stopped by a 401 or 403 or by SIGINT or SIGTERM), 2 on a
// usage error (a flag, an environment variable or the mapping file), and 3
// when the run finished with failed or held changes or -check found
// problems. A dry run exits 0 unless it hits a fatal or usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	// The embedded time zone database makes -timezone work on hosts
	// without one, such as minimal containers.
	_ "time/tzdata"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/syncer"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFatal    = 1
	exitUsage    = 2
	exitProblems = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command with args (without the program name) and returns
// the exit status. Cancelling ctx stops the run.
func run(ctx context.Context, args []string, env services.Env, stdout, stderr io.Writer) int {
	opts, err := parseOptions(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return exitOK
	}
	if err != nil {
		return fail(stderr, exitUsage, err.Error())
	}

	logger := newLogger(opts.verbose, stderr)
	if !services.IsLive(env) {
		return runDemo(ctx, opts, logger, stdout, stderr)
	}

	cfg, err := services.ConfigFromEnv(env)
	if err != nil {
		return fail(stderr, exitUsage, err.Error())
	}
	clients, err := services.Connect(cfg, logger, nil, nil)
	if err != nil {
		return fail(stderr, exitUsage, err.Error())
	}
	logger.Info("live mode", "hibob", cfg.HiBobBaseURL, "qooper", cfg.QooperBaseURL)

	if opts.check {
		return runCheck(ctx, clients, opts.mapper, stdout, stderr)
	}
	s, err := clients.NewSyncer(opts.mapper, syncerOptions(opts, opts.asOf, logger)...)
	if err != nil {
		return fail(stderr, exitUsage, err.Error())
	}
	plan, report, err := syncOnce(ctx, s, opts.dryRun, stdout)
	return finish(ctx, clients, opts, plan, report, err, stderr)
}

// fail writes message to stderr as one line and returns code.
func fail(stderr io.Writer, code int, message string) int {
	fmt.Fprintf(stderr, "sync: %s\n", services.OneLine(message))
	return code
}

// newLogger returns a logger that writes debug logs to stderr with -v,
// and one that discards everything otherwise, so that stderr carries only
// error messages.
func newLogger(verbose bool, stderr io.Writer) *slog.Logger {
	if !verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// syncerOptions returns the engine options of opts, with asOf as the date
// the rules use ("" for today).
func syncerOptions(opts *options, asOf string, logger *slog.Logger) []syncer.Option {
	engineOptions := []syncer.Option{
		syncer.WithLogger(logger),
		syncer.WithLocation(opts.location),
		syncer.WithProgress(func(p syncer.Progress) {
			// One record per 100 changes keeps large runs readable.
			if p.Done%100 == 0 || p.Done == p.Total {
				logger.Debug("apply progress", "phase", p.Phase, "done", p.Done, "total", p.Total)
			}
		}),
	}
	if asOf != "" {
		engineOptions = append(engineOptions, syncer.WithAsOf(asOf))
	}
	if opts.allowance >= 0 {
		engineOptions = append(engineOptions, syncer.WithAllowDeactivations(opts.allowance))
	}
	return engineOptions
}
