package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/examples/internal/services"
	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
	"github.com/qooper/hrsync/qooper"
	"github.com/qooper/hrsync/qooper/qoopertest"
	"github.com/qooper/hrsync/syncer"
)

// binary is the sync command built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "sync-command-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create build directory:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	binary = filepath.Join(dir, "sync")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		// The go command that runs the tests may not be on PATH.
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(goTool, "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the sync command:", err)
		return 1
	}
	return m.Run()
}

// result is the outcome of one run of the command.
type result struct {
	code   int
	stdout string
	stderr string
}

// runCommand runs the built command with args and the live variables of
// env, and no other live variable. It fails the test when any of secrets
// appears in the output.
func runCommand(t *testing.T, env map[string]string, secrets []string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, args...)
	cmd.Env = commandEnv(env)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("run %s: %v", binary, err)
	}

	r := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	t.Logf("sync %s: exit status %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	assertNoSecrets(t, r, secrets)
	return r
}

// commandEnv returns the environment of this process without any live
// variable, plus env.
func commandEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if isLiveVariable(name) {
			continue
		}
		out = append(out, kv)
	}
	for name, value := range env {
		out = append(out, name+"="+value)
	}
	return out
}

func isLiveVariable(name string) bool {
	for _, live := range services.LiveVariables {
		if name == live {
			return true
		}
	}
	return false
}

func assertNoSecrets(t *testing.T, r result, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		assert.NotContains(t, r.stdout, secret, "stdout shows a token")
		assert.NotContains(t, r.stderr, secret, "stderr shows a token")
	}
}

// fixture is a fake HiBob with a small company and a fake Qooper, both
// started by the test on loopback addresses.
type fixture struct {
	hibob  *hibobtest.Server
	qooper *qoopertest.Server
}

// Employee ids of the small company.
const (
	ceoID      = "1001"
	managerID  = "1002"
	engineerID = "1003"
	leaverID   = "1004"
	designerID = "1005"
)

func person(id, first, last, managerID, title string) *hibobtest.Person {
	number, _ := strconv.ParseInt(id, 10, 64)
	return &hibobtest.Person{
		ID:              id,
		FirstName:       first,
		Surname:         last,
		DisplayName:     first + " " + last,
		Email:           strings.ToLower(first+"."+last) + "@example.com",
		Title:           title,
		Department:      "10",
		Site:            "London",
		StartDate:       "2021-05-04",
		ManagerID:       managerID,
		EmployeeNumber:  number,
		Status:          "Active",
		LifecycleStatus: "employed",
	}
}

// smallCompany returns four active employees in a chain of managers and one
// who left.
func smallCompany() []*hibobtest.Person {
	leaver := person(leaverID, "Grace", "Hopper", managerID, "1")
	leaver.Status, leaver.LifecycleStatus, leaver.TerminationDate = "Inactive", "terminated", "2025-03-31"
	return []*hibobtest.Person{
		person(ceoID, "Ada", "Lovelace", "", "3"),
		person(managerID, "Alan", "Turing", ceoID, "2"),
		person(engineerID, "Edsger", "Dijkstra", managerID, "1"),
		leaver,
		person(designerID, "Margaret", "Hamilton", managerID, "1"),
	}
}

func smallLists() map[string]*hibob.NamedList {
	item := func(id, label string) *hibob.ListItem { return &hibob.ListItem{ID: id, Value: label, Name: label} }
	return map[string]*hibob.NamedList{
		"title": {Name: "title", Items: []*hibob.ListItem{
			item("1", "Engineer"), item("2", "Engineering Manager"), item("3", "Chief Executive Officer"),
		}},
		"department": {Name: "department", Items: []*hibob.ListItem{item("10", "Engineering")}},
	}
}

func records(people []*hibobtest.Person) []map[string]any {
	out := make([]map[string]any, len(people))
	for i, p := range people {
		out[i] = p.Record()
	}
	return out
}

func newFixture(t *testing.T, people []*hibobtest.Person, hibobOptions ...hibobtest.Option) *fixture {
	t.Helper()
	hibobOptions = append([]hibobtest.Option{
		hibobtest.WithEmployees(records(people)...),
		hibobtest.WithNamedLists(smallLists()),
	}, hibobOptions...)
	return &fixture{
		hibob:  hibobtest.Start(t, hibobOptions...),
		qooper: qoopertest.Start(t),
	}
}

