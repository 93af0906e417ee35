package syncer_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

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

// The bad-input corpus lives in testdata/badinput, in three folders:
//   - records/*.json are JSON arrays of hostile HiBob records in nested
//     form, which the HiBob fake stores and serves.
//   - spliced/*.txt are raw array elements that the fake would normalise
//     away. A proxy splices them into the fake's people-search response.
//   - responses/* are whole people-search bodies that a proxy serves
//     instead of the fake's.
//
// Every record case runs next to three good employees, which must still
// plan and apply.

const badInputDir = "testdata/badinput"

// goodPeople returns three valid employees: Ada, who reports to no one,
// Grace, who reports to Ada, and Linus, who reports to Grace.
func goodPeople() []*hibobtest.Person {
	person := func(id, first, last, managerID string, number int64) *hibobtest.Person {
		return &hibobtest.Person{
			ID: id, FirstName: first, Surname: last, DisplayName: first + " " + last,
			Email: strings.ToLower(first+"."+last) + "@example.com",
			Title: "255490058", Department: "209192170", Site: "London", SiteID: 2154020,
			StartDate: "2020-01-06", ManagerID: managerID, EmployeeNumber: number,
			Status: "Active", LifecycleStatus: "employed",
		}
	}
	return []*hibobtest.Person{
		person("8000000000000000001", "Ada", "Lovelace", "", 1),
		person("8000000000000000002", "Grace", "Hopper", "8000000000000000001", 2),
		person("8000000000000000003", "Linus", "Torvalds", "8000000000000000002", 3),
	}
}

// badInputFakes starts a HiBob fake with the sample lists and the good
// employees, and an empty Qooper fake.
func badInputFakes(t *testing.T) (*hibobtest.Server, *qoopertest.Server) {
	t.Helper()
	company := hibobtest.SampleCompanyAt(5, hibobtest.MinCompanySize, today)
	company.People = goodPeople()
	hb := hibobtest.Start(t, hibobtest.WithCompany(company))
	qp := qoopertest.Start(t, qoopertest.WithRateLimit(rate.Inf, 1))
	return hb, qp
}

// badInputSyncer returns a syncer that reads HiBob at hibobURL with the
// fake's credentials.
func badInputSyncer(t *testing.T, hb *hibobtest.Server, hibobURL string, qp *qoopertest.Server) *syncer.Syncer {
	t.Helper()
	hibobClient, err := hibob.NewClient(hb.Credentials(),
		hibob.WithBaseURL(hibobURL),
		hibob.WithRateLimit(rate.Inf, 1),
		hibob.WithRetryPolicy(hibob.RetryPolicy{MaxRetries: 1, MinWait: 0, MaxWait: 0}))
	require.NoError(t, err)
	qooperClient, err := qooper.NewClient(qp.URL(), qp.Token(), qooper.WithHTTPClient(qp.Client()), qooper.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	s, err := syncer.New(syncer.NewHiBobSource(hibobClient), syncer.NewQooperTarget(qooperClient), mapping.Default(),
		syncer.WithClock(func() time.Time { return today }))
	require.NoError(t, err)
	return s
}

// searchProxy serves the HiBob API on a loopback port by forwarding every
// request to the fake, and lets edit rewrite the people-search response.
func searchProxy(t *testing.T, hb *hibobtest.Server, edit func(status int, body []byte) (int, string, []byte)) string {
	t.Helper()
	client := hb.HTTPClient()
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		target := strings.TrimSuffix(hb.URL(), "/v1") + r.URL.RequestURI()
		forwarded, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		forwarded.Header = r.Header.Clone()
		resp, err := client.Do(forwarded)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		respBody, err := io.ReadAll(resp.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}

		status, contentType := resp.StatusCode, resp.Header.Get("Content-Type")
		if strings.HasSuffix(r.URL.Path, "/people/search") {
			status, contentType, respBody = edit(status, respBody)
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write(respBody)
	}))
	t.Cleanup(proxy.Close)
	return proxy.URL + "/v1"
}

// recordOutcome is the expected plan result for the records of one case.
type recordOutcome struct {
	// code and field, when code is set, name the Failure that every record
	// of the case must get. Such records get no change.
	code, field string
	// issue, when set, names an Issue that lists every record of the case,
	// which is still created.
	issue string
	// created means the input is accepted and every record is created.
	created bool
}

