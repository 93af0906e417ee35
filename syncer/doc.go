// Package syncer makes a Qooper organization match an HR system.
//
// A run has two steps. Plan reads every employee from a Source and every
// user from a Target, maps the employees with a mapping.Mapper and returns a
// Plan: plain data that lists, per person, a create, an update of the
// fields that differ, a reactivation or a deactivation. Apply writes a plan
// and returns a Report with the outcome of each change. A dry run is a plan
// that is printed or saved and never applied. SyncEmployee does both steps
// for one employee, as after a webhook.
//
// # Rules
//
// Ownership lives in Qooper: a user is managed exactly when its externalId
// is set, and Qooper users without one are never touched unless an active
// employee adopts them by e-mail address. An employee matches the user with
// the same externalId, else a user with the same e-mail address and no
// externalId. An inactive employee never adopts a user, because that would
// only deactivate a user the sync never managed.
//
// The employment status in the source decides. An active employee is
// created, updated or reactivated. An inactive one is deactivated, and so
// is a managed user whose employee is gone or out of scope. A suspended
// user keeps its status. Values compare equal when they mean the
// same (white space, e-mail case, date format). A field that the source did
// not return is unknown and never clears a Qooper value.
//
// A record that cannot be mapped or validated fails alone, and its user is
// neither updated nor deactivated. Records that share an e-mail address fail
// together. A manager must be an active synced employee, else the manager is
// cleared with a warning. A self-reference or a reporting cycle leaves the
// managers of its members as they are, with an error.
//
// # Deactivation guard
//
// When a plan would deactivate more than a share of the active managed
// users (10% by default, see WithDeactivationThreshold), or any user while
// the source has no active employee, every deactivation is held: it stays
// in the plan and the report as held, and the rest applies. A held
// leaver's field changes, such as the termination date, still apply as an
// update of their own.
// WithAllowDeactivations lifts the hold for a run of up to that many
// deactivations.
//
// # Applying
//
// Apply runs creates first, managers before their reports, then updates
// and reactivations, then deactivations, with WithConcurrency writes at
// once under the clients' rate limits. Creates carry an idempotency key
// derived from the plan and the employee, and a create that conflicts with
// a user the rules allow to adopt adopts it. WithBulkCreates sends creates
// in batches of up to 100 through a Target that is a BulkCreator. One failed change never stops
// the others, except when the target rejects the credentials or the
// permission (401 or 403), which stops the run. Cancelling the context
// stops the run too; the report says what was done.
//
// # Errors
//
// Plan and SyncEmployee return an error only when a side cannot be read.
// Apply returns the report and errors.Join of the failed changes, each a
// *ChangeError; a stopped run's error matches ErrStopped.
//
// # Adapters
//
// HiBobSource and QooperTarget adapt the hibob and qooper clients. Other
// HR systems plug in through Source, and Qooper's backend may implement
// Target to write to its own store. A Source that also implements
// EmailFinder lets SyncEmployee fail an employee whose e-mail address
// another employee has, as a full run does.
package syncer
