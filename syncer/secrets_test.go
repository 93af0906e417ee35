package syncer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/mapping"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
	"github.com/qooper/hrsync/syncer"
)

// Distinctive credentials, so that any leak shows up in a substring
// search.
const (
	secretHiBobUserID       = "SERVICE-LEAKCHECK-4711"
	secretHiBobToken        = "hbtok-Zq81LeakCheck-Xv2"
	secretHiBobPartnerToken = "hbpartner-Wn35LeakCheck-Rb9"
	secretHiBobWrongToken   = "hbwrong-Pk67LeakCheck-Jd4"
	secretQooperToken       = "qptok-Tm42LeakCheck-Hs8"
	secretQooperWrongToken  = "qpwrong-Lc93LeakCheck-Fe1"
	secretQooperReadOnly    = "qpreadonly-Gy28LeakCheck-Nu5"
)

// secretForms returns every credential in each form that could leak: as
// it is, and in the Authorization values that carry it.
func secretForms() []string {
	basic := func(token string) string {
		return base64.StdEncoding.EncodeToString([]byte(secretHiBobUserID + ":" + token))
	}
	forms := []string{secretHiBobToken, secretHiBobPartnerToken, secretHiBobWrongToken}
	for _, token := range []string{secretHiBobToken, secretHiBobWrongToken} {
		forms = append(forms, basic(token), "Basic "+basic(token))
	}
	for _, token := range []string{secretQooperToken, secretQooperWrongToken, secretQooperReadOnly} {
		forms = append(forms, token, "Bearer "+token)
	}
	return forms
}

// leakCheck collects everything a sync prints, encodes or logs.
type leakCheck struct {
	mu      sync.Mutex
	logs    bytes.Buffer
	outputs map[string]string
}

func (l *leakCheck) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.logs.Write(p)
}

func (l *leakCheck) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// add records the %v, %+v and %#v forms of value under name.
func (l *leakCheck) add(name string, value any) {
	l.outputs[name+" %v"] = fmt.Sprintf("%v", value)
	l.outputs[name+" %+v"] = fmt.Sprintf("%+v", value)
	l.outputs[name+" %#v"] = fmt.Sprintf("%#v", value)
}

// addJSON records the JSON encoding of value under name.
func (l *leakCheck) addJSON(t *testing.T, name string, value any) {
	t.Helper()
	encoded, err := json.Marshal(value)
	require.NoError(t, err, name)
	l.outputs[name+" JSON"] = string(encoded)
}

// addError records err and every error in its tree, in each format.
func (l *leakCheck) addError(name string, err error) {
	if err == nil {
		return
	}
	l.outputs[name+" Error()"] = err.Error()
	l.add(name, err)
	switch wrapped := err.(type) {
	case interface{ Unwrap() error }:
		l.addError(name+"/unwrap", wrapped.Unwrap())
	case interface{ Unwrap() []error }:
		for i, inner := range wrapped.Unwrap() {
			l.addError(fmt.Sprintf("%s/unwrap[%d]", name, i), inner)
		}
	}
}

// addPlan records a plan as JSON and text.
func (l *leakCheck) addPlan(t *testing.T, name string, plan *syncer.Plan) {
	t.Helper()
	if plan == nil {
		return
	}
	l.addJSON(t, name, plan)
	l.outputs[name+" text"] = plan.String()
}

// addReport records a report as JSON and text, in each format.
func (l *leakCheck) addReport(t *testing.T, name string, report *syncer.Report) {
	t.Helper()
	if report == nil {
		return
	}
	l.addJSON(t, name, report)
	var text bytes.Buffer
	require.NoError(t, report.WriteText(&text))
	l.outputs[name+" text"] = text.String()
	l.add(name, report)
}

// run plans and applies with s, recording everything under name, and
// returns the error.
func (l *leakCheck) run(t *testing.T, ctx context.Context, name string, s *syncer.Syncer) error {
	t.Helper()
	plan, err := s.Plan(ctx)
	l.addPlan(t, name+" plan", plan)
	l.addError(name+" plan error", err)
	if err != nil {
		return err
	}
	report, err := s.Apply(ctx, plan)
	l.addReport(t, name+" report", report)
	l.addError(name+" apply error", err)
	return err
}

// secretsRig is a pair of fakes that accept the distinctive credentials,
// and the clients that use them.
type secretsRig struct {
	check   *leakCheck
	company *hibobtest.Company
	hibob   *hibobtest.Server
	qooper  *qoopertest.Server
}

