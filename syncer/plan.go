package syncer

import (
	"encoding/json"
	"fmt"
	"time"
)

// Action is the kind of write a change makes to one Qooper user.
type Action int

// Actions, in the order Apply runs them: creates, then updates and
// reactivations, then deactivations.
const (
	NoOp Action = iota
	Create
	Update
	Reactivate
	Deactivate
)

var actionNames = [...]string{"noop", "create", "update", "reactivate", "deactivate"}

// String returns the lower-case name of the action, as in JSON.
func (a Action) String() string {
	if a < 0 || int(a) >= len(actionNames) {
		return fmt.Sprintf("Action(%d)", int(a))
	}
	return actionNames[a]
}

// MarshalText encodes the action by name.
func (a Action) MarshalText() ([]byte, error) {
	if a < 0 || int(a) >= len(actionNames) {
		return nil, fmt.Errorf("invalid action %d", int(a))
	}
	return []byte(actionNames[a]), nil
}

// UnmarshalText decodes an action name.
func (a *Action) UnmarshalText(text []byte) error {
	for i, name := range actionNames {
		if name == string(text) {
			*a = Action(i)
			return nil
		}
	}
	return fmt.Errorf("unknown action %q", text)
}

// Plan is the set of changes that makes Qooper match the source. It is plain
// data: it marshals to JSON and back without loss, and Apply needs nothing
// else. Changes are sorted by action, then by employee id, then by user id.
type Plan struct {
	// ID identifies the plan. Idempotency keys of creates derive from it, so
	// applying the same plan twice never creates a user twice.
	ID string `json:"id"`
	// CreatedAt is when the plan was made, and Today the civil date in the
	// configured time zone that the rules used.
	CreatedAt time.Time `json:"createdAt"`
	Today     string    `json:"today"`
	// Partial is set for a plan that covers selected employees only, as
	// from SyncEmployee. A partial plan never deactivates a user that is
	// absent from the source.
	Partial bool `json:"partial,omitempty"`
	// Changes lists one entry per employee or Qooper user that needs a
	// write. NoOp changes are counted in Unchanged, not listed.
	Changes []Change `json:"changes"`
	// Unchanged counts the people whose Qooper user already matches.
	Unchanged int `json:"unchanged"`
	// OutOfScope counts the source records that scope filters excluded.
	OutOfScope int `json:"outOfScope"`
	// InactiveWithoutUser counts the inactive employees that have no Qooper
	// user and so need nothing.
	InactiveWithoutUser int `json:"inactiveWithoutUser"`
	// Failures lists the records that could not be planned. Their Qooper
	// users are neither updated nor deactivated.
	Failures []Failure `json:"failures,omitempty"`
	// Issues lists warnings and errors that concern the run or several
	// records, such as a field the source never returned or a reporting
	// cycle.
	Issues []Issue `json:"issues,omitempty"`
	// Guard records the deactivation guard's decision.
	Guard GuardDecision `json:"guard"`
}

// Change is one planned write to one Qooper user.
type Change struct {
	Action Action `json:"action"`
	// EmployeeID is the source employee id; empty for a Qooper user whose
	// employee is gone from the source.
	EmployeeID string `json:"employeeId,omitempty"`
	// UserID is the Qooper user id; empty for a create.
	UserID string `json:"userId,omitempty"`
	// Name is the person's display name, for rendering only.
	Name string `json:"name"`
	// Adopt is set when the user was matched by e-mail and the change sets
	// its externalId.
	Adopt bool `json:"adopt,omitempty"`
	// Fields lists the fields to write with their values before and after.
	// A create lists every field it sets.
	Fields []FieldChange `json:"fields,omitempty"`
	// Manager is set when the manager changes.
	Manager *ManagerChange `json:"manager,omitempty"`
	// Deactivation carries the reason and date sent with a deactivation.
	Deactivation *Deactivation `json:"deactivation,omitempty"`
	// Held is set when the deactivation guard holds this change.
	Held bool `json:"held,omitempty"`
	// Reason explains the change to a reader; Apply ignores it.
	Reason string `json:"reason,omitempty"`
}

