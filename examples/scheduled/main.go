// Command scheduled demonstrates a long-running worker that syncs HiBob to
// Qooper on a Daily or Weekly schedule.
//
// Each run starts at the scheduled time in the configured time zone plus a
// random jitter. Runs never overlap, and a failed run is retried a bounded
// number of times with a doubling delay, unless the next scheduled run
// comes first. A run that only has failed or held changes is not retried,
// because a retry would meet the same data. SIGINT or SIGTERM stops the
// worker: it waits for a run in progress up to -shutdown-timeout, then
// cancels it.
//
// The schedule comes from flags, or from the environment variables
// SYNC_SCHEDULE (daily or weekly), SYNC_TIME (HH:MM), SYNC_WEEKDAY and
// SYNC_TIMEZONE, which the flags override. The services are configured
// like the sync command: with none of HIBOB_SERVICE_USER_ID,
// HIBOB_SERVICE_USER_TOKEN, HIBOB_ENVIRONMENT, HIBOB_BASE_URL,
// QOOPER_BASE_URL and QOOPER_API_TOKEN set, the worker runs against
// in-process fakes. It then runs once at start, and moves the sample
// company one day forward before each later run.
//
// Usage:
//
//	go run ./examples/scheduled [-schedule daily|weekly] [-at HH:MM] [-weekday DAY]
//		[-timezone Area/City] [-jitter 15m] [-max-retries 3] [-retry-delay 5m]
//		[-shutdown-timeout 2m] [-run-now] [-mapping FILE] [-v]
//
// Exit status: 0 after a clean shutdown, 1 when the fakes cannot start,
// 2 on a usage error.
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
	"strings"
	"syscall"
	"time"
	// The embedded time zone database makes -timezone work on hosts
	// without one, such as minimal containers.
	_ "time/tzdata"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/syncer"
)

// Environment variables of the schedule.
const (
	envSchedule = "SYNC_SCHEDULE"
	envTime     = "SYNC_TIME"
	envWeekday  = "SYNC_WEEKDAY"
	envTimezone = "SYNC_TIMEZONE"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFatal = 1
	exitUsage = 2
)

// maxRetryDelay caps the doubling delay between retries of a failed run.
const maxRetryDelay = time.Hour

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stderr)
	stop()
	os.Exit(code)
}

// settings are the command-line settings of the worker.
type settings struct {
	worker  *Worker
	mapper  *mapping.Mapping
	verbose bool
}

// parseSettings parses the flags, with defaults from getenv. It writes the
// help text to output for -h and returns flag.ErrHelp. Other errors are
// *services.UsageError.
func parseSettings(args []string, getenv func(string) string, output io.Writer) (*settings, error) {
	envOr := func(name, fallback string) string {
		if value := strings.TrimSpace(getenv(name)); value != "" {
			return value
		}
		return fallback
	}

	fs := flag.NewFlagSet("scheduled", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	frequency := fs.String("schedule", envOr(envSchedule, "daily"), "run at this `frequency`: daily or weekly (env "+envSchedule+")")
	timeOfDay := fs.String("at", envOr(envTime, "02:00"), "run at this 24-hour time `HH:MM` (env "+envTime+")")
	weekday := fs.String("weekday", envOr(envWeekday, "monday"), "run on this `day` of a weekly schedule (env "+envWeekday+")")
	timezone := fs.String("timezone", envOr(envTimezone, "UTC"), "take the time of day in this IANA time zone `Area/City` (env "+envTimezone+")")
	jitter := fs.Duration("jitter", 15*time.Minute, "add a random delay of up to this `duration` to each scheduled time")
	maxRetries := fs.Int("max-retries", 3, "retry a failed run up to `N` times")
	retryDelay := fs.Duration("retry-delay", 5*time.Minute, "wait this `duration` before the first retry, doubling up to 1h")
	shutdownTimeout := fs.Duration("shutdown-timeout", 2*time.Minute, "on SIGTERM, wait this `duration` for a run in progress before cancelling it")
	runNow := fs.Bool("run-now", false, "run once at start, then on the schedule")
	mappingPath := fs.String("mapping", "", "read the mapping rules from the JSON `FILE` (default: the built-in mapping)")
	verbose := fs.Bool("v", false, "write debug logs")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(output, "Usage: scheduled [flags]\n\nScheduled syncs HiBob to Qooper daily or weekly until SIGINT or SIGTERM.\n\nFlags:")
			fs.SetOutput(output)
			fs.PrintDefaults()
			return nil, err
		}
		return nil, services.Usagef("%v (run scheduled -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, services.Usagef("unexpected argument %q: scheduled takes flags only", fs.Arg(0))
	}

	schedule, err := ParseSchedule(*frequency, *timeOfDay, *weekday, *timezone)
	if err != nil {
		return nil, &services.UsageError{Message: err.Error()}
	}
	switch {
	case *jitter < 0:
		return nil, services.Usagef("invalid -jitter %v: use 0 or more", *jitter)
	case *maxRetries < 0:
		return nil, services.Usagef("invalid -max-retries %d: use 0 or more", *maxRetries)
	case *retryDelay <= 0:
		return nil, services.Usagef("invalid -retry-delay %v: use a positive duration such as 5m", *retryDelay)
	case *shutdownTimeout < 0:
		return nil, services.Usagef("invalid -shutdown-timeout %v: use 0 or more", *shutdownTimeout)
	}

	mapper := mapping.Default()
	if *mappingPath != "" {
		data, err := os.ReadFile(*mappingPath)
		if err != nil {
			return nil, services.Usagef("cannot read mapping file: %v", err)
		}
		if mapper, err = mapping.ParseJSON(data); err != nil {
			return nil, services.Usagef("invalid mapping file %s: %v", *mappingPath, err)
		}
	}

	return &settings{
		worker: &Worker{
			Schedule:        schedule,
			Jitter:          *jitter,
			Retry:           RetryPolicy{MaxRetries: *maxRetries, MinDelay: *retryDelay, MaxDelay: max(*retryDelay, maxRetryDelay)},
			ShutdownTimeout: *shutdownTimeout,
			RunAtStart:      *runNow,
		},
		mapper:  mapper,
		verbose: *verbose,
	}, nil
}