// checkRecordOutcome runs a full sync and checks the outcome for the
// records with ids, and that the good employees are created.
func checkRecordOutcome(t *testing.T, s *syncer.Syncer, qp *qoopertest.Server, ids []string, want recordOutcome) {
	t.Helper()
	plan, err := s.Plan(t.Context())
	require.NoError(t, err, "one bad record never fails the whole plan")

	for _, id := range ids {
		failure := findFailure(plan, id)
		switch {
		case want.code != "":
			require.NotNil(t, failure, "employee %q must fail", id)
			assert.Equal(t, want.code, failure.Code, "employee %q: %s", id, failure.Message)
			assert.Equal(t, want.field, failure.Field, "employee %q: %s", id, failure.Message)
			assert.NotEmpty(t, failure.Message)
			assert.Nil(t, findChange(plan, id), "a failed record gets no change")
		default:
			assert.Nil(t, failure, "employee %q must not fail", id)
			change := findChange(plan, id)
			require.NotNil(t, change, "employee %q must be created", id)
			assert.Equal(t, syncer.Create, change.Action)
		}
	}
	if want.issue != "" {
		issue := findIssue(plan, want.issue)
		require.NotNil(t, issue, "plan must have a %s issue", want.issue)
		for _, id := range ids {
			assert.Contains(t, issue.EmployeeIDs, id)
		}
	}

	report, err := s.Apply(t.Context(), plan)
	require.NoError(t, err, "every planned change applies")
	assert.Equal(t, len(plan.Changes), report.Count(syncer.Applied))

	stored := make(map[string]qooper.User)
	for _, u := range qp.Users() {
		require.NotNil(t, u.ExternalID)
		stored[*u.ExternalID] = u
		for _, text := range []string{u.Email, u.FirstName, u.LastName, deref(u.DisplayName), deref(u.Location)} {
			assert.False(t, strings.ContainsFunc(text, unicode.IsControl), "user %s stores control characters: %q", u.ID, text)
		}
	}
	for _, person := range goodPeople() {
		assert.Contains(t, stored, person.ID, "good employee %s must be created", person.FirstName)
	}
	for _, id := range ids {
		_, created := stored[id]
		assert.Equal(t, want.code == "", created, "employee %q created", id)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func findFailure(p *syncer.Plan, employeeID string) *syncer.Failure {
	for i := range p.Failures {
		if p.Failures[i].EmployeeID == employeeID {
			return &p.Failures[i]
		}
	}
	return nil
}

func findChange(p *syncer.Plan, employeeID string) *syncer.Change {
	for i := range p.Changes {
		if p.Changes[i].EmployeeID == employeeID {
			return &p.Changes[i]
		}
	}
	return nil
}

func findIssue(p *syncer.Plan, code string) *syncer.Issue {
	for i := range p.Issues {
		if p.Issues[i].Code == code {
			return &p.Issues[i]
		}
	}
	return nil
}

// readRecords decodes a records file, keeping numbers as json.Number as
// HiBob's decoder does.
func readRecords(t *testing.T, name string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(badInputDir, "records", name+".json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var records []map[string]any
	require.NoError(t, dec.Decode(&records))
	return records
}

func TestBadInputRecords(t *testing.T) {
	t.Parallel()
	tests := map[string]recordOutcome{
		"email-missing":                {code: syncer.CodeMissingEmail, field: mapping.TargetEmail},
		"email-null":                   {code: syncer.CodeMissingEmail, field: mapping.TargetEmail},
		"email-number":                 {code: syncer.CodeMappingFailed, field: mapping.TargetEmail},
		"email-invalid":                {code: syncer.CodeInvalidValue, field: mapping.TargetEmail},
		"email-header-injection":       {code: syncer.CodeInvalidValue, field: mapping.TargetEmail},
		"email-too-long":               {code: syncer.CodeInvalidValue, field: mapping.TargetEmail},
		"email-non-ascii":              {code: syncer.CodeInvalidValue, field: mapping.TargetEmail},
		"email-duplicate":              {code: syncer.CodeDuplicateEmail, field: mapping.TargetEmail},
		"first-name-null":              {code: syncer.CodeInvalidValue, field: mapping.TargetFirstName},
		"first-name-object":            {code: syncer.CodeMappingFailed, field: mapping.TargetFirstName},
		"first-name-array":             {code: syncer.CodeMappingFailed, field: mapping.TargetFirstName},
		"first-name-blank":             {code: syncer.CodeInvalidValue, field: mapping.TargetFirstName},
		"first-name-10kB":              {code: syncer.CodeInvalidValue, field: mapping.TargetFirstName},
		"display-name-10kB":            {code: syncer.CodeInvalidValue, field: mapping.TargetDisplayName},
		"name-control-characters":      {created: true},
		"start-date-invalid":           {code: syncer.CodeMappingFailed, field: mapping.TargetStartDate},
		"start-date-human-readable":    {code: syncer.CodeMappingFailed, field: mapping.TargetStartDate},
		"start-date-number":            {code: syncer.CodeMappingFailed, field: mapping.TargetStartDate},
		"start-date-zero":              {code: syncer.CodeMappingFailed, field: mapping.TargetStartDate},
		"termination-date-words":       {code: syncer.CodeMappingFailed, field: mapping.TargetTerminationDate},
		"status-unknown":               {code: syncer.CodeMappingFailed, field: mapping.TargetStatus},
		"status-number":                {code: syncer.CodeMappingFailed, field: mapping.TargetStatus},
		"title-unknown-list-id":        {code: syncer.CodeMappingFailed, field: mapping.TargetJobTitle},
		"department-unknown-list-id":   {code: syncer.CodeMappingFailed, field: mapping.TargetDepartment},
		"title-object":                 {code: syncer.CodeMappingFailed, field: mapping.TargetJobTitle},
		"employee-number-out-of-range": {code: syncer.CodeMappingFailed, field: mapping.TargetEmployeeNumber},
		"site-object":                  {code: syncer.CodeMappingFailed, field: mapping.TargetLocation},
		"site-10kB":                    {code: syncer.CodeInvalidValue, field: mapping.TargetLocation},
		"id-too-long":                  {code: syncer.CodeInvalidValue, field: mapping.TargetExternalID},
		"id-control-characters":        {created: true},
		"manager-self":                 {issue: syncer.CodeManagerSelf, created: true},
		"manager-unknown":              {issue: syncer.CodeManagerNotSynced, created: true},
		"manager-cycle":                {issue: syncer.CodeManagerCycle, created: true},
	}
	entries, err := os.ReadDir(filepath.Join(badInputDir, "records"))
	require.NoError(t, err)
	require.Len(t, entries, len(tests), "every file in records has an expected outcome")

	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hb, qp := badInputFakes(t)
			var ids []string
			for _, record := range readRecords(t, name) {
				require.NoError(t, hb.AddEmployee(record))
				id, _ := record["id"].(string)
				ids = append(ids, id)
			}

			checkRecordOutcome(t, badInputSyncer(t, hb, hb.URL(), qp), qp, ids, want)
		})
	}
}