// FieldChange is one field's value before and after a change. Values are
// nil (no value), a string, or for custom attributes also a float64 or a
// bool. Field is a Qooper field name, or "customAttributes." and a key.
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// ManagerChange is a change of manager. A nil After clears the manager.
type ManagerChange struct {
	Before *ManagerRef `json:"before"`
	After  *ManagerRef `json:"after"`
}

// ManagerRef names a manager by source employee id and, when the manager's
// Qooper user exists before the run, by Qooper user id. Apply resolves a
// manager created in the same run through its employee id.
type ManagerRef struct {
	EmployeeID string `json:"employeeId,omitempty"`
	UserID     string `json:"userId,omitempty"`
	Name       string `json:"name,omitempty"`
}

// Deactivation is the reason and effective date sent with a deactivation.
type Deactivation struct {
	Reason        string `json:"reason,omitempty"`
	EffectiveDate string `json:"effectiveDate,omitempty"`
}

// Failure is a source record that could not be planned.
type Failure struct {
	EmployeeID string `json:"employeeId"`
	// UserID is the matched Qooper user, when there is one.
	UserID  string `json:"userId,omitempty"`
	Name    string `json:"name,omitempty"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Severity grades an Issue.
type Severity string

// Issue severities. An error makes the run finish with problems; a warning
// does not.
const (
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Issue is a finding about the run or about several records.
type Issue struct {
	Severity    Severity `json:"severity"`
	Code        string   `json:"code"`
	Field       string   `json:"field,omitempty"`
	EmployeeIDs []string `json:"employeeIds,omitempty"`
	Message     string   `json:"message"`
}

// Codes of failures and issues.
const (
	CodeMappingFailed     = "mappingFailed"
	CodeInvalidValue      = "invalidValue"
	CodeDuplicateEmail    = "duplicateEmail"
	CodeEmailConflict     = "emailConflict"
	CodeMissingEmail      = "missingEmail"
	CodeStatusUnknown     = "statusUnknown"
	CodeFieldNotReturned  = "fieldNotReturned"
	CodeManagerNotSynced  = "managerNotSynced"
	CodeManagerCycle      = "managerCycle"
	CodeManagerSelf       = "managerSelf"
	CodeManagerNotCreated = "managerNotCreated"
	CodeDeactivationsHeld = "deactivationsHeld"
	CodeNotFound          = "notFound"
)

// GuardDecision is the deactivation guard's verdict on a plan.
type GuardDecision struct {
	// Deactivations is the number of deactivations in the plan.
	Deactivations int `json:"deactivations"`
	// ActiveManaged is the number of active Qooper users with an externalId
	// before the run.
	ActiveManaged int `json:"activeManaged"`
	// Limit is the most deactivations the threshold allows.
	Limit int `json:"limit"`
	// Allowance is the per-run allowance the caller gave.
	Allowance int `json:"allowance"`
	// Held is set when every deactivation is held.
	Held bool `json:"held"`
	// Reason explains a hold.
	Reason string `json:"reason,omitempty"`
}

// Count returns the number of changes with action a.
func (p *Plan) Count(a Action) int {
	n := 0
	for i := range p.Changes {
		if p.Changes[i].Action == a {
			n++
		}
	}
	return n
}

// Held returns the number of changes the guard holds.
func (p *Plan) Held() int {
	n := 0
	for i := range p.Changes {
		if p.Changes[i].Held {
			n++
		}
	}
	return n
}

// HasErrors reports whether the plan has failures or error issues.
func (p *Plan) HasErrors() bool {
	if len(p.Failures) > 0 {
		return true
	}
	for _, issue := range p.Issues {
		if issue.Severity == SeverityError {
			return true
		}
	}
	return false
}

// MarshalJSON encodes a nil change list as an empty array.
func (p *Plan) MarshalJSON() ([]byte, error) {
	type plain Plan
	copied := plain(*p)
	if copied.Changes == nil {
		copied.Changes = []Change{}
	}
	return json.Marshal(copied)
}
