package syncer

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// planInput is the planner's input: the source records, the list labels
// and the Qooper users, all fetched before planning starts.
type planInput struct {
	records []mapping.Record
	lists   mapping.Lists
	users   []*qooper.User
	// only limits the changes to these employee ids; nil plans everyone.
	// Records outside it still serve to resolve managers.
	only map[string]bool
	// fields are the source field ids that were requested.
	fields []string
}

// person is one mapped, in-scope source employee during planning.
type person struct {
	id      string
	desired *mapping.User
	active  bool
	name    string
	// user is the matched Qooper user, nil when there is none.
	user  *qooper.User
	adopt bool
	// failed is set once the record fails; it then gets no change.
	failed bool
	change *Change
	// manager is the person's desired manager when that manager is an
	// active synced employee, and clearManager is set when the manager must
	// be cleared.
	manager      *person
	clearManager bool
	// visit is findCycles' mark.
	visit int
}

// planner builds one Plan. It is not safe for concurrent use.
type planner struct {
	s      *Syncer
	in     planInput
	plan   *Plan
	people map[string]*person
	order  []*person
	// failedIDs holds the employee ids whose records failed, so that their
	// Qooper users are neither updated nor deactivated.
	failedIDs     map[string]bool
	outOfScopeIDs map[string]bool
	byExternalID  map[string]*qooper.User
	byEmail       map[string]*qooper.User
	matchedUsers  map[string]bool
	managerIssues map[string][]string
}

// buildPlan maps the records, matches them to Qooper users and decides one
// change per person. It does no I/O.
func (s *Syncer) buildPlan(id string, in planInput) *Plan {
	p := &planner{
		s:             s,
		in:            in,
		plan:          &Plan{ID: id, CreatedAt: s.now().UTC(), Today: s.today(), Partial: in.only != nil},
		people:        make(map[string]*person, len(in.records)),
		failedIDs:     make(map[string]bool),
		outOfScopeIDs: make(map[string]bool),
		byExternalID:  make(map[string]*qooper.User, len(in.users)),
		byEmail:       make(map[string]*qooper.User, len(in.users)),
		matchedUsers:  make(map[string]bool, len(in.users)),
		managerIssues: make(map[string][]string),
	}
	p.indexUsers()
	p.mapRecords()
	p.reportMissingFields()
	p.failDuplicateEmails()
	p.matchUsers()
	p.decide()
	p.resolveManagers()
	p.collectChanges()
	p.deactivateMissing()
	p.applyGuard()
	p.sortPlan()
	return p.plan
}

// indexUsers indexes the Qooper users by externalId and by lower-case
// e-mail. Users are visited in id order, so that the first of two users
// sharing a key wins the same way on every run.
func (p *planner) indexUsers() {
	users := slices.Clone(p.in.users)
	slices.SortFunc(users, func(a, b *qooper.User) int { return strings.Compare(a.ID, b.ID) })
	for _, u := range users {
		if u.ExternalID != nil && *u.ExternalID != "" {
			if _, taken := p.byExternalID[*u.ExternalID]; !taken {
				p.byExternalID[*u.ExternalID] = u
			}
		}
		if email := normalize(mapping.TargetEmail, u.Email); email != "" {
			if _, taken := p.byEmail[email]; !taken {
				p.byEmail[email] = u
			}
		}
	}
	p.in.users = users
}

