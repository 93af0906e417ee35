// Command webhook demonstrates a receiver of HiBob webhooks that keeps one
// employee's Qooper user up to date right after a change in HiBob.
//
// The receiver checks the Bob-Signature header of each request against
// HIBOB_WEBHOOK_SECRET and responds 401 to a missing or invalid signature,
// logging the request without its body. It responds 200 to Bob's "Ping
// test". It responds 200 at once to any other event that names an
// employee, and queues the employee. A worker then runs SyncEmployee for
// queued employees one at a time, and events about an employee who is
// already waiting lead to one sync. A failed sync is logged, and the next
// full sync, such as the scheduled example runs, reconciles the employee.
//
// The services are configured like the sync command. With none of
// HIBOB_SERVICE_USER_ID, HIBOB_SERVICE_USER_TOKEN, HIBOB_ENVIRONMENT,
// HIBOB_BASE_URL, QOOPER_BASE_URL and QOOPER_API_TOKEN set, the receiver
// runs a demo on in-process fakes. It loads the sample company into the
// fake Qooper, moves the company one day forward, and sends itself a signed
// ping and one signed event per change. In the demo, HIBOB_WEBHOOK_SECRET
// is optional, and a random secret is used when it is unset.
//
// Usage:
//
//	go run ./examples/webhook [-listen 127.0.0.1:8080] [-path /hibob/webhook]
//		[-max-queue 10000] [-shutdown-timeout 30s] [-mapping FILE] [-v]
//
// Exit status: 0 after a clean shutdown on SIGINT or SIGTERM, 1 when the
// listener or the demo cannot start, 2 on a usage error.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/syncer"
)

// envWebhookSecret is the environment variable with the secret that HiBob
// shows when a webhook is created.
const envWebhookSecret = "HIBOB_WEBHOOK_SECRET"

// Exit statuses.
const (
	exitOK    = 0
	exitFatal = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// settings are the command-line settings of the receiver.
type settings struct {
	listen          string
	path            string
	maxQueue        int
	shutdownTimeout time.Duration
	mapper          *mapping.Mapping
	verbose         bool
}

// parseSettings parses the flags. It writes the help text to output for
// -h and returns flag.ErrHelp. Other errors are *services.UsageError.
func parseSettings(args []string, output io.Writer) (*settings, error) {
	cfg := &settings{}
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "listen on this `host:port`; the default accepts local connections only")
	fs.StringVar(&cfg.path, "path", "/hibob/webhook", "serve webhooks at this URL `path`")
	fs.IntVar(&cfg.maxQueue, "max-queue", 10000, "answer 503 when `N` employees wait for a sync")
	fs.DurationVar(&cfg.shutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGTERM, wait this `duration` for open requests")
	mappingPath := fs.String("mapping", "", "read the mapping rules from the JSON `FILE` (default: the built-in mapping)")
	fs.BoolVar(&cfg.verbose, "v", false, "write debug logs")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(output, "Usage: webhook [flags]\n\nWebhook receives HiBob webhooks and syncs each changed employee to Qooper.\n\nFlags:")
			fs.SetOutput(output)
			fs.PrintDefaults()
			return nil, err
		}
		return nil, services.Usagef("%v (run webhook -h for the flags)", err)
	}
	switch {
	case fs.NArg() > 0:
		return nil, services.Usagef("unexpected argument %q: webhook takes flags only", fs.Arg(0))
	case !strings.HasPrefix(cfg.path, "/") || strings.ContainsAny(cfg.path, "{} \t"):
		return nil, services.Usagef("invalid -path %q: use a URL path that starts with / and has no braces or spaces", cfg.path)
	case cfg.maxQueue < 1:
		return nil, services.Usagef("invalid -max-queue %d: use 1 or more", cfg.maxQueue)
	case cfg.shutdownTimeout < 0:
		return nil, services.Usagef("invalid -shutdown-timeout %v: use 0 or more", cfg.shutdownTimeout)
	}

	cfg.mapper = mapping.Default()
	if *mappingPath != "" {
		data, err := os.ReadFile(*mappingPath)
		if err != nil {
			return nil, services.Usagef("cannot read mapping file: %v", err)
		}
		if cfg.mapper, err = mapping.ParseJSON(data); err != nil {
			return nil, services.Usagef("invalid mapping file %s: %v", *mappingPath, err)
		}
	}
	return cfg, nil
}

