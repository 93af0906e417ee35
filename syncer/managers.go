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
	usersByID := make(map[string]*qooper.User, len(p.in.users))
	for _, u := range p.in.users {
		usersByID[u.ID] = u
	}

	edges := make(map[string]string)
	clear := make(map[string]bool)
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
			clear[pr.id] = true
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
			clear[pr.id] = true
		default:
			edges[pr.id] = managerID
		}
	}

	for _, cycle := range findCycles(edges) {
		inScope := false
		for _, id := range cycle {
			delete(edges, id)
			inScope = inScope || p.inScope(id)
		}
		if !inScope {
			continue
		}
		p.plan.Issues = append(p.plan.Issues, Issue{
			Severity:    SeverityError,
			Code:        CodeManagerCycle,
			Field:       mapping.TargetManager,
			EmployeeIDs: cycle,
			Message:     "employees " + strings.Join(cycle, ", ") + " form a reporting cycle in the source, so their managers are left as they are",
		})
	}

	for _, pr := range p.order {
		if pr.change == nil || !pr.active {
			continue
		}
		var current *qooper.ManagerRef
		if pr.user != nil {
			current = pr.user.Manager
		}
		switch managerID, linked := edges[pr.id]; {
		case linked:
			manager := p.people[managerID]
			if manager.user != nil && current != nil && current.ID == manager.user.ID {
				continue
			}
			after := &ManagerRef{EmployeeID: managerID, Name: manager.name}
			if manager.user != nil {
				after.UserID = manager.user.ID
			}
			pr.change.Manager = &ManagerChange{Before: managerRefFromUser(current, usersByID), After: after}
		case clear[pr.id]:
			if current != nil {
				pr.change.Manager = &ManagerChange{Before: managerRefFromUser(current, usersByID)}
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

// findCycles returns the reporting cycles in edges, which maps an employee
// to their manager. Each cycle is sorted, and the cycles are sorted by their
// first member. It runs in linear time and never loops, however the edges
// are shaped.
func findCycles(edges map[string]string) [][]string {
	// state is 0 for an unvisited employee, -1 once visited, and the
	// position in path plus one while on the path being walked.
	state := make(map[string]int, len(edges))
	starts := make([]string, 0, len(edges))
	for id := range edges {
		starts = append(starts, id)
	}
	slices.Sort(starts)

	var cycles [][]string
	var path []string
	for _, start := range starts {
		if state[start] != 0 {
			continue
		}
		path = path[:0]
		node := start
		for {
			mark := state[node]
			if mark > 0 {
				cycle := slices.Clone(path[mark-1:])
				slices.Sort(cycle)
				cycles = append(cycles, cycle)
				break
			}
			if mark < 0 {
				break
			}
			path = append(path, node)
			state[node] = len(path)
			next, ok := edges[node]
			if !ok {
				break
			}
			node = next
		}
		for _, id := range path {
			state[id] = -1
		}
	}
	slices.SortFunc(cycles, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return cycles
}