// mapRecords maps every record. A record that fails to map fails alone.
func (p *planner) mapRecords() {
	// Each id is read once: a Record may look it up in a large decoded
	// document.
	ids := make([]string, len(p.in.records))
	seen := make(map[string]int, len(p.in.records))
	for i, rec := range p.in.records {
		ids[i] = rec.ID()
		seen[ids[i]]++
	}
	mapped := p.mapAll(ids)
	for i := range p.in.records {
		id := ids[i]
		if id == "" {
			p.fail(&person{}, CodeMappingFailed, "root.id", "record has no employee id")
			continue
		}
		if seen[id] > 1 {
			if _, done := p.people[id]; !done {
				pr := &person{id: id}
				p.people[id] = pr
				p.fail(pr, CodeMappingFailed, "root.id", fmt.Sprintf("employee id %s appears %d times in the source", id, seen[id]))
			}
			continue
		}
		desired, err := mapped[i].user, mapped[i].err
		if errors.Is(err, mapping.ErrOutOfScope) {
			p.outOfScopeIDs[id] = true
			if p.in.only == nil || p.in.only[id] {
				p.plan.OutOfScope++
			}
			continue
		}
		pr := &person{id: id, desired: desired}
		p.people[id] = pr
		p.order = append(p.order, pr)
		if err != nil {
			p.fail(pr, CodeMappingFailed, mappingErrorField(err), err.Error())
			continue
		}
		pr.name = displayName(desired)
		status := desired.Get(mapping.TargetStatus)
		switch {
		case !status.Known:
			p.fail(pr, CodeStatusUnknown, mapping.TargetStatus, "the source returned no employment status")
		case status.V == mapping.StatusActive:
			pr.active = true
		case status.V == mapping.StatusInactive:
		default:
			p.fail(pr, CodeStatusUnknown, mapping.TargetStatus, fmt.Sprintf("unknown employment status %v", status.V))
		}
	}
	slices.SortFunc(p.order, func(a, b *person) int { return strings.Compare(a.id, b.id) })
}

// mappingErrorField returns the target field of the first rule that failed,
// or the source field of a scope filter that failed, or "" when err names
// no field.
func mappingErrorField(err error) string {
	var fieldErr *mapping.FieldError
	if !errors.As(err, &fieldErr) {
		return ""
	}
	if fieldErr.Target != "" {
		return fieldErr.Target
	}
	return fieldErr.Source
}

// mapResult is the outcome of mapping one record.
type mapResult struct {
	user *mapping.User
	err  error
}

// minParallelRecords is the number of records from which mapAll spreads
// the work over several goroutines; below it the goroutines cost more than
// they save.
const minParallelRecords = 2048