func (r *secretsRig) hibobClient(t *testing.T, token string) *hibob.Client {
	t.Helper()
	credentials := hibob.Credentials{ServiceUserID: secretHiBobUserID, Token: token, PartnerToken: secretHiBobPartnerToken}
	client, err := hibob.NewClient(credentials,
		hibob.WithBaseURL(r.hibob.URL()),
		hibob.WithHTTPClient(r.hibob.HTTPClient()),
		hibob.WithRateLimit(rate.Inf, 1),
		hibob.WithRetryPolicy(hibob.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond, MaxServerWait: time.Millisecond}),
		hibob.WithPartnerTokenHeader("X-Partner-Token"),
		hibob.WithLogger(r.check.logger()))
	require.NoError(t, err)
	r.check.add("hibob credentials", credentials)
	r.check.add("hibob credentials pointer", &credentials)
	r.check.addJSON(t, "hibob credentials", credentials)
	r.check.add("hibob client", client)
	r.check.add("hibob client value", *client)
	return client
}

func (r *secretsRig) qooperClient(t *testing.T, token string) *qooper.Client {
	t.Helper()
	client, err := qooper.NewClient(r.qooper.URL(), token,
		qooper.WithHTTPClient(r.qooper.Client()),
		qooper.WithRateLimit(rate.Inf, 1),
		qooper.WithRetryPolicy(qooper.RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond, MaxRetryAfter: time.Millisecond}),
		qooper.WithLogger(r.check.logger()))
	require.NoError(t, err)
	r.check.add("qooper client", client)
	r.check.add("qooper client value", *client)
	return client
}

func (r *secretsRig) syncer(t *testing.T, hibobToken, qooperToken string, opts ...syncer.Option) *syncer.Syncer {
	t.Helper()
	company := r.company
	all := append([]syncer.Option{
		syncer.WithLogger(r.check.logger()),
		syncer.WithClock(func() time.Time { return company.Today.Add(9 * time.Hour) }),
	}, opts...)
	s, err := syncer.New(syncer.NewHiBobSource(r.hibobClient(t, hibobToken)), syncer.NewQooperTarget(r.qooperClient(t, qooperToken)),
		mapping.Default(), all...)
	require.NoError(t, err)
	r.check.add("syncer", s)
	return s
}

