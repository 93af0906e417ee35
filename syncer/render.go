package syncer

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

var actionSymbols = map[Action]string{
	NoOp:       "=",
	Create:     "+",
	Update:     "~",
	Reactivate: "^",
	Deactivate: "-",
}

// WriteText writes the plan as a short table: a summary line, one line per
// change with the fields it changes below it (a create lists only the
// person), then failures and issues.
func (p *Plan) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Plan %s for %s: %d to create, %d to update, %d to reactivate, %d to deactivate",
		p.ID, p.Today, p.Count(Create), p.Count(Update), p.Count(Reactivate), p.Count(Deactivate))
	if held := p.Held(); held > 0 {
		fmt.Fprintf(&b, " (%d held)", held)
	}
	fmt.Fprintf(&b, ", %d unchanged, %d inactive without a Qooper user, %d out of scope, %d records failed\n",
		p.Unchanged, p.InactiveWithoutUser, p.OutOfScope, len(p.Failures))

	for i := range p.Changes {
		writeChange(&b, &p.Changes[i])
	}
	for _, f := range p.Failures {
		fmt.Fprintf(&b, "! failed      %s  %s", personLabel(f.Name, f.EmployeeID), f.Code)
		if f.Field != "" {
			fmt.Fprintf(&b, " (%s)", f.Field)
		}
		fmt.Fprintf(&b, ": %s\n", f.Message)
	}
	writeIssues(&b, p.Issues)
	_, err := w.Write(b.Bytes())
	return err
}

// String returns the text form of the plan.
func (p *Plan) String() string {
	var b strings.Builder
	_ = p.WriteText(&b)
	return b.String()
}

func writeChange(b *bytes.Buffer, c *Change) {
	fmt.Fprintf(b, "%s %-11s %s", actionSymbols[c.Action], c.Action, personLabel(c.Name, c.EmployeeID))
	if c.EmployeeID == "" && c.UserID != "" {
		fmt.Fprintf(b, "  user %s", c.UserID)
	}
	if c.Held {
		b.WriteString("  [held]")
	}
	if c.Reason != "" {
		fmt.Fprintf(b, "  (%s)", c.Reason)
	}
	b.WriteByte('\n')
	if c.Action == Create {
		return
	}
	for _, fc := range c.Fields {
		fmt.Fprintf(b, "      %s: %s → %s\n", fc.Field, formatValue(fc.Before), formatValue(fc.After))
	}
	if c.Manager != nil {
		fmt.Fprintf(b, "      manager: %s → %s\n", formatManager(c.Manager.Before), formatManager(c.Manager.After))
	}
}

func writeIssues(b *bytes.Buffer, issues []Issue) {
	for _, issue := range issues {
		fmt.Fprintf(b, "%s %s", issue.Severity, issue.Code)
		if issue.Field != "" {
			fmt.Fprintf(b, " (%s)", issue.Field)
		}
		fmt.Fprintf(b, ": %s", issue.Message)
		if n := len(issue.EmployeeIDs); n > 0 {
			const shown = 5
			ids := issue.EmployeeIDs
			if n > shown {
				ids = ids[:shown]
			}
			fmt.Fprintf(b, " [%s", strings.Join(ids, ", "))
			if n > shown {
				fmt.Fprintf(b, " and %d more", n-shown)
			}
			b.WriteByte(']')
		}
		b.WriteByte('\n')
	}
}

// personLabel returns "Name  (3332883884017713938)": the name and the
// employee id. The id is shown whole because HiBob ids of one company
// share their leading digits.
func personLabel(name, employeeID string) string {
	if name == "" {
		name = "(no name)"
	}
	if employeeID == "" {
		return name
	}
	return name + "  (" + employeeID + ")"
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

func formatManager(ref *ManagerRef) string {
	if ref == nil {
		return "null"
	}
	id := ref.EmployeeID
	if id == "" {
		id = ref.UserID
	}
	if ref.Name == "" {
		return id
	}
	return strconv.Quote(ref.Name) + " (" + id + ")"
}

// WriteText writes a summary of the report: counts per action and outcome,
// then every change that did not apply, then failures and issues.
func (r *Report) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Run %s: %d changes applied, %d failed, %d skipped, %d held; %d unchanged; %d records failed before any write (%d ms)\n",
		r.RunID, r.Count(Applied), r.Count(Failed), r.Count(Skipped), r.Count(Held), r.Unchanged, len(r.Failures), r.DurationMS)
	for _, action := range []Action{Create, Update, Reactivate, Deactivate} {
		counts := r.Counts[action.String()]
		if len(counts) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %-11s applied %d, failed %d, skipped %d, held %d\n",
			action, counts[Applied], counts[Failed], counts[Skipped], counts[Held])
	}
	if r.Stopped != "" {
		fmt.Fprintf(&b, "stopped: %s\n", r.Stopped)
	}
	for _, result := range r.Results {
		if result.Outcome == Applied {
			continue
		}
		fmt.Fprintf(&b, "%s %-11s %s  %s", actionSymbols[result.Action], result.Action, personLabel(result.Name, result.EmployeeID), result.Outcome)
		if result.Code != "" {
			fmt.Fprintf(&b, " %s", result.Code)
		}
		if result.Message != "" {
			fmt.Fprintf(&b, ": %s", result.Message)
		}
		b.WriteByte('\n')
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "! failed      %s  %s: %s\n", personLabel(f.Name, f.EmployeeID), f.Code, f.Message)
	}
	writeIssues(&b, r.Issues)
	_, err := w.Write(b.Bytes())
	return err
}