// run serves webhooks until ctx is cancelled and returns the exit status.
// Logs and errors go to stderr. When ready is not nil, run sends it the
// webhook URL once the listener is open.
func run(ctx context.Context, args []string, env services.Env, stderr io.Writer, ready chan<- string) int {
	cfg, err := parseSettings(args, stderr)
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

	secret := []byte(strings.TrimSpace(env.Get(envWebhookSecret)))
	var demo *services.Demo
	var clients *services.Clients
	if services.IsLive(env) {
		if len(secret) == 0 {
			return usageError(stderr, services.Usagef("missing environment variable %s: set it to the secret HiBob shows for the webhook", envWebhookSecret))
		}
		live, err := services.ConfigFromEnv(env)
		if err != nil {
			return usageError(stderr, err)
		}
		if clients, err = services.Connect(live, logger, nil, nil); err != nil {
			return usageError(stderr, err)
		}
	} else {
		if demo, clients, err = services.StartDemo(time.Now(), logger.With("component", "fake")); err != nil {
			logger.Error("cannot start the demo", "error", err)
			return exitFatal
		}
		defer demo.Close()
		if len(secret) == 0 {
			secret = []byte(rand.Text())
		}
	}

	s, err := clients.NewSyncer(cfg.mapper, syncer.WithLogger(logger))
	if err != nil {
		return usageError(stderr, err)
	}
	listener, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		logger.Error("cannot listen", "address", cfg.listen, "error", err)
		return exitFatal
	}
	url := "http://" + listener.Addr().String() + cfg.path

	queue := NewQueue(cfg.maxQueue)
	mux := http.NewServeMux()
	mux.Handle(cfg.path, &Receiver{Secret: secret, Queue: queue, Logger: logger})
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}

	processorCtx, stopProcessor := context.WithCancel(context.WithoutCancel(ctx))
	defer stopProcessor()
	var processing sync.WaitGroup
	processing.Go(func() {
		(&Processor{Queue: queue, Syncer: s, Logger: logger}).Run(processorCtx)
	})

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()
	logger.Info("receiving HiBob webhooks", "url", url, "demo", demo != nil)
	if ready != nil {
		ready <- url
	}
	var demoEvents sync.WaitGroup
	defer demoEvents.Wait()
	if demo != nil {
		demoEvents.Go(func() { sendDemoEvents(ctx, demo, s, url, secret, logger) })
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		logger.Error("server failed", "error", err)
		return exitFatal
	}

	logger.Info("shutting down", "timeout", cfg.shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.shutdownTimeout)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		logger.Warn("open requests did not finish before the timeout", "error", err)
	}
	stopProcessor()
	processing.Wait()
	if n := queue.Len(); n > 0 {
		logger.Warn("employees left in the queue; the next full sync reconciles them", "count", n)
	}
	logger.Info("stopped")
	return exitOK
}

func usageError(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "webhook: %s\n", services.OneLine(err.Error()))
	return exitUsage
}

// sendDemoEvents loads the sample company into the fake Qooper, moves it
// one day forward and sends the receiver at url a ping and one event per
// change, signed as HiBob signs them.
func sendDemoEvents(ctx context.Context, demo *services.Demo, s *syncer.Syncer, url string, secret []byte, logger *slog.Logger) {
	plan, err := s.Plan(ctx)
	if err == nil {
		_, err = s.Apply(ctx, plan)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		logger.Warn("demo: the initial load had failures", "error", services.OneLine(err.Error()))
	}
	logger.Info("demo: initial load done, sending events", "users", len(demo.Qooper.Users()))

	if err := hibobtest.SendWebhook(ctx, url, secret, hibobtest.PingEvent); err != nil {
		logger.Error("demo: ping failed", "error", err)
	}
	changes := append(demo.NextDay(), demo.FixEmails()...)
	for _, change := range changes {
		eventType := hibob.EventEmployeeUpdated
		switch change.Kind {
		case hibobtest.ChangeHire:
			eventType = hibob.EventEmployeeCreated
		case hibobtest.ChangeTermination:
			eventType = hibob.EventEmployeeLeft
		case hibobtest.ChangeRehire:
			eventType = hibob.EventEmployeeActivated
		}
		event := demo.HiBob.EmployeeEvent(eventType, change.EmployeeID)
		if err := hibobtest.SendWebhook(ctx, url, secret, event); err != nil {
			logger.Error("demo: event failed", "employee_id", change.EmployeeID, "error", err)
		}
	}
}
