package hibob_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/mapping"
)

// bodyTransport serves every request with one fixed response, in process.
type bodyTransport struct {
	contentType string
	body        []byte
}

func (b *bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	header := http.Header{}
	if b.contentType != "" {
		header.Set("Content-Type", b.contentType)
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     header,
		Body:       io.NopCloser(bytes.NewReader(b.body)),
		Request:    req,
	}, nil
}

// fuzzLists are list labels for the default mapping, so that fuzzed list
// item ids can resolve.
var fuzzLists = mapping.Lists{
	"title":      {"255490048": "Software Engineer", "1": "Engineer"},
	"department": {"209192170": "Platform", "1": "Engineering"},
}

// FuzzSearchPeopleDecode sends a fuzzed 200 response to a people search
// through the real client and reads every field of every employee that it
// decodes. A body that does not decode must give a *hibob.DecodeError,
// and nothing may panic.
func FuzzSearchPeopleDecode(f *testing.F) {
	f.Add("application/json", []byte(`{"employees":[{"id":"3332883804594373380","email":"ada@example.com",`+
		`"work":{"title":"255490048","reportsTo":{"id":"1"},"startDate":"2021-05-04"},`+
		`"/work/department":{"value":"209192170"},"internal":{"status":"Active"}}]}`))
	f.Add("application/json; charset=utf-8", []byte(`{"employees":[null,{"id":42,"work":null}]}`))
	f.Add("application/json", []byte(`{"employees":[{"id":"1","firstName":"Jo`))
	f.Add("text/html", []byte("<html><body>502 Bad Gateway</body></html>"))
	f.Add("application/json", []byte("\xef\xbb\xbf{\"employees\":[]}"))

	fields := mapping.Default().SourceFields()
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		client, err := hibob.NewClient(testCredentials,
			hibob.WithBaseURL(mockBaseURL),
			hibob.WithHTTPClient(&http.Client{Transport: &bodyTransport{contentType: contentType, body: body}}),
			hibob.WithRateLimit(rate.Inf, 1),
			hibob.WithRetryPolicy(hibob.RetryPolicy{}))
		if err != nil {
			t.Fatal(err)
		}

		employees, err := client.SearchPeople(t.Context(), &hibob.SearchRequest{Fields: fields, ShowInactive: true})
		if err != nil {
			var decodeErr *hibob.DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("got error %T %v, want a *hibob.DecodeError", err, err)
			}
			if decodeErr.StatusCode != http.StatusOK || decodeErr.Path != "/people/search" {
				t.Fatalf("DecodeError names status %d and path %q, want 200 and /people/search", decodeErr.StatusCode, decodeErr.Path)
			}
			return
		}
		for i, employee := range employees {
			if employee == nil {
				t.Fatalf("employee %d is nil", i)
			}
			readEveryField(t, employee, fields)
		}
	})
}

// readEveryField reads employee through every accessor, maps it with the
// default mapping and round-trips it through JSON.
func readEveryField(t *testing.T, employee *hibob.Employee, fields []string) {
	t.Helper()
	for _, field := range fields {
		employee.Field(field)
		employee.FieldString(field)
		employee.HumanReadable(field)
	}
	for _, read := range []func() string{
		employee.ID, employee.FirstName, employee.Surname, employee.DisplayName, employee.Email,
		employee.Title, employee.Department, employee.Site, employee.StartDate, employee.ManagerID,
		employee.Status, employee.LifecycleStatus, employee.TerminationDate, employee.EmployeeNumber,
	} {
		read()
	}
	_, _ = mapping.Default().Map(employee, fuzzLists)

	encoded, err := json.Marshal(employee)
	if err != nil {
		t.Fatalf("decoded employee does not marshal: %v", err)
	}
	var again hibob.Employee
	if err := json.Unmarshal(encoded, &again); err != nil {
		t.Fatalf("marshalled employee does not decode: %v\n%s", err, encoded)
	}
	if again.ID() != employee.ID() {
		t.Fatalf("id changed in a JSON round trip: %q became %q", employee.ID(), again.ID())
	}
}

