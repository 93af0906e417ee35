package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
)

// maxIdempotencyKeyLength is the longest Idempotency-Key that Qooper
// accepts, in bytes of printable ASCII.
const maxIdempotencyKeyLength = 255

// IdempotencyKey returns the Idempotency-Key of the create of an employee
// in a plan. The same plan and employee always give the same key, so a
// retried or repeated create never makes a second user. The key is
// "hrsync-<plan id>-<employee id>", unless that would be too long for
// Qooper or contain other than visible ASCII characters. Then it is
// "hrsync-sha256-" and the hex SHA-256 of both ids.
func IdempotencyKey(planID, employeeID string) string {
	key := "hrsync-" + planID + "-" + employeeID
	if len(key) <= maxIdempotencyKeyLength && isVisibleASCII(key) {
		return key
	}
	sum := sha256.Sum256([]byte(planID + "\x00" + employeeID))
	return "hrsync-sha256-" + hex.EncodeToString(sum[:])
}

// isVisibleASCII reports whether s contains only the characters from '!'
// to '~'.
func isVisibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// create sends one create. A 409 uniqueness conflict is resolved by
// adopting the existing user when the matching rules allow it.
func (r *applyRun) create(ctx context.Context, i int) {
	c := &r.plan.Changes[i]
	fields := fieldsForChange(c, r.resolveManager)

	user, err := r.s.target.CreateUser(ctx, fields, &qooper.CreateOptions{
		Invite:         r.s.invite,
		IdempotencyKey: IdempotencyKey(r.plan.ID, c.EmployeeID),
	})
	r.finishCreate(ctx, i, fields, user, err)
}

// createBatch sends up to MaxBulkCreates creates in one request through a
// BulkCreator. A failure of the whole request fails every create in it.
func (r *applyRun) createBatch(ctx context.Context, bulk BulkCreator, indexes []int) {
	creates := make([]BulkCreate, len(indexes))
	fields := make([]qooper.UserFields, len(indexes))
	for n, i := range indexes {
		c := &r.plan.Changes[i]
		fields[n] = fieldsForChange(c, r.resolveManager)
		creates[n] = BulkCreate{Fields: fields[n], IdempotencyKey: IdempotencyKey(r.plan.ID, c.EmployeeID)}
	}

	results, err := bulk.CreateUsers(ctx, creates)
	if err == nil && len(results) != len(creates) {
		err = fmt.Errorf("bulk create returned %d results for %d creates", len(results), len(creates))
	}
	for n, i := range indexes {
		if err != nil {
			r.finishCreate(ctx, i, fields[n], nil, err)
			continue
		}
		r.finishCreate(ctx, i, fields[n], results[n].User, results[n].Err)
	}
}

// finishCreate records the outcome of a create, adopting the existing user
// after a 409 uniqueness conflict when the matching rules allow it.
func (r *applyRun) finishCreate(ctx context.Context, i int, fields qooper.UserFields, user *qooper.User, err error) {
	c := &r.plan.Changes[i]
	message := ""
	if c.Manager != nil && c.Manager.After != nil && !fields.ManagerID.IsSet() {
		message = "created without a manager: the manager's create failed"
	}
	var apiErr *qooper.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict && apiErr.ConflictingID != "" {
		user, err = r.adopt(ctx, c, apiErr.ConflictingID, fields)
		if err == nil {
			message = "adopted existing user " + user.ID + " after a conflict"
		}
	}
	if err == nil && user == nil {
		err = errors.New("the target returned no user for a successful create")
	}
	if err != nil {
		r.failChange(ctx, i, err)
		return
	}

	r.mu.Lock()
	r.created[c.EmployeeID] = user.ID
	r.mu.Unlock()
	r.succeed(i, user.ID, message)
}

// adopt takes over the user that a create conflicted with, when that user
// has no externalId and the same e-mail address, or already carries this
// employee's id. It reactivates the user when needed and patches it to the
// fields of the create.
func (r *applyRun) adopt(ctx context.Context, c *Change, userID string, fields qooper.UserFields) (*qooper.User, error) {
	existing, err := r.s.target.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	email, _ := fields.Email.Value()
	ownedByEmployee := existing.ExternalID != nil && *existing.ExternalID == c.EmployeeID
	adoptable := (existing.ExternalID == nil || *existing.ExternalID == "") &&
		normalize(mapping.TargetEmail, existing.Email) == normalize(mapping.TargetEmail, email)
	if !ownedByEmployee && !adoptable {
		return nil, &conflictError{userID: userID}
	}
	if existing.Status == qooper.StatusDeactivated {
		if _, err := r.s.target.ReactivateUser(ctx, existing.ID); err != nil {
			return nil, err
		}
	}
	return r.s.target.UpdateUser(ctx, existing.ID, fields)
}

