package syncer

import (
	"errors"
	"fmt"
	"time"
)

// Outcome is the result of one change.
type Outcome string

// Change outcomes.
const (
	// Applied means the change was written, or was already in effect.
	Applied Outcome = "applied"
	// Failed means the write failed. Code and Message give the reason.
	Failed Outcome = "failed"
	// Skipped means the change was not attempted, because the run stopped
	// or nothing needed writing.
	Skipped Outcome = "skipped"
	// Held means the deactivation guard held the change.
	Held Outcome = "held"
)

// Report is the result of applying a plan: one Result per change, in plan
// order, plus the plan's failures and issues. It marshals to JSON.
type Report struct {
	RunID      string    `json:"runId"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	// DurationMS is the time Apply took, in milliseconds.
	DurationMS int64 `json:"durationMs"`
	// Counts maps an action name to outcome counts.
	Counts map[string]map[Outcome]int `json:"counts"`
	// Unchanged and OutOfScope repeat the plan's counts.
	Unchanged  int           `json:"unchanged"`
	OutOfScope int           `json:"outOfScope"`
	Results    []Result      `json:"results"`
	Failures   []Failure     `json:"failures,omitempty"`
	Issues     []Issue       `json:"issues,omitempty"`
	Guard      GuardDecision `json:"guard"`
	// Stopped is the reason the run stopped before every change was tried:
	// the target rejected the credentials, or the context ended.
	Stopped string `json:"stopped,omitempty"`
}

// Result is the outcome of one change.
type Result struct {
	Action     Action  `json:"action"`
	EmployeeID string  `json:"employeeId,omitempty"`
	UserID     string  `json:"userId,omitempty"`
	Name       string  `json:"name,omitempty"`
	Outcome    Outcome `json:"outcome"`
	// Code is the Qooper error code of a failure, or one of the Code
	// constants of this package.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Fields lists the fields the change writes.
	Fields []string `json:"fields,omitempty"`
	// DurationMS is the time the change took, in milliseconds.
	DurationMS int64 `json:"durationMs"`
}

// Count returns the number of results with the given outcome.
func (r *Report) Count(outcome Outcome) int {
	n := 0
	for i := range r.Results {
		if r.Results[i].Outcome == outcome {
			n++
		}
	}
	return n
}

// Failed returns the number of failed changes plus the records that failed
// before any write.
func (r *Report) Failed() int {
	return r.Count(Failed) + len(r.Failures)
}

// HasProblems reports whether any change failed or was held, or the plan
// had an error issue such as a reporting cycle. Warnings do not count.
func (r *Report) HasProblems() bool {
	if r.Failed() > 0 || r.Count(Held) > 0 || r.Stopped != "" {
		return true
	}
	for _, issue := range r.Issues {
		if issue.Severity == SeverityError {
			return true
		}
	}
	return false
}

// ChangeError is the error of one failed change.
type ChangeError struct {
	Action     Action
	EmployeeID string
	UserID     string
	Err        error
}

func (e *ChangeError) Error() string {
	subject := "employee " + e.EmployeeID
	if e.EmployeeID == "" {
		subject = "user " + e.UserID
	}
	return fmt.Sprintf("%s %s: %v", e.Action, subject, e.Err)
}

func (e *ChangeError) Unwrap() error { return e.Err }

// ErrStopped is matched by the error of a run that stopped before it tried
// every change.
var ErrStopped = errors.New("sync stopped")

// newReport returns a report with one result per change of plan.
func newReport(plan *Plan, runID string, started time.Time) *Report {
	r := &Report{
		RunID:      runID,
		StartedAt:  started.UTC(),
		Unchanged:  plan.Unchanged,
		OutOfScope: plan.OutOfScope,
		Results:    make([]Result, len(plan.Changes)),
		Failures:   plan.Failures,
		Issues:     plan.Issues,
		Guard:      plan.Guard,
	}
	for i := range plan.Changes {
		c := &plan.Changes[i]
		r.Results[i] = Result{
			Action:     c.Action,
			EmployeeID: c.EmployeeID,
			UserID:     c.UserID,
			Name:       c.Name,
			Fields:     changedFieldNames(c),
		}
		if c.Held {
			r.Results[i].Outcome = Held
			r.Results[i].Code = CodeDeactivationsHeld
			r.Results[i].Message = plan.Guard.Reason
		}
	}
	return r
}

// finish fills the counts and the end time.
func (r *Report) finish(now time.Time) {
	r.FinishedAt = now.UTC()
	r.DurationMS = r.FinishedAt.Sub(r.StartedAt).Milliseconds()
	r.Counts = make(map[string]map[Outcome]int)
	for _, result := range r.Results {
		name := result.Action.String()
		if r.Counts[name] == nil {
			r.Counts[name] = make(map[Outcome]int)
		}
		r.Counts[name][result.Outcome]++
	}
}

func changedFieldNames(c *Change) []string {
	names := make([]string, 0, len(c.Fields)+1)
	for _, fc := range c.Fields {
		names = append(names, fc.Field)
	}
	if c.Manager != nil {
		names = append(names, "manager")
	}
	if c.Action == Reactivate || c.Action == Deactivate {
		names = append(names, "status")
	}
	if len(names) == 0 {
		return nil
	}
	return names
}