// env returns the live variables that point the command at the fakes.
func (f *fixture) env() map[string]string {
	creds := f.hibob.Credentials()
	return map[string]string{
		services.EnvHiBobServiceUserID:    creds.ServiceUserID,
		services.EnvHiBobServiceUserToken: creds.Token,
		services.EnvHiBobBaseURL:          f.hibob.URL(),
		services.EnvQooperBaseURL:         f.qooper.URL(),
		services.EnvQooperAPIToken:        f.qooper.Token(),
	}
}

func (f *fixture) secrets() []string {
	return []string{f.hibob.Credentials().Token, f.qooper.Token()}
}

func (f *fixture) run(t *testing.T, args ...string) result {
	t.Helper()
	return runCommand(t, f.env(), f.secrets(), args...)
}

// writes returns the requests to Qooper that would change data.
func (f *fixture) writes() []string {
	var out []string
	for _, r := range f.qooper.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// putManagedUser stores an active Qooper user with an externalId.
func (f *fixture) putManagedUser(t *testing.T, externalID, first, last string) qooper.User {
	t.Helper()
	user, err := f.qooper.PutUser(qooper.User{
		ExternalID: &externalID,
		Email:      strings.ToLower(first+"."+last) + "@example.com",
		FirstName:  first,
		LastName:   last,
	})
	require.NoError(t, err)
	return user
}

func readReport(t *testing.T, path string) *syncer.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var report syncer.Report
	require.NoError(t, json.Unmarshal(data, &report))
	return &report
}

// closedPortURL returns a base URL on a loopback port that nothing listens
// on.
func closedPortURL(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	address := listener.Addr().String()
	require.NoError(t, listener.Close())
	return "http://" + address + "/v1"
}

func assertOneLine(t *testing.T, stderr string) {
	t.Helper()
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "stderr should be one line: %q", stderr)
}

func TestDemoExitsZero(t *testing.T) {
	t.Parallel()
	r := runCommand(t, nil, nil)

	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "Demo mode")
	assert.Contains(t, r.stdout, "Day one")
	assert.Contains(t, r.stdout, "Day two")
	for _, kind := range []hibobtest.ChangeKind{
		hibobtest.ChangeHire, hibobtest.ChangePromotion, hibobtest.ChangeManager,
		hibobtest.ChangeTermination, hibobtest.ChangeRehire, hibobtest.ChangeEmail,
	} {
		assert.Contains(t, r.stdout, string(kind), "day two lacks a change")
	}
	assert.Contains(t, r.stdout, "Deactivation guard: 1 deactivation to apply")
	assert.Equal(t, 2, strings.Count(r.stdout, "Run "), "want a report per day")
}

func TestDemoDryRunReportsPlan(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "plan.json")
	r := runCommand(t, nil, nil, "-dry-run", "-report", path)

	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	assert.Contains(t, r.stdout, "Dry run: nothing was written to Qooper.")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var plan syncer.Plan
	require.NoError(t, json.Unmarshal(data, &plan))
	assert.Equal(t, 1, plan.Count(syncer.Deactivate))
	assert.Positive(t, plan.Count(syncer.Create))
}

func TestDemoCheckPasses(t *testing.T) {
	t.Parallel()
	r := runCommand(t, nil, nil, "-check")

	require.Equal(t, exitOK, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "Check passed")
	assert.NotContains(t, r.stdout, "PROBLEM")
}

func TestLiveSyncAppliesChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	path := filepath.Join(t.TempDir(), "report.json")

	r := f.run(t, "-report", path)

	require.Equal(t, exitOK, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Contains(t, r.stdout, "4 to create")
	report := readReport(t, path)
	assert.Equal(t, 4, report.Counts["create"][syncer.Applied])
	assert.Equal(t, 4, report.Count(syncer.Applied))
	assert.Len(t, report.Results, 4)
	assert.Empty(t, report.Failures)
	assert.Empty(t, report.Stopped)

	users := f.qooper.Users()
	require.Len(t, users, 4)
	byExternalID := map[string]qooper.User{}
	for _, u := range users {
		require.NotNil(t, u.ExternalID)
		byExternalID[*u.ExternalID] = u
	}
	require.Contains(t, byExternalID, engineerID)
	engineer := byExternalID[engineerID]
	require.NotNil(t, engineer.JobTitle)
	assert.Equal(t, "Engineer", *engineer.JobTitle)
	require.NotNil(t, engineer.Manager)
	assert.Equal(t, byExternalID[managerID].ID, engineer.Manager.ID)
	assert.NotContains(t, byExternalID, leaverID, "a leaver who was never in Qooper is created")
}

func TestLiveSecondRunWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	first := f.run(t)
	require.Equal(t, exitOK, first.code, "stderr: %s", first.stderr)
	f.qooper.ResetRequests()

	second := f.run(t)

	require.Equal(t, exitOK, second.code, "stderr: %s", second.stderr)
	assert.Contains(t, second.stdout, "4 unchanged")
	assert.Empty(t, f.writes())
}

func TestLiveDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	path := filepath.Join(t.TempDir(), "plan.json")

	r := f.run(t, "-dry-run", "-report", path)

	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	assert.Contains(t, r.stdout, "4 to create")
	assert.Empty(t, f.writes())
	assert.Empty(t, f.qooper.Users())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var plan syncer.Plan
	require.NoError(t, json.Unmarshal(data, &plan))
	assert.Equal(t, 4, plan.Count(syncer.Create))
}

func TestLiveDryRunWithFailuresExitsZero(t *testing.T) {
	t.Parallel()
	people := smallCompany()
	people[2].Email = people[4].Email
	f := newFixture(t, people)

	r := f.run(t, "-dry-run")

	assert.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	assert.Contains(t, r.stdout, syncer.CodeDuplicateEmail)
	assert.Empty(t, f.writes())
}

func TestLiveFailedRecordExitsThree(t *testing.T) {
	t.Parallel()
	people := smallCompany()
	people[2].Email = people[4].Email
	f := newFixture(t, people)
	path := filepath.Join(t.TempDir(), "report.json")

	r := f.run(t, "-report", path)

	require.Equal(t, exitProblems, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "2 failed")
	report := readReport(t, path)
	require.Len(t, report.Failures, 2)
	for _, failure := range report.Failures {
		assert.Equal(t, syncer.CodeDuplicateEmail, failure.Code)
	}
	assert.True(t, report.HasProblems())
	assert.Len(t, f.qooper.Users(), 2, "the records without problems still apply")
}

func TestLiveHeldDeactivationsExitThree(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	f.putManagedUser(t, "9001", "Former", "One")
	f.putManagedUser(t, "9002", "Former", "Two")
	path := filepath.Join(t.TempDir(), "report.json")

	r := f.run(t, "-report", path)

	require.Equal(t, exitProblems, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "2 held")
	assert.Contains(t, r.stdout, "-allow-deactivations 2")
	report := readReport(t, path)
	assert.Equal(t, 2, report.Count(syncer.Held))
	assert.True(t, report.Guard.Held)
	for _, u := range f.qooper.Users() {
		assert.Equal(t, qooper.StatusActive, u.Status, "user %s", u.ID)
	}
}

func TestLiveAllowanceLiftsHold(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	former := f.putManagedUser(t, "9001", "Former", "One")
	f.putManagedUser(t, "9002", "Former", "Two")

	r := f.run(t, "-allow-deactivations", "2")

	require.Equal(t, exitOK, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	user, ok := f.qooper.User(former.ID)
	require.True(t, ok)
	assert.Equal(t, qooper.StatusDeactivated, user.Status)
}

func TestLiveAllowanceTooSmallHolds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	f.putManagedUser(t, "9001", "Former", "One")
	f.putManagedUser(t, "9002", "Former", "Two")

	r := f.run(t, "-allow-deactivations", "1")

	assert.Equal(t, exitProblems, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
}

func TestLiveAsOfAndTimezone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	path := filepath.Join(t.TempDir(), "plan.json")

	r := f.run(t, "-dry-run", "-as-of", "2030-01-15", "-timezone", "Pacific/Auckland", "-report", path)

	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var plan syncer.Plan
	require.NoError(t, json.Unmarshal(data, &plan))
	assert.Equal(t, "2030-01-15", plan.Today)
}

func TestLiveMappingFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	path := filepath.Join(t.TempDir(), "mapping.json")
	document := `{"version": 1, "extends": "default", "rules": [
		{"target": "location", "source": "work.site", "transforms": [{"name": "upper"}]}]}`
	require.NoError(t, os.WriteFile(path, []byte(document), 0o600))

	r := f.run(t, "-mapping", path)

	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	for _, u := range f.qooper.Users() {
		require.NotNil(t, u.Location)
		assert.Equal(t, "LONDON", *u.Location)
	}
}

func TestLiveWrongHiBobTokenExitsOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	env := f.env()
	env[services.EnvHiBobServiceUserToken] = "wrong-hibob-token-4711"

	r := runCommand(t, env, append(f.secrets(), "wrong-hibob-token-4711"))

	require.Equal(t, exitFatal, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "401")
	assert.Contains(t, r.stderr, services.EnvHiBobServiceUserToken)
	assert.Empty(t, f.writes())
}

func TestLiveWrongQooperTokenExitsOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	env := f.env()
	env[services.EnvQooperAPIToken] = "wrong-qooper-token-4711"

	r := runCommand(t, env, append(f.secrets(), "wrong-qooper-token-4711"))

	require.Equal(t, exitFatal, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "401")
	assert.Contains(t, r.stderr, services.EnvQooperAPIToken)
}

func TestLiveUnreachableQooperExitsOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	env := f.env()
	url := closedPortURL(t)
	env[services.EnvQooperBaseURL] = url

	r := runCommand(t, env, f.secrets())

	require.Equal(t, exitFatal, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "cannot reach Qooper at "+url)
	assert.Contains(t, r.stderr, services.EnvQooperBaseURL)
}

func TestLiveRejectedWriteStopsRun(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	f.qooper.InjectFault(qoopertest.Fault{Method: http.MethodPost, Path: "/users", Status: http.StatusUnauthorized})
	path := filepath.Join(t.TempDir(), "report.json")

	r := f.run(t, "-report", path)

	require.Equal(t, exitFatal, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assertOneLine(t, r.stderr)
	assert.Contains(t, r.stderr, "run stopped")
	assert.Contains(t, r.stderr, "401")
	report := readReport(t, path)
	assert.NotEmpty(t, report.Stopped)
}

func TestLiveSignalStopsRun(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGINT cannot be sent to a process on Windows")
	}
	t.Parallel()
	f := newFixture(t, smallCompany())
	f.qooper.SetLatency(time.Minute)

	cmd := exec.CommandContext(t.Context(), binary)
	cmd.Env = commandEnv(f.env())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	// The fake records a request before it waits out the latency, so the
	// run is inside the read of Qooper's users once one is recorded.
	require.Eventually(t, func() bool { return len(f.qooper.Requests()) > 0 }, time.Minute, 10*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()

	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, exitFatal, exitErr.ExitCode())
	assert.Contains(t, stderr.String(), "interrupted")
	assertNoSecrets(t, result{stdout: stdout.String(), stderr: stderr.String()}, f.secrets())
}

func TestLiveVerboseLogsWithoutTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())

	r := f.run(t, "-v")

	require.Equal(t, exitOK, r.code, "stderr: %s", r.stderr)
	assert.Contains(t, r.stderr, "level=DEBUG")
	assert.Contains(t, r.stderr, "run_id=")
}

func TestCheckPasses(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())

	r := f.run(t, "-check")

	require.Equal(t, exitOK, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.NotContains(t, r.stdout, "PROBLEM")
	assert.Contains(t, r.stdout, "ok       HiBob leavers")
	assert.Empty(t, f.writes())
}

func TestCheckFindsProblems(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany(), hibobtest.WithHiddenFields("work.title"), hibobtest.WithInactiveHidden())
	path := filepath.Join(t.TempDir(), "mapping.json")
	document := `{"version": 1, "extends": "default", "rules": [
		{"target": "startDate", "source": "work.site", "transforms": [{"name": "date"}]}]}`
	require.NoError(t, os.WriteFile(path, []byte(document), 0o600))

	r := f.run(t, "-check", "-mapping", path)

	require.Equal(t, exitProblems, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "PROBLEM  HiBob field work.title")
	assert.Contains(t, r.stdout, "PROBLEM  HiBob leavers")
	assert.Contains(t, r.stdout, "PROBLEM  Mapping: startDate (from work.site)")
	assertOneLine(t, r.stderr)
	assert.Empty(t, f.writes())
}

func TestCheckMissingNamedList(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany(), hibobtest.WithNamedLists(map[string]*hibob.NamedList{}))

	r := f.run(t, "-check")

	require.Equal(t, exitProblems, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "PROBLEM  HiBob named lists: department, title not found")
}

func TestCheckWrongCredentialsExitsOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	env := f.env()
	env[services.EnvHiBobServiceUserToken] = "wrong-hibob-token-4711"
	env[services.EnvQooperAPIToken] = "wrong-qooper-token-4711"

	r := runCommand(t, env, append(f.secrets(), "wrong-hibob-token-4711", "wrong-qooper-token-4711"), "-check")

	require.Equal(t, exitFatal, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "FAILED   HiBob credentials")
	assert.Contains(t, r.stdout, "FAILED   Qooper token")
	assert.Equal(t, 2, strings.Count(r.stderr, "\n"), "want one line per service: %q", r.stderr)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	badMapping := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badMapping, []byte(`{"version": 1, "extends": "default", "rules": [{"target": "nickname"}]}`), 0o600))
	notJSON := filepath.Join(t.TempDir(), "not.json")
	require.NoError(t, os.WriteFile(notJSON, []byte(`rules: none`), 0o600))

	without := func(name string) map[string]string {
		env := f.env()
		delete(env, name)
		return env
	}
	with := func(name, value string) map[string]string {
		env := f.env()
		env[name] = value
		return env
	}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		// want is a part of the message that names what to fix.
		want string
	}{
		{"unknown flag", f.env(), []string{"-frobnicate"}, "-frobnicate"},
		{"argument", f.env(), []string{"now"}, `unexpected argument "now"`},
		{"negative allowance", f.env(), []string{"-allow-deactivations", "-3"}, "-allow-deactivations"},
		{"fractional allowance", f.env(), []string{"-allow-deactivations", "2.5"}, "-allow-deactivations"},
		{"word allowance", f.env(), []string{"-allow-deactivations", "all"}, "-allow-deactivations"},
		{"invalid date", f.env(), []string{"-as-of", "2026-02-30"}, "-as-of"},
		{"date format", f.env(), []string{"-as-of", "04/12/2026"}, "-as-of"},
		{"unknown time zone", f.env(), []string{"-timezone", "Mars/Olympus_Mons"}, "-timezone"},
		{"missing mapping file", f.env(), []string{"-mapping", filepath.Join(t.TempDir(), "none.json")}, "none.json"},
		{"invalid mapping rule", f.env(), []string{"-mapping", badMapping}, "nickname"},
		{"mapping not JSON", f.env(), []string{"-mapping", notJSON}, "not.json"},
		{"report directory missing", f.env(), []string{"-report", filepath.Join(t.TempDir(), "none", "r.json")}, "-report"},
		{"missing service user id", without(services.EnvHiBobServiceUserID), nil, services.EnvHiBobServiceUserID},
		{"missing hibob token", without(services.EnvHiBobServiceUserToken), nil, services.EnvHiBobServiceUserToken},
		{"missing qooper url", without(services.EnvQooperBaseURL), nil, services.EnvQooperBaseURL},
		{"missing qooper token", without(services.EnvQooperAPIToken), nil, services.EnvQooperAPIToken},
		{"only one variable", map[string]string{services.EnvHiBobEnvironment: "sandbox"}, nil, services.EnvQooperAPIToken},
		{"unknown environment", with(services.EnvHiBobEnvironment, "staging"), nil, services.EnvHiBobEnvironment},
		{"insecure qooper url", with(services.EnvQooperBaseURL, "http://qooper.example.com/v1"), nil, services.EnvQooperBaseURL},
	}
	t.Cleanup(func() {
		assert.Empty(t, f.hibob.Requests(), "a usage error sent a request to HiBob")
		assert.Empty(t, f.qooper.Requests(), "a usage error sent a request to Qooper")
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCommand(t, tt.env, f.secrets(), tt.args...)

			assert.Equal(t, exitUsage, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
			assertOneLine(t, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	r := runCommand(t, nil, nil, "-h")

	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "-allow-deactivations N")
	assert.Contains(t, r.stdout, services.EnvQooperAPIToken)
}

func TestRunInProcess(t *testing.T) {
	t.Parallel()
	f := newFixture(t, smallCompany())
	env := f.env()
	var stdout, stderr bytes.Buffer

	lookup := func(name string) (string, bool) {
		value, ok := env[name]
		return value, ok
	}

	code := run(context.Background(), []string{"-dry-run"}, lookup, &stdout, &stderr)

	assert.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	assert.Contains(t, stdout.String(), "4 to create")
	assert.Empty(t, f.writes())
}

func TestEmptyLiveVariablesAreUsageError(t *testing.T) {
	t.Parallel()
	env := make(map[string]string)
	for _, name := range services.LiveVariables {
		env[name] = ""
	}

	r := runCommand(t, env, nil, "-dry-run")

	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, services.EnvHiBobServiceUserID)
	assert.Contains(t, r.stderr, services.EnvQooperAPIToken)
	assert.NotContains(t, r.stdout, "Demo mode")
}