func TestBadInputSplicedRecords(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		ids  []string
		want recordOutcome
	}{
		"id-as-number":      {[]string{"9100000000000000041"}, recordOutcome{created: true}},
		"id-missing":        {[]string{""}, recordOutcome{code: syncer.CodeMappingFailed, field: "root.id"}},
		"id-object":         {[]string{""}, recordOutcome{code: syncer.CodeMappingFailed, field: "root.id"}},
		"id-duplicate":      {[]string{"9100000000000000044"}, recordOutcome{code: syncer.CodeMappingFailed, field: "root.id"}},
		"status-missing":    {[]string{"9100000000000000045"}, recordOutcome{code: syncer.CodeStatusUnknown, field: mapping.TargetStatus}},
		"null-element":      {nil, recordOutcome{}},
		"work-not-object":   {[]string{"9100000000000000047"}, recordOutcome{created: true}},
		"name-invalid-utf8": {[]string{"9100000000000000048"}, recordOutcome{created: true}},
	}
	entries, err := os.ReadDir(filepath.Join(badInputDir, "spliced"))
	require.NoError(t, err)
	require.Len(t, entries, len(tests), "every file in spliced has an expected outcome")

	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			element, err := os.ReadFile(filepath.Join(badInputDir, "spliced", name+".txt"))
			require.NoError(t, err)
			hb, qp := badInputFakes(t)
			url := searchProxy(t, hb, func(status int, body []byte) (int, string, []byte) {
				spliced := bytes.Replace(body, []byte(`"employees":[`), append([]byte(`"employees":[`), append(bytes.TrimSpace(element), ',')...), 1)
				return status, "application/json", spliced
			})

			checkRecordOutcome(t, badInputSyncer(t, hb, url, qp), qp, tt.ids, tt.want)
		})
	}
}

func TestBadInputHugeRecord(t *testing.T) {
	t.Parallel()
	hb, qp := badInputFakes(t)
	huge := strings.Repeat("D", 16<<20)
	url := searchProxy(t, hb, func(status int, body []byte) (int, string, []byte) {
		element := `{"id":"9100000000000000050","firstName":"Huge","surname":"Record","displayName":"` + huge + `",` +
			`"email":"huge@example.com","internal":{"status":"Active"}},`
		return status, "application/json", bytes.Replace(body, []byte(`"employees":[`), []byte(`"employees":[`+element), 1)
	})

	checkRecordOutcome(t, badInputSyncer(t, hb, url, qp), qp, []string{"9100000000000000050"},
		recordOutcome{code: syncer.CodeInvalidValue, field: mapping.TargetDisplayName})
}

func TestBadInputResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file        string
		status      int
		contentType string
		// want is a part of the error message that names the problem.
		want string
	}{
		{"html-page.html", http.StatusOK, "text/html; charset=utf-8", "unexpected content type"},
		{"html-page.html", http.StatusBadGateway, "text/html; charset=utf-8", "502 Bad Gateway"},
		{"plain-text.txt", http.StatusOK, "text/plain", "unexpected content type"},
		{"xml-body.xml", http.StatusOK, "application/xml", "unexpected content type"},
		{"json-as-html.json", http.StatusOK, "text/html", "unexpected content type"},
		{"truncated.json", http.StatusOK, "application/json", "unexpected EOF"},
		{"empty.json", http.StatusOK, "application/json", "empty body"},
		{"top-level-array.json", http.StatusOK, "application/json", `got [, want "{"`},
		{"employees-object.json", http.StatusOK, "application/json", "want an array"},
		{"employees-null.json", http.StatusOK, "application/json", "want an array"},
		{"employees-missing.json", http.StatusOK, "application/json", "no employees array"},
		{"non-object-element.json", http.StatusOK, "application/json", "cannot unmarshal number"},
		{"byte-order-mark.json", http.StatusOK, "application/json", "invalid character"},
		{"deep-nesting", http.StatusOK, "application/json", "exceeded max depth"},
	}
	entries, err := os.ReadDir(filepath.Join(badInputDir, "responses"))
	require.NoError(t, err)
	files := make(map[string]bool)
	for _, tt := range tests {
		files[tt.file] = true
	}
	for _, entry := range entries {
		assert.True(t, files[entry.Name()], "responses/%s has no test case", entry.Name())
	}

	for _, tt := range tests {
		t.Run(tt.file+" "+http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			var body []byte
			if tt.file == "deep-nesting" {
				body = []byte(`{"employees":[{"id":"1","work":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}]}`)
			} else {
				var err error
				body, err = os.ReadFile(filepath.Join(badInputDir, "responses", tt.file))
				require.NoError(t, err)
			}
			hb, qp := badInputFakes(t)
			url := searchProxy(t, hb, func(int, []byte) (int, string, []byte) { return tt.status, tt.contentType, body })

			_, err := badInputSyncer(t, hb, url, qp).Plan(t.Context())

			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "/people/search")
			if tt.status == http.StatusOK {
				var decodeErr *hibob.DecodeError
				require.ErrorAs(t, err, &decodeErr)
				assert.Equal(t, http.StatusOK, decodeErr.StatusCode)
			} else {
				var apiErr *hibob.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
			}
			assert.Empty(t, qp.Users(), "a broken read writes nothing")
		})
	}
}

func TestBadInputQooperResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body, want string
	}{
		{"null user", "application/json", `{"data":[null],"nextCursor":null}`, "user 0 of the page is null"},
		{"user without id", "application/json", `{"data":[{"email":"a@example.com","externalId":"1"}],"nextCursor":null}`, "has no id"},
		{"data missing", "application/json", `{"users":[]}`, "data array is missing"},
		{"data not an array", "application/json", `{"data":"none"}`, "cannot unmarshal"},
		{"truncated JSON", "application/json", `{"data":[{"id":"usr_1","email":"a@exa`, "unexpected EOF"},
		{"HTML page", "text/html", "<html><body>Service Unavailable</body></html>", "unexpected content type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hb, qp := badInputFakes(t)
			qp.InjectFault(qoopertest.Fault{Method: http.MethodGet, Path: "/users", Status: http.StatusOK, Body: []byte(tt.body), ContentType: tt.contentType})

			_, err := badInputSyncer(t, hb, hb.URL(), qp).Plan(t.Context())

			require.Error(t, err)
			assert.Contains(t, err.Error(), "read Qooper users: qooper: GET /users")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestBadInputNamedLists(t *testing.T) {
	t.Parallel()
	hb, qp := badInputFakes(t)
	hb.InjectFault(hibobtest.Fault{Path: "/company/named-lists", HTML: true, Status: http.StatusOK})

	_, err := badInputSyncer(t, hb, hb.URL(), qp).Plan(t.Context())

	var decodeErr *hibob.DecodeError
	require.ErrorAs(t, err, &decodeErr)
	assert.Contains(t, err.Error(), "read source lists")
	assert.Empty(t, qp.Users())
}
