package syncer

import (
	"slices"
	"strings"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// resolveManagers sets the manager change of every active person. A
// manager must be an active synced employee; otherwise the manager is
// cleared with a warning. A self-reference or a reporting cycle leaves the
// manager of each member as it is, with an error that names them.
func (p *planner) resolveManagers() {
	// Links are kept on the people themselves rather than in maps keyed by
	// id: at 100,000 people the maps dominated the time of this step.
	for _, pr := range p.order {
		if pr.failed || !pr.active {
			continue
		}
		value := pr.desired.Get(mapping.TargetManager)
		if !value.Known {
			continue
		}
		managerID, _ := value.V.(string)
		switch {
		case managerID == "":
			pr.clearManager = true
		case managerID == pr.id:
			if p.inScope(pr.id) {
				p.plan.Issues = append(p.plan.Issues, Issue{
					Severity:    SeverityError,
					Code:        CodeManagerSelf,
					Field:       mapping.TargetManager,
					EmployeeIDs: []string{pr.id},
					Message:     "employee " + pr.id + " is their own manager in the source, so the manager is left as it is",
				})
			}
		case p.failedIDs[managerID]:
			p.noteManagerIssue(pr, CodeManagerNotCreated)
		case !p.isActiveSynced(managerID) || p.people[managerID].user == nil && !p.inScope(managerID):
			// A manager with no Qooper user that this plan does not
			// create, as in SyncEmployee for a report of a new hire, is
			// not synced yet either.
			p.noteManagerIssue(pr, CodeManagerNotSynced)
			pr.clearManager = true
		default:
			pr.manager = p.people[managerID]
		}
	}

	for _, cycle := range findCycles(p.order) {
		ids := make([]string, len(cycle))
		inScope := false
		for i, member := range cycle {
			member.manager = nil
			ids[i] = member.id
			inScope = inScope || p.inScope(member.id)
		}
		if !inScope {
			continue
		}
		p.plan.Issues = append(p.plan.Issues, Issue{
			Severity:    SeverityError,
			Code:        CodeManagerCycle,
			Field:       mapping.TargetManager,
			EmployeeIDs: ids,
			Message:     "employees " + strings.Join(ids, ", ") + " form a reporting cycle in the source, so their managers are left as they are",
		})
	}

	var usersByID map[string]*qooper.User
	before := func(ref *qooper.ManagerRef) *ManagerRef {
		if usersByID == nil {
			usersByID = make(map[string]*qooper.User, len(p.in.users))
			for _, u := range p.in.users {
				usersByID[u.ID] = u
			}
		}
		return managerRefFromUser(ref, usersByID)
	}
	for _, pr := range p.order {
		if pr.change == nil || !pr.active {
			continue
		}
		var current *qooper.ManagerRef
		if pr.user != nil {
			current = pr.user.Manager
		}
		switch manager := pr.manager; {
		case manager != nil:
			if manager.user != nil && current != nil && current.ID == manager.user.ID {
				continue
			}
			after := &ManagerRef{EmployeeID: manager.id, Name: manager.name}
			if manager.user != nil {
				after.UserID = manager.user.ID
			}
			pr.change.Manager = &ManagerChange{Before: before(current), After: after}
		case pr.clearManager:
			if current != nil {
				pr.change.Manager = &ManagerChange{Before: before(current)}
			}
		}
	}
	for code, ids := range p.managerIssues {
		slices.Sort(ids)
		p.managerIssues[code] = ids
	}
}

func (p *planner) noteManagerIssue(pr *person, code string) {
	if p.inScope(pr.id) {
		p.managerIssues[code] = append(p.managerIssues[code], pr.id)
	}
}

// isActiveSynced reports whether an employee will have an active Qooper
// user after the run: mapped, in scope, active in the source and not
// failed.
func (p *planner) isActiveSynced(id string) bool {
	pr := p.people[id]
	return pr != nil && !pr.failed && pr.active
}

func managerRefFromUser(ref *qooper.ManagerRef, usersByID map[string]*qooper.User) *ManagerRef {
	if ref == nil {
		return nil
	}
	out := &ManagerRef{UserID: ref.ID}
	if ref.ExternalID != nil {
		out.EmployeeID = *ref.ExternalID
	}
	if u := usersByID[ref.ID]; u != nil {
		out.Name = userName(u)
		if out.EmployeeID == "" && u.ExternalID != nil {
			out.EmployeeID = *u.ExternalID
		}
	}
	return out
}

// findCycles returns the reporting cycles among people, following each
// person's manager link. Each cycle is sorted by employee id, and the
// cycles are sorted by their first member when people is sorted by id. It
// runs in linear time and never loops, however the links are shaped.
func findCycles(people []*person) [][]*person {
	// visit is 0 for an unvisited person, -1 once visited, and the position
	// in path plus one while on the path being walked.
	for _, pr := range people {
		pr.visit = 0
	}
	var cycles [][]*person
	var path []*person
	for _, start := range people {
		if start.visit != 0 {
			continue
		}
		path = path[:0]
		for node := start; node != nil; node = node.manager {
			if node.visit > 0 {
				cycle := slices.Clone(path[node.visit-1:])
				slices.SortFunc(cycle, func(a, b *person) int { return strings.Compare(a.id, b.id) })
				cycles = append(cycles, cycle)
				break
			}
			if node.visit < 0 {
				break
			}
			path = append(path, node)
			node.visit = len(path)
		}
		for _, pr := range path {
			pr.visit = -1
		}
	}
	slices.SortFunc(cycles, func(a, b []*person) int { return strings.Compare(a[0].id, b[0].id) })
	return cycles
}