// TestSecretsNeverLeak runs a demo-style sync through every error path
// with debug logging on, and checks that no credential appears in a log
// line, an error, a plan, a report or a printed client.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	check := &leakCheck{outputs: make(map[string]string)}
	company := hibobtest.SampleCompanyAt(13, 60, today)
	r := &secretsRig{
		check:   check,
		company: company,
		hibob: hibobtest.Start(t, hibobtest.WithCompany(company),
			hibobtest.WithCredentials(hibob.Credentials{ServiceUserID: secretHiBobUserID, Token: secretHiBobToken})),
		qooper: qoopertest.Start(t, qoopertest.WithToken(secretQooperToken), qoopertest.WithRateLimit(rate.Inf, 1),
			qoopertest.WithForbiddenToken(secretQooperReadOnly), qoopertest.WithLogger(check.logger())),
	}
	ctx := t.Context()

	// A record with an invalid e-mail address fails validation in the plan.
	// After planning, a user takes an employee's e-mail address, so that
	// the employee's create conflicts at apply time.
	require.NoError(t, r.hibob.AddEmployee(map[string]any{
		"id": "9200000000000000001", "firstName": "Bad", "surname": "Email", "email": "not-an-email",
		"internal": map[string]any{"status": "Active"},
	}))
	initial := r.syncer(t, secretHiBobToken, secretQooperToken)
	plan, err := initial.Plan(ctx)
	require.NoError(t, err)
	check.addPlan(t, "initial plan", plan)
	require.NotEmpty(t, plan.Failures)
	taken := company.People[len(company.People)-1]
	for _, c := range plan.Changes {
		if p := company.Person(c.EmployeeID); c.Action == syncer.Create && p != nil && p.Email != "" {
			taken = p
		}
	}
	externalID := "someone-else"
	_, err = r.qooper.PutUser(qooper.User{Email: taken.Email, FirstName: "Taken", LastName: "Address", ExternalID: &externalID})
	require.NoError(t, err)

	// Retried 429 and 5xx on both sides, then the apply with the conflict.
	r.hibob.FailNext(1, http.StatusTooManyRequests, "/people/search")
	r.hibob.FailNext(1, http.StatusServiceUnavailable, "/company/named-lists")
	r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: http.StatusServiceUnavailable, Count: 3})
	r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: http.StatusTooManyRequests})
	report, err := initial.Apply(ctx, plan)
	check.addReport(t, "initial report", report)
	check.addError("initial apply error", err)
	require.Error(t, err, "the conflict and the 503 that outlasts the retries fail changes")

	// Day two, with 5xx bursts on Qooper updates and deactivations.
	company.DayTwo()
	r.hibob.LoadCompany(company)
	r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPatch, Path: "/users/*", Status: http.StatusServiceUnavailable, Count: 2})
	r.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users/*/deactivate", Status: http.StatusBadGateway, Count: 2})
	_ = check.run(t, ctx, "day two", r.syncer(t, secretHiBobToken, secretQooperToken))

	// Rejected credentials and permissions on both sides.
	err = check.run(t, ctx, "hibob 401", r.syncer(t, secretHiBobWrongToken, secretQooperToken))
	require.ErrorIs(t, err, hibob.ErrUnauthorized)
	r.hibob.FailNext(1, http.StatusForbidden, "/people/search")
	err = check.run(t, ctx, "hibob 403", r.syncer(t, secretHiBobToken, secretQooperToken))
	require.ErrorIs(t, err, hibob.ErrForbidden)
	r.hibob.FailNext(1, http.StatusInternalServerError, "/people/search")
	err = check.run(t, ctx, "hibob 500", r.syncer(t, secretHiBobToken, secretQooperToken))
	require.ErrorIs(t, err, hibob.ErrServer)
	err = check.run(t, ctx, "qooper 401", r.syncer(t, secretHiBobToken, secretQooperWrongToken))
	require.ErrorIs(t, err, qooper.ErrUnauthorized)
	err = check.run(t, ctx, "qooper 403", r.syncer(t, secretHiBobToken, secretQooperReadOnly))
	require.ErrorIs(t, err, qooper.ErrForbidden)

	// A 401 in the middle of an apply stops the run.
	company.DayTwo()
	r.hibob.LoadCompany(company)
	stopping := r.syncer(t, secretHiBobToken, secretQooperToken, syncer.WithConcurrency(1))
	plan, err = stopping.Plan(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, plan.Changes)
	r.qooper.InjectFault(qoopertest.Fault{Status: http.StatusUnauthorized})
	report, err = stopping.Apply(ctx, plan)
	check.addPlan(t, "stopped plan", plan)
	check.addReport(t, "stopped report", report)
	check.addError("stopped apply error", err)
	require.ErrorIs(t, err, syncer.ErrStopped)

	// A webhook-style sync of one employee, with a 503 on its read.
	r.hibob.FailNext(1, http.StatusServiceUnavailable, "/people/search")
	report, err = r.syncer(t, secretHiBobToken, secretQooperToken).SyncEmployee(ctx, company.People[0].ID)
	check.addReport(t, "sync employee report", report)
	check.addError("sync employee error", err)

	check.logger().Info("credentials as an attribute", "credentials",
		hibob.Credentials{ServiceUserID: secretHiBobUserID, Token: secretHiBobToken, PartnerToken: secretHiBobPartnerToken})

	checkNoSecrets(t, check)
}

// checkNoSecrets fails the test for every secret form found in a log line
// or a recorded output.
func checkNoSecrets(t *testing.T, check *leakCheck) {
	t.Helper()
	check.mu.Lock()
	logs := check.logs.String()
	check.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	require.Greater(t, len(lines), 100, "debug logging recorded the runs")
	for _, want := range []string{`"level":"DEBUG"`, `"msg":"retrying request"`, `"msg":"change failed"`, `"status":401`, `"status":403`, `"status":503`} {
		assert.Contains(t, logs, want, "the logs cover this path")
	}

	for _, secret := range secretForms() {
		for i, line := range lines {
			assert.NotContains(t, line, secret, "log line %d", i+1)
		}
		for name, output := range check.outputs {
			assert.NotContains(t, output, secret, name)
		}
	}
	assert.Greater(t, len(check.outputs), 100, "the outputs of every run were recorded")

	var apiErrors int
	for name, output := range check.outputs {
		if strings.HasSuffix(name, "Error()") && (strings.Contains(output, "hibob: ") || strings.Contains(output, "qooper: ")) {
			apiErrors++
		}
	}
	assert.Positive(t, apiErrors, "API errors were recorded")
}