// FuzzVerifySignature checks that a body signed with SignWebhook always
// verifies, that no other signature verifies unless it decodes to the same
// MAC, and that ParseWebhook agrees with VerifySignature and DecodeEvent.
func FuzzVerifySignature(f *testing.F) {
	f.Add([]byte("whsec-test-0123456789"), []byte(`{"type":"employee.updated"}`), "")
	f.Add([]byte("s"), []byte("Ping test"), "not base64 %%%")
	f.Add([]byte("s"), []byte{}, strings.Repeat("ab", 64))
	f.Add([]byte{}, []byte("x"), "eA==")

	f.Fuzz(func(t *testing.T, secret, body []byte, signature string) {
		if len(secret) > 0 {
			if err := hibob.VerifySignature(secret, body, hibob.SignWebhook(secret, body)); err != nil {
				t.Fatalf("a body signed with SignWebhook does not verify: %v", err)
			}
		}

		err := hibob.VerifySignature(secret, body, signature)
		if err == nil {
			if len(secret) == 0 {
				t.Fatal("an empty secret verified a signature")
			}
			want, _ := base64.StdEncoding.DecodeString(hibob.SignWebhook(secret, body))
			got, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
			if !bytes.Equal(got, want) {
				t.Fatalf("signature %q verified but does not decode to the MAC of the body", signature)
			}
		} else if len(secret) > 0 && !errors.Is(err, hibob.ErrInvalidSignature) {
			t.Fatalf("got %v, want an error matching ErrInvalidSignature", err)
		}

		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/webhooks/hibob", bytes.NewReader(body))
		req.Header.Set(hibob.SignatureHeader, signature)
		event, parseErr := hibob.ParseWebhook(req, secret)
		switch {
		case err != nil && parseErr == nil:
			t.Fatalf("ParseWebhook accepted a signature that VerifySignature rejects: %v", err)
		case err == nil && parseErr == nil && event == nil:
			t.Fatal("ParseWebhook returned neither an event nor an error")
		case err == nil && parseErr != nil && !errors.Is(parseErr, hibob.ErrInvalidEvent):
			t.Fatalf("ParseWebhook failed on a verified body with %v, want ErrInvalidEvent", parseErr)
		}
	})
}

// FuzzDecodeEvent decodes any body as a webhook event. A body that is not
// an event must give an error matching ErrInvalidEvent, and a decoded event
// must have a type and keep the body as valid JSON.
func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"companyId":636192,"type":"employee.updated","triggeredBy":"system",` +
		`"triggeredAt":"2025-01-08T13:06:26.915906","version":"v2",` +
		`"data":{"employeeId":"3332883804594373380","fieldUpdates":["work.title",{"fieldId":"root.email"}]}}`))
	f.Add([]byte("Ping test"))
	f.Add([]byte(`{"text":"Ping test"}`))
	f.Add([]byte(`{"type":"table.entry.created","data":{"tableId":1,"id":2,"effectiveDate":null}}`))
	f.Add([]byte(`{"type":"employee.updated","data":{"fieldUpdates":{}}}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		event, err := hibob.DecodeEvent(body)
		if err != nil {
			if !errors.Is(err, hibob.ErrInvalidEvent) {
				t.Fatalf("got %v, want an error matching ErrInvalidEvent", err)
			}
			if event != nil {
				t.Fatal("DecodeEvent returned an event with an error")
			}
			return
		}
		if event.Type == "" {
			t.Fatal("decoded event has no type")
		}
		if !json.Valid(event.Raw) {
			t.Fatalf("Raw is not valid JSON: %q", event.Raw)
		}
		for i, update := range event.Data.FieldUpdates {
			if !json.Valid(update.Raw) {
				t.Fatalf("fieldUpdates[%d].Raw is not valid JSON: %q", i, update.Raw)
			}
		}
		_, _ = event.TriggeredTime(time.UTC)
		event.IsPing()
	})
}
