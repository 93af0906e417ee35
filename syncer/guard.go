package syncer

import (
	"fmt"
	"math"

	"github.com/qooper/hrsync/qooper"
)

// applyGuard holds every deactivation when there are more than the
// threshold allows, or any when the source has no active employee, unless
// the caller's allowance covers them all. Held changes stay in the plan.
func (p *planner) applyGuard() {
	decision := GuardDecision{Allowance: p.s.allowance}
	for _, u := range p.in.users {
		if u.ExternalID != nil && *u.ExternalID != "" && u.Status == qooper.StatusActive {
			decision.ActiveManaged++
		}
	}
	decision.Limit = int(math.Floor(p.s.threshold * float64(decision.ActiveManaged)))
	decision.Deactivations = p.plan.Count(Deactivate)

	activeInSource := 0
	for _, pr := range p.order {
		if pr.active {
			activeInSource++
		}
	}

	switch {
	case decision.Deactivations == 0:
	case activeInSource == 0 && p.in.only == nil:
		decision.Held = true
		decision.Reason = "the source returned no active employee"
	case decision.Deactivations > decision.Limit:
		decision.Held = true
		decision.Reason = fmt.Sprintf("%d deactivations exceed the limit of %d (%.0f%% of %d active managed users)",
			decision.Deactivations, decision.Limit, p.s.threshold*100, decision.ActiveManaged)
	}
	if decision.Held && decision.Deactivations <= decision.Allowance {
		decision.Held = false
		decision.Reason = fmt.Sprintf("allowance of %d deactivations lifts the hold", decision.Allowance)
	}
	p.plan.Guard = decision
	if !decision.Held {
		return
	}
	// A held leaver's field changes, such as the termination date, are
	// updates and still apply: they move to an update change of their own.
	var split []Change
	for i := range p.plan.Changes {
		c := &p.plan.Changes[i]
		if c.Action != Deactivate {
			continue
		}
		c.Held = true
		if len(c.Fields) > 0 {
			split = append(split, Change{
				Action:     Update,
				EmployeeID: c.EmployeeID,
				UserID:     c.UserID,
				Name:       c.Name,
				Adopt:      c.Adopt,
				Fields:     c.Fields,
				Reason:     "fields of a leaver whose deactivation is held",
			})
			c.Fields = nil
			c.Adopt = false
		}
	}
	p.plan.Changes = append(p.plan.Changes, split...)
	p.plan.Issues = append(p.plan.Issues, Issue{
		Severity: SeverityError,
		Code:     CodeDeactivationsHeld,
		Message: fmt.Sprintf("all %d deactivations are held: %s. Check the source, then rerun with an allowance of at least %d deactivations",
			decision.Deactivations, decision.Reason, decision.Deactivations),
	})
}