type conflictError struct{ userID string }

func (e *conflictError) Error() string {
	return "the e-mail address or employee id belongs to Qooper user " + e.userID + ", which is matched to another employee"
}

// update reactivates a user when the change is a reactivation, then
// patches the changed fields and the manager.
func (r *applyRun) update(ctx context.Context, i int) {
	c := &r.plan.Changes[i]
	if c.Action == Reactivate {
		if _, err := r.s.target.ReactivateUser(ctx, c.UserID); err != nil {
			r.failChange(ctx, i, err)
			return
		}
	}
	fields := fieldsForChange(c, r.resolveManager)
	if isEmpty(fields) {
		r.succeed(i, "", managerMessage(c, fields))
		return
	}
	if _, err := r.s.target.UpdateUser(ctx, c.UserID, fields); err != nil {
		if fields.ManagerID.IsSet() && isUnprocessable(err) {
			// Qooper rejects a link that would close a reporting cycle
			// with a link another change is about to replace. The
			// manager phase sends it again once the others are done.
			r.mu.Lock()
			r.pending[i] = fields
			r.mu.Unlock()
		}
		r.failChange(ctx, i, err)
		return
	}
	r.succeed(i, "", managerMessage(c, fields))
}

func managerMessage(c *Change, fields qooper.UserFields) string {
	if c.Manager != nil && c.Manager.After != nil && !fields.ManagerID.IsSet() {
		return "manager not set: the manager's create failed"
	}
	return ""
}

func isUnprocessable(err error) bool {
	var apiErr *qooper.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnprocessableEntity
}

// retryManagerLinks sends the patches that Qooper rejected with 422 again,
// in rounds, for as long as a round makes progress.
func (r *applyRun) retryManagerLinks(ctx context.Context) {
	for len(r.pending) > 0 && ctx.Err() == nil {
		indexes := make([]int, 0, len(r.pending))
		for i := range r.plan.Changes {
			if _, ok := r.pending[i]; ok {
				indexes = append(indexes, i)
			}
		}
		progress := false
		r.runPhase(ctx, "manager", indexes, func(ctx context.Context, i int) {
			r.mu.Lock()
			fields := r.pending[i]
			r.mu.Unlock()
			_, err := r.s.target.UpdateUser(ctx, r.plan.Changes[i].UserID, fields)
			r.mu.Lock()
			defer r.mu.Unlock()
			if err != nil {
				if !isUnprocessable(err) {
					delete(r.pending, i)
				}
				return
			}
			delete(r.pending, i)
			progress = true
			r.errs = removeChangeError(r.errs, &r.plan.Changes[i])
			result := &r.report.Results[i]
			result.Outcome, result.Code, result.Message = Applied, "", ""
		})
		if !progress {
			break
		}
	}
	r.mu.Lock()
	clear(r.pending)
	r.mu.Unlock()
}

// removeChangeError drops the error recorded for change c.
func removeChangeError(errs []error, c *Change) []error {
	out := errs[:0]
	for _, err := range errs {
		var changeErr *ChangeError
		if errors.As(err, &changeErr) && changeErr.EmployeeID == c.EmployeeID && changeErr.Action == c.Action {
			continue
		}
		out = append(out, err)
	}
	return out
}

// deactivate patches the changed fields of a leaver, then deactivates the
// user. A user that is already gone counts as done; a suspended user keeps
// its status.
func (r *applyRun) deactivate(ctx context.Context, i int) {
	c := &r.plan.Changes[i]
	var patchErr error
	if fields := fieldsForChange(c, nil); !isEmpty(fields) {
		_, patchErr = r.s.target.UpdateUser(ctx, c.UserID, fields)
		if patchErr != nil && (isFatal(patchErr) || ctx.Err() != nil) {
			r.failChange(ctx, i, patchErr)
			return
		}
	}

	opts := &qooper.DeactivateOptions{}
	if c.Deactivation != nil {
		opts.Reason = c.Deactivation.Reason
		opts.EffectiveDate = c.Deactivation.EffectiveDate
	}
	_, err := r.s.target.DeactivateUser(ctx, c.UserID, opts)
	switch {
	case errors.Is(err, qooper.ErrNotFound):
		r.succeed(i, "", "user not found in Qooper, so there is nothing to deactivate")
	case errors.Is(err, qooper.ErrSuspended):
		r.skip(i, "suspended", "user is suspended in Qooper and keeps that status")
	case err != nil:
		r.failChange(ctx, i, err)
	case patchErr != nil:
		r.failChange(ctx, i, patchErr)
	default:
		r.succeed(i, "", "")
	}
}