// mapAll maps every record with an id, on as many goroutines as the
// process may run at once. Mappers are pure, so the result does not depend
// on the split.
func (p *planner) mapAll(ids []string) []mapResult {
	results := make([]mapResult, len(p.in.records))
	mapRange := func(from, to int) {
		for i := from; i < to; i++ {
			if ids[i] != "" {
				results[i].user, results[i].err = p.s.mapper.Map(p.in.records[i], p.in.lists)
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if len(ids) < minParallelRecords || workers < 2 {
		mapRange(0, len(ids))
		return results
	}
	var wg sync.WaitGroup
	chunk := (len(ids) + workers - 1) / workers
	for from := 0; from < len(ids); from += chunk {
		to := min(from+chunk, len(ids))
		wg.Add(1)
		go func() {
			defer wg.Done()
			mapRange(from, to)
		}()
	}
	wg.Wait()
	return results
}

// reportMissingFields warns once about every requested field that no record
// returned, which usually means the service user may not see it. Such a
// field is unknown for everyone and clears nothing.
func (p *planner) reportMissingFields() {
	if p.in.only != nil || len(p.in.records) == 0 {
		return
	}
	for _, field := range p.in.fields {
		if field == "root.id" {
			continue
		}
		returned := false
		for _, rec := range p.in.records {
			if _, present := rec.Field(field); present {
				returned = true
				break
			}
		}
		if !returned {
			p.plan.Issues = append(p.plan.Issues, Issue{
				Severity: SeverityWarning,
				Code:     CodeFieldNotReturned,
				Field:    field,
				Message:  fmt.Sprintf("no record returned %s; check that the HiBob service user may view it. Its Qooper values are left as they are", field),
			})
		}
	}
}

// failDuplicateEmails fails every record whose e-mail address another
// record also has. An inactive record with no Qooper user is left out,
// because it leads to no write, so a former employee whose address was
// given to a new hire does not block the new hire.
func (p *planner) failDuplicateEmails() {
	holders := make(map[string][]*person)
	for _, pr := range p.order {
		if pr.failed {
			continue
		}
		if !pr.active && p.byExternalID[pr.id] == nil {
			continue
		}
		email := normalize(mapping.TargetEmail, valueString(pr.desired.Get(mapping.TargetEmail)))
		if email == "" {
			continue
		}
		holders[email] = append(holders[email], pr)
	}
	for _, group := range holders {
		if len(group) < 2 {
			continue
		}
		ids := make([]string, len(group))
		for i, pr := range group {
			ids[i] = pr.id
		}
		for _, pr := range group {
			p.fail(pr, CodeDuplicateEmail, mapping.TargetEmail,
				fmt.Sprintf("e-mail address is shared by employees %s", strings.Join(ids, ", ")))
		}
	}
}

// matchUsers pairs each person with a Qooper user: by externalId, else by
// e-mail with a user that has no externalId, which the sync adopts.
func (p *planner) matchUsers() {
	for _, pr := range p.order {
		if u := p.byExternalID[pr.id]; u != nil {
			pr.user = u
			p.matchedUsers[u.ID] = true
		}
	}
	for _, pr := range p.order {
		if pr.failed {
			continue
		}
		email := normalize(mapping.TargetEmail, valueString(pr.desired.Get(mapping.TargetEmail)))
		if email == "" {
			continue
		}
		owner := p.byEmail[email]
		if owner == nil || owner == pr.user {
			continue
		}
		if !pr.active {
			// An inactive employee neither adopts a user nor conflicts
			// with one. Adopting would only deactivate a user the sync
			// never managed, such as an administrator with a reused
			// address, and a conflict would keep a leaver's own user
			// active.
			continue
		}
		if pr.user == nil && (owner.ExternalID == nil || *owner.ExternalID == "") && !p.matchedUsers[owner.ID] {
			pr.user = owner
			pr.adopt = true
			p.matchedUsers[owner.ID] = true
			continue
		}
		p.fail(pr, CodeEmailConflict, mapping.TargetEmail,
			fmt.Sprintf("e-mail address belongs to Qooper user %s, which is matched to another employee", owner.ID))
	}
}

// decide sets each person's action and field changes. Managers are
// resolved afterwards.
func (p *planner) decide() {
	for _, pr := range p.order {
		if pr.failed || !p.inScope(pr.id) {
			continue
		}
		if pr.user == nil {
			if pr.active {
				p.planCreate(pr)
			} else {
				p.plan.InactiveWithoutUser++
			}
			continue
		}
		p.planExisting(pr)
	}
}

func (p *planner) inScope(id string) bool {
	return p.in.only == nil || p.in.only[id]
}

func (p *planner) planCreate(pr *person) {
	change := &Change{Action: Create, EmployeeID: pr.id, Name: pr.name}
	attributes := customAttributeKeys(pr.desired)
	change.Fields = make([]FieldChange, 0, 1+len(stringFields)+len(attributes))
	change.Fields = append(change.Fields, FieldChange{Field: mapping.TargetExternalID, After: pr.id})
	for _, field := range stringFields {
		value := pr.desired.Get(field)
		if !value.Known || value.V == nil {
			continue
		}
		change.Fields = append(change.Fields, FieldChange{Field: field, After: value.V})
	}
	for _, key := range attributes {
		value := pr.desired.Get(key)
		if value.V == nil {
			continue
		}
		change.Fields = append(change.Fields, FieldChange{Field: key, After: value.V})
	}
	if start := valueString(pr.desired.Get(mapping.TargetStartDate)); start > p.plan.Today {
		change.Reason = "starts " + start
	}
	if email := pr.desired.Get(mapping.TargetEmail); !email.Known || valueString(email) == "" {
		p.fail(pr, CodeMissingEmail, mapping.TargetEmail,
			"the source record has no e-mail address, which Qooper requires; add one in HiBob")
		return
	}
	if err := fieldsForChange(change, nil).Validate(true); err != nil {
		p.failValidation(pr, err)
		return
	}
	pr.change = change
}

func (p *planner) planExisting(pr *person) {
	u := pr.user
	change := &Change{Action: Update, EmployeeID: pr.id, UserID: u.ID, Name: pr.name, Adopt: pr.adopt}
	if pr.adopt {
		change.Fields = append(change.Fields, FieldChange{Field: mapping.TargetExternalID, Before: nil, After: pr.id})
		change.Reason = "adopt by e-mail"
	}
	for _, field := range stringFields {
		value := pr.desired.Get(field)
		if !value.Known {
			continue
		}
		current := currentString(u, field)
		if stringEqual(field, current, value.V) {
			continue
		}
		if field == mapping.TargetEmail && !pr.active && p.emailTakenByOther(value, u) {
			// A leaver keeps the old address rather than fail on one that
			// Qooper has given to someone else.
			continue
		}
		change.Fields = append(change.Fields, FieldChange{Field: field, Before: stringPointerValue(current), After: value.V})
	}
	for _, key := range customAttributeKeys(pr.desired) {
		value := pr.desired.Get(key)
		name := strings.TrimPrefix(key, mapping.CustomAttributePrefix)
		current, present := u.CustomAttributes[name]
		if attributeEqual(current, present, value.V) {
			continue
		}
		var before any
		if present {
			before = current
		}
		change.Fields = append(change.Fields, FieldChange{Field: key, Before: before, After: value.V})
	}

	switch {
	case pr.active && u.Status == qooper.StatusDeactivated:
		change.Action = Reactivate
		change.Reason = joinReason(change.Reason, "rehire")
	case !pr.active && u.Status == qooper.StatusActive:
		change.Action = Deactivate
		change.Reason = joinReason(change.Reason, "inactive in source")
		change.Deactivation = &Deactivation{
			Reason:        "terminated",
			EffectiveDate: p.effectiveDate(pr),
		}
	}
	if pr.active {
		if end := valueString(pr.desired.Get(mapping.TargetTerminationDate)); end != "" && end >= p.plan.Today {
			change.Reason = joinReason(change.Reason, "leaves "+end)
		}
	}
	if len(change.Fields) > 0 {
		if err := fieldsForChange(change, nil).Validate(false); err != nil {
			p.failValidation(pr, err)
			return
		}
	}
	pr.change = change
}

// emailTakenByOther reports whether another Qooper user than u has the
// e-mail address in value.
func (p *planner) emailTakenByOther(value mapping.Value, u *qooper.User) bool {
	owner := p.byEmail[normalize(mapping.TargetEmail, valueString(value))]
	return owner != nil && owner != u
}

// effectiveDate returns the date sent with a deactivation: the termination
// date when the source has one that is not in the future, else today.
func (p *planner) effectiveDate(pr *person) string {
	end := normalize(mapping.TargetTerminationDate, valueString(pr.desired.Get(mapping.TargetTerminationDate)))
	if end != "" && end <= p.plan.Today {
		return end
	}
	return p.plan.Today
}

func joinReason(reason, more string) string {
	if reason == "" {
		return more
	}
	return reason + "; " + more
}

// deactivateMissing deactivates managed Qooper users whose employee is
// absent from the source or out of scope. A user whose record failed, a
// suspended user and a user without externalId are left alone.
func (p *planner) deactivateMissing() {
	for _, u := range p.in.users {
		if u.ExternalID == nil || *u.ExternalID == "" || p.matchedUsers[u.ID] {
			continue
		}
		externalID := *u.ExternalID
		if p.byExternalID[externalID] != u || p.failedIDs[externalID] || u.Status != qooper.StatusActive {
			continue
		}
		if p.in.only != nil && !p.in.only[externalID] {
			continue
		}
		if _, present := p.people[externalID]; present {
			continue
		}
		reason := "not in source"
		if p.outOfScopeIDs[externalID] {
			reason = "out of scope"
		}
		p.plan.Changes = append(p.plan.Changes, Change{
			Action:       Deactivate,
			EmployeeID:   externalID,
			UserID:       u.ID,
			Name:         userName(u),
			Reason:       reason,
			Deactivation: &Deactivation{EffectiveDate: p.plan.Today},
		})
	}
}

func (p *planner) collectChanges() {
	if p.plan.Changes == nil {
		p.plan.Changes = make([]Change, 0, len(p.order)/8)
	}
	for _, pr := range p.order {
		if pr.failed || !p.inScope(pr.id) {
			continue
		}
		c := pr.change
		if c == nil {
			continue
		}
		if c.Action == Update && len(c.Fields) == 0 && c.Manager == nil {
			p.plan.Unchanged++
			continue
		}
		p.plan.Changes = append(p.plan.Changes, *c)
	}
	for _, code := range []string{CodeManagerNotSynced, CodeManagerNotCreated} {
		ids := p.managerIssues[code]
		if len(ids) == 0 {
			continue
		}
		message := "manager is not an active synced employee, so the manager is cleared"
		if code == CodeManagerNotCreated {
			message = "manager's record failed in this run, so the manager is left as it is"
		}
		p.plan.Issues = append(p.plan.Issues, Issue{
			Severity:    SeverityWarning,
			Code:        code,
			Field:       mapping.TargetManager,
			EmployeeIDs: ids,
			Message:     message,
		})
	}
}

func (p *planner) sortPlan() {
	sort.SliceStable(p.plan.Changes, func(i, j int) bool {
		a, b := &p.plan.Changes[i], &p.plan.Changes[j]
		return cmp.Or(
			cmp.Compare(a.Action, b.Action),
			strings.Compare(a.EmployeeID, b.EmployeeID),
			strings.Compare(a.UserID, b.UserID),
		) < 0
	})
	slices.SortFunc(p.plan.Failures, func(a, b Failure) int {
		return cmp.Or(strings.Compare(a.EmployeeID, b.EmployeeID), strings.Compare(a.Code, b.Code))
	})
	slices.SortStableFunc(p.plan.Issues, func(a, b Issue) int {
		return cmp.Or(strings.Compare(string(a.Severity), string(b.Severity)), strings.Compare(a.Code, b.Code), strings.Compare(a.Field, b.Field))
	})
}

// fail records a failure for pr, once per record.
func (p *planner) fail(pr *person, code, field, message string) {
	if pr.failed {
		return
	}
	pr.failed = true
	if pr.id != "" {
		p.failedIDs[pr.id] = true
		if !p.inScope(pr.id) {
			return
		}
	}
	failure := Failure{EmployeeID: pr.id, Name: pr.name, Code: code, Field: field, Message: message}
	if pr.user != nil {
		failure.UserID = pr.user.ID
	} else if u := p.byExternalID[pr.id]; u != nil {
		failure.UserID = u.ID
	}
	p.plan.Failures = append(p.plan.Failures, failure)
}

func (p *planner) failValidation(pr *person, err error) {
	var validation *qooper.ValidationError
	field := ""
	if errors.As(err, &validation) && len(validation.Errors) > 0 {
		field = validation.Errors[0].Field
	}
	p.fail(pr, CodeInvalidValue, field, err.Error())
}

// customAttributeKeys returns the desired user's custom attribute targets,
// sorted.
func customAttributeKeys(u *mapping.User) []string {
	var keys []string
	for key, value := range u.Values {
		if value.Known && strings.HasPrefix(key, mapping.CustomAttributePrefix) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// displayName returns a name to show for a desired user.
func displayName(u *mapping.User) string {
	if name := valueString(u.Get(mapping.TargetDisplayName)); name != "" {
		return name
	}
	first := valueString(u.Get(mapping.TargetFirstName))
	last := valueString(u.Get(mapping.TargetLastName))
	if name := strings.TrimSpace(first + " " + last); name != "" {
		return name
	}
	return ""
}

func userName(u *qooper.User) string {
	if u.DisplayName != nil && *u.DisplayName != "" {
		return *u.DisplayName
	}
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}