// run runs the worker until ctx is cancelled and returns the exit status.
// Logs and errors go to stderr.
func run(ctx context.Context, args []string, env services.Env, stderr io.Writer) int {
	cfg, err := parseSettings(args, env.Get, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return usageError(stderr, err)
	}

	level := slog.LevelInfo
	if cfg.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	worker := cfg.worker
	worker.Logger = logger

	if !services.IsLive(env) {
		demo, clients, err := services.StartDemo(time.Now().In(worker.Schedule.Location), logger.With("component", "fake"))
		if err != nil {
			logger.Error("cannot start the demo", "error", err)
			return exitFatal
		}
		defer demo.Close()
		logger.Info("demo mode: no live HIBOB_* or QOOPER_* variable is set, so the worker syncs in-process fakes",
			"hibob", demo.HiBob.URL(), "qooper", demo.Qooper.URL(), "employees", len(demo.Company.People))
		worker.RunAtStart = true
		worker.Job = demoJob(demo, clients, cfg.mapper, logger)
		return runWorker(ctx, worker)
	}

	live, err := services.ConfigFromEnv(env)
	if err != nil {
		return usageError(stderr, err)
	}
	clients, err := services.Connect(live, logger, nil, nil)
	if err != nil {
		return usageError(stderr, err)
	}
	worker.Job = syncJob(clients, cfg.mapper, worker.Schedule.Location, logger, nil)
	return runWorker(ctx, worker)
}

func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "scheduled: %s\n", services.OneLine(err.Error()))
	return exitUsage
}

func runWorker(ctx context.Context, worker *Worker) int {
	if err := worker.Run(ctx); err != nil {
		worker.logger().Error("worker failed", "error", err)
		return exitFatal
	}
	return exitOK
}

// syncJob returns a job that runs one full sync. It returns an error when
// the sync could not run or stopped, so that the worker retries. Failed or
// held changes are logged and not retried. asOf, when not nil, returns the
// date the rules use.
func syncJob(clients *services.Clients, mapper mapping.Mapper, location *time.Location, logger *slog.Logger, asOf func() string) func(context.Context) error {
	return func(ctx context.Context) error {
		options := []syncer.Option{syncer.WithLogger(logger), syncer.WithLocation(location)}
		if asOf != nil {
			options = append(options, syncer.WithAsOf(asOf()))
		}
		s, err := clients.NewSyncer(mapper, options...)
		if err != nil {
			return err
		}

		plan, err := s.Plan(ctx)
		if err != nil {
			return errors.New(clients.Describe(err))
		}
		report, err := s.Apply(ctx, plan)
		if report == nil {
			return errors.New(clients.Describe(err))
		}
		if report.Stopped != "" || errors.Is(err, syncer.ErrStopped) {
			return errors.New("run stopped: " + clients.Describe(err))
		}

		attrs := []any{
			"run_id", report.RunID,
			"applied", report.Count(syncer.Applied),
			"failed", report.Failed(),
			"held", report.Count(syncer.Held),
			"unchanged", report.Unchanged,
		}
		if report.HasProblems() {
			logger.Warn("sync finished with failed or held changes", attrs...)
		} else {
			logger.Info("sync finished", attrs...)
		}
		return nil
	}
}

// demoJob returns a job that syncs the demo's fakes. Each run after the
// first moves the sample company one day forward first.
func demoJob(demo *services.Demo, clients *services.Clients, mapper mapping.Mapper, logger *slog.Logger) func(context.Context) error {
	runs := 0
	asOf := func() string { return demo.Company.Today.Format(time.DateOnly) }
	sync := syncJob(clients, mapper, time.UTC, logger, asOf)
	return func(ctx context.Context) error {
		if runs > 0 {
			changes := append(demo.NextDay(), demo.FixEmails()...)
			logger.Info("demo: the sample company moved one day forward", "date", asOf(), "changes", len(changes))
		}
		runs++
		return sync(ctx)
	}
}
