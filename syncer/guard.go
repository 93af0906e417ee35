package syncer

import (
	"fmt"
	"math"
	"slices"

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
	p.keepManagersOfHeldLeavers()
	p.plan.Issues = append(p.plan.Issues, Issue{
		Severity: SeverityError,
		Code:     CodeDeactivationsHeld,
		Message: fmt.Sprintf("all %d deactivations are held: %s. Check the source, then rerun with an allowance of at least %d deactivations",
			decision.Deactivations, decision.Reason, decision.Deactivations),
	})
}

// keepManagersOfHeldLeavers drops the manager clears that point at users
// whose deactivation is held: those managers stay active in Qooper, so
// their reports keep them until the deactivations apply.
func (p *planner) keepManagersOfHeldLeavers() {
	held := make(map[string]bool)
	for i := range p.plan.Changes {
		if c := &p.plan.Changes[i]; c.Held {
			held[c.UserID] = true
		}
	}
	kept := make(map[string]bool)
	changes := p.plan.Changes[:0]
	for _, c := range p.plan.Changes {
		m := c.Manager
		if m != nil && m.After == nil && m.Before != nil && held[m.Before.UserID] {
			c.Manager = nil
			kept[c.EmployeeID] = true
			if c.Action == Update && len(c.Fields) == 0 {
				p.plan.Unchanged++
				continue
			}
		}
		changes = append(changes, c)
	}
	p.plan.Changes = changes
	if len(kept) == 0 {
		return
	}
	issues := p.plan.Issues[:0]
	for _, issue := range p.plan.Issues {
		if issue.Code == CodeManagerNotSynced {
			issue.EmployeeIDs = slices.DeleteFunc(issue.EmployeeIDs, func(id string) bool { return kept[id] })
			if len(issue.EmployeeIDs) == 0 {
				continue
			}
		}
		issues = append(issues, issue)
	}
	p.plan.Issues = issues
}
