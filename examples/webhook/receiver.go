package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/syncer"
)

// ErrQueueFull is returned by Queue.Add when the queue contains its maximum
// number of employees.
var ErrQueueFull = errors.New("sync queue is full")

// Queue is a set of employee ids waiting for a sync, in arrival order. An
// id that is already waiting is not added again, so a burst of events
// about one employee leads to one sync. An id that arrives while its sync
// runs is added again, because that sync may have read the employee
// before the change. A Queue is safe for concurrent use.
type Queue struct {
	mu      sync.Mutex
	waiting map[string]bool
	order   []string
	max     int
	// ready receives a value when an id is added, and Next waits on it.
	ready chan struct{}
}

// NewQueue returns a queue that holds up to max employee ids.
func NewQueue(max int) *Queue {
	return &Queue{waiting: make(map[string]bool), max: max, ready: make(chan struct{}, 1)}
}

// Add adds an employee id. It returns false when the id is already
// waiting, and ErrQueueFull when the queue is full.
func (q *Queue) Add(employeeID string) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting[employeeID] {
		return false, nil
	}
	if len(q.order) >= q.max {
		return false, ErrQueueFull
	}
	q.waiting[employeeID] = true
	q.order = append(q.order, employeeID)
	q.signalLocked()
	return true, nil
}

// Next removes and returns the oldest waiting id. It blocks until one is
// waiting, and returns false when ctx ends first.
func (q *Queue) Next(ctx context.Context) (string, bool) {
	for {
		q.mu.Lock()
		if len(q.order) > 0 {
			id := q.order[0]
			q.order = q.order[1:]
			delete(q.waiting, id)
			q.signalLocked()
			q.mu.Unlock()
			return id, true
		}
		q.mu.Unlock()

		select {
		case <-ctx.Done():
			return "", false
		case <-q.ready:
		}
	}
}

// Len returns the number of waiting ids.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.order)
}

// signalLocked wakes a waiting Next while ids are waiting.
func (q *Queue) signalLocked() {
	if len(q.order) == 0 {
		return
	}
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// Receiver is the http.Handler of HiBob's webhooks. It checks the
// Bob-Signature of each request, responds to Bob's "Ping test", and queues the
// employee of every other event for a sync. It responds before the sync
// runs, so that HiBob does not wait for Qooper.
type Receiver struct {
	Secret []byte
	Queue  *Queue
	Logger *slog.Logger
}

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}

	event, err := hibob.ParseWebhook(r, rc.Secret)
	switch {
	case errors.Is(err, hibob.ErrInvalidSignature):
		// The body is not logged: it is unverified input.
		rc.Logger.Warn("webhook rejected: missing or invalid Bob-Signature",
			"remote_addr", r.RemoteAddr, "content_length", r.ContentLength)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	case err != nil:
		rc.Logger.Warn("webhook rejected: invalid event", "remote_addr", r.RemoteAddr, "error", err)
		http.Error(w, "invalid event", http.StatusBadRequest)
		return
	}

	if event.IsPing() {
		rc.Logger.Info("webhook ping received")
		w.WriteHeader(http.StatusOK)
		return
	}
	employeeID := event.Data.EmployeeID
	if employeeID == "" {
		rc.Logger.Info("webhook ignored: the event names no employee", "type", event.Type)
		w.WriteHeader(http.StatusOK)
		return
	}

	added, err := rc.Queue.Add(employeeID)
	if err != nil {
		rc.Logger.Error("webhook rejected: the sync queue is full", "type", event.Type, "employee_id", employeeID)
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
		return
	}
	rc.Logger.Info("webhook queued", "type", event.Type, "employee_id", employeeID, "coalesced", !added)
	w.WriteHeader(http.StatusOK)
}

// EmployeeSyncer syncs one employee. *syncer.Syncer implements it.
type EmployeeSyncer interface {
	SyncEmployee(ctx context.Context, employeeID string) (*syncer.Report, error)
}

// Processor syncs the employees of a Queue one at a time, because runs
// against one Qooper organization should not overlap.
type Processor struct {
	Queue  *Queue
	Syncer EmployeeSyncer
	Logger *slog.Logger
	// Synced, when set, is called after each sync, for tests.
	Synced func(employeeID string, report *syncer.Report, err error)
}

// Run syncs queued employees until ctx ends. A sync in progress when ctx
// ends is cancelled. A failed sync is logged and not retried: the next
// full sync reconciles the employee.
func (p *Processor) Run(ctx context.Context) {
	for {
		employeeID, ok := p.Queue.Next(ctx)
		if !ok {
			return
		}
		report, err := p.Syncer.SyncEmployee(ctx, employeeID)
		p.log(employeeID, report, err)
		if p.Synced != nil {
			p.Synced(employeeID, report, err)
		}
	}
}

func (p *Processor) log(employeeID string, report *syncer.Report, err error) {
	if report == nil {
		p.Logger.Error("employee sync failed", "employee_id", employeeID, "error", err)
		return
	}
	attrs := []any{
		"employee_id", employeeID,
		"run_id", report.RunID,
		"applied", report.Count(syncer.Applied),
		"failed", report.Failed(),
		"unchanged", report.Unchanged,
	}
	if report.HasProblems() || err != nil {
		p.Logger.Warn("employee sync finished with problems", append(attrs, "error", err)...)
		return
	}
	p.Logger.Info("employee synced", attrs...)
}
