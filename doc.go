// Package hrsync keeps a Qooper organization in step with a customer's HR
// system, starting with HiBob.
//
// The SDK is split by role:
//
//   - hibob is a typed client for HiBob's public API, with webhook
//     signature checks; hibob/hibobtest is a fake HiBob server.
//   - qooper is a typed client for the Qooper Users API;
//     qooper/qoopertest is a fake Qooper server that enforces the contract.
//   - mapping turns a HiBob employee into the desired Qooper user, through
//     rules that can come from Go code or JSON.
//   - syncer plans the changes that make Qooper match HiBob, guards
//     deactivations, applies the plan and reports each change.
//
// This package contains no code. Import the packages above.
//
// # Quick start
//
// A sync needs a client per service, a mapping and a syncer.Syncer. Create
// the clients once per customer, because each has its own rate limiter:
//
//	hibobClient, err := hibob.NewClient(hibob.Credentials{
//		ServiceUserID: os.Getenv("HIBOB_SERVICE_USER_ID"),
//		Token:         os.Getenv("HIBOB_SERVICE_USER_TOKEN"),
//	}, hibob.WithLogger(logger))
//	if err != nil {
//		return err
//	}
//	qooperClient, err := qooper.NewClient(os.Getenv("QOOPER_BASE_URL"), os.Getenv("QOOPER_API_TOKEN"),
//		qooper.WithLogger(logger))
//	if err != nil {
//		return err
//	}
//
// Neither constructor calls the network. hibob.Client.CheckPermissions
// checks the credentials and reports the fields the service user cannot
// see.
//
// Choose the mapping: mapping.Default for the standard rules, or
// mapping.ParseJSON for a document that an operator edits. ParseJSON
// rejects unknown targets and transforms before any sync runs, and
// mapping.Mapping.Validate checks the rules against HiBob's fields
// metadata. Then build the syncer from the adapters of both clients:
//
//	document, err := os.ReadFile("mapping.json")
//	if err != nil {
//		return err
//	}
//	mapper, err := mapping.ParseJSON(document)
//	if err != nil {
//		return err
//	}
//	location, err := time.LoadLocation("Europe/London") // the customer's time zone
//	if err != nil {
//		return err
//	}
//	s, err := syncer.New(syncer.NewHiBobSource(hibobClient), syncer.NewQooperTarget(qooperClient), mapper,
//		syncer.WithLogger(logger), syncer.WithLocation(location))
//	if err != nil {
//		return err
//	}
//
// Plan reads both sides and writes nothing. Print the plan, or save it as
// JSON, to review a dry run. Apply writes the changes of the plan and
// returns a report with one outcome per change:
//
//	plan, err := s.Plan(ctx)
//	if err != nil {
//		return err // a side could not be read
//	}
//	plan.WriteText(os.Stdout)
//	report, err := s.Apply(ctx, plan)
//	if errors.Is(err, syncer.ErrStopped) {
//		return err // Qooper rejected the token, or ctx ended
//	}
//	report.WriteText(os.Stdout)
//	if report.HasProblems() {
//		// Some records or changes failed, or the guard held deactivations.
//	}
//
// A Qooper user is managed by the sync exactly when its externalId is set.
// When a plan would deactivate more than 10% of the active managed users
// (the default threshold), the guard holds every deactivation, and
// syncer.WithAllowDeactivations lifts the hold for one run. For a HiBob webhook, verify the request with
// hibob.ParseWebhook and call Syncer.SyncEmployee for the employee it names.
//
// The runnable commands under examples/ embed the SDK in jobs: examples/sync
// runs one sync, or the onboarding check with -check, and runs a demo on
// the fakes when no credentials are set. examples/scheduled runs syncs on a
// daily or weekly schedule, and examples/webhook receives HiBob webhooks.
package hrsync
