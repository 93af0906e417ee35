package hibob_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/hibob/hibobtest"
)

var webhookSecret = []byte("whsec-test-0123456789")

func TestSignWebhookMatchesHMACSHA512(t *testing.T) {
	t.Parallel()
	body := []byte(`{"type":"employee.updated"}`)
	mac := hmac.New(sha512.New, webhookSecret)
	mac.Write(body)

	assert.Equal(t, base64.StdEncoding.EncodeToString(mac.Sum(nil)), hibob.SignWebhook(webhookSecret, body))
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	body := []byte(`{"type":"employee.updated"}`)
	valid := hibob.SignWebhook(webhookSecret, body)
	tests := []struct {
		name      string
		secret    []byte
		body      []byte
		signature string
		wantErr   error
	}{
		{"valid", webhookSecret, body, valid, nil},
		{"valid with spaces", webhookSecret, body, " " + valid + "\n", nil},
		{"missing", webhookSecret, body, "", hibob.ErrInvalidSignature},
		{"not base64", webhookSecret, body, "%%%", hibob.ErrInvalidSignature},
		{"other secret", []byte("other"), body, valid, hibob.ErrInvalidSignature},
		{"changed body", webhookSecret, []byte(`{"type":"employee.deleted"}`), valid, hibob.ErrInvalidSignature},
		{"hex instead of base64", webhookSecret, body, strings.Repeat("ab", 64), hibob.ErrInvalidSignature},
	}
	for _, tt := range tests {
		err := hibob.VerifySignature(tt.secret, tt.body, tt.signature)
		if tt.wantErr == nil {
			assert.NoError(t, err, tt.name)
		} else {
			assert.ErrorIs(t, err, tt.wantErr, tt.name)
		}
	}
}

func TestVerifySignatureRejectsEmptySecret(t *testing.T) {
	t.Parallel()
	body := []byte("x")

	err := hibob.VerifySignature(nil, body, hibob.SignWebhook(nil, body))

	require.Error(t, err)
	assert.NotErrorIs(t, err, hibob.ErrInvalidSignature, "a missing secret is a setup error, not a bad request")
}

func TestDecodeEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want *hibob.Event
	}{
		{
			name: "employee updated with string field ids",
			body: `{"companyId":636192,"type":"employee.updated","triggeredBy":"3332883804594373380",` +
				`"triggeredAt":"2025-01-08T13:06:26.915906","version":"v2",` +
				`"data":{"employeeId":"3332883884017713938","fieldUpdates":["work.title","root.email"]},"extra":1}`,
			want: &hibob.Event{
				CompanyID: "636192", Type: hibob.EventEmployeeUpdated, TriggeredBy: "3332883804594373380",
				TriggeredAt: "2025-01-08T13:06:26.915906", Version: "v2",
				Data: hibob.EventData{EmployeeID: "3332883884017713938", FieldUpdates: []hibob.FieldUpdate{
					{FieldID: "work.title", Raw: json.RawMessage(`"work.title"`)},
					{FieldID: "root.email", Raw: json.RawMessage(`"root.email"`)},
				}},
			},
		},
		{
			name: "employee updated with object field updates",
			body: `{"type":"employee.updated","data":{"employeeId":"1","fieldUpdates":[` +
				`{"fieldId":"work.title","oldValue":"1","newValue":"2"},{"field":"root.surname"},{"unknown":true}]}}`,
			want: &hibob.Event{
				Type: hibob.EventEmployeeUpdated,
				Data: hibob.EventData{EmployeeID: "1", FieldUpdates: []hibob.FieldUpdate{
					{FieldID: "work.title", Raw: json.RawMessage(`{"fieldId":"work.title","oldValue":"1","newValue":"2"}`)},
					{FieldID: "root.surname", Raw: json.RawMessage(`{"field":"root.surname"}`)},
					{Raw: json.RawMessage(`{"unknown":true}`)},
				}},
			},
		},
		{
			name: "historical table entry",
			body: `{"type":"table.entry.created","triggeredBy":"system","version":"v2",` +
				`"data":{"employeeId":"1","tableId":"work","effectiveDate":"2025-02-01"}}`,
			want: &hibob.Event{
				Type: hibob.EventTableEntryCreated, TriggeredBy: "system", Version: "v2",
				Data: hibob.EventData{EmployeeID: "1", TableID: "work", EffectiveDate: "2025-02-01"},
			},
		},
		{
			name: "non-historical table entry",
			body: `{"type":"table.entry.updated","data":{"employeeId":"1","tableId":1234,"id":99,"effectiveDate":null}}`,
			want: &hibob.Event{
				Type: hibob.EventTableEntryUpdated,
				Data: hibob.EventData{EmployeeID: "1", TableID: "1234", EntryID: "99"},
			},
		},
		{
			name: "lifecycle event without data",
			body: `{"type":"employee.left","companyId":"636192"}`,
			want: &hibob.Event{Type: hibob.EventEmployeeLeft, CompanyID: "636192"},
		},
		{
			name: "unknown type",
			body: `{"type":"employee.renamed","data":{"employeeId":"5"}}`,
			want: &hibob.Event{Type: "employee.renamed", Data: hibob.EventData{EmployeeID: "5"}},
		},
		{
			name: "ping text",
			body: "Ping test\n",
			want: &hibob.Event{Type: hibob.EventPing},
		},
		{
			name: "ping JSON",
			body: `{"text":"Ping test"}`,
			want: &hibob.Event{Type: hibob.EventPing},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			event, err := hibob.DecodeEvent([]byte(tt.body))

			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, event, cmpopts.IgnoreFields(hibob.Event{}, "Raw")); diff != "" {
				t.Errorf("event mismatch (-want +got):\n%s", diff)
			}
			assert.Equal(t, tt.want.Type == hibob.EventPing, event.IsPing())
			assert.NotEmpty(t, event.Raw)
		})
	}
}

func TestDecodeEventRejectsInvalidBodies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `hello`, `[]`, `{"type":`, `{"data":{}}`, `{"type":"employee.updated","data":{"fieldUpdates":{}}}`} {
		_, err := hibob.DecodeEvent([]byte(body))
		assert.ErrorIs(t, err, hibob.ErrInvalidEvent, "%q", body)
	}
}

func TestEventTriggeredTime(t *testing.T) {
	t.Parallel()
	event := &hibob.Event{TriggeredAt: "2025-01-08T13:06:26.915906"}
	berlin := time.FixedZone("CET", 3600)

	inUTC, err := event.TriggeredTime(nil)
	require.NoError(t, err)
	inBerlin, err := event.TriggeredTime(berlin)
	require.NoError(t, err)
	_, err = (&hibob.Event{TriggeredAt: "08/01/2025"}).TriggeredTime(time.UTC)

	assert.Equal(t, time.Date(2025, 1, 8, 13, 6, 26, 915906000, time.UTC), inUTC)
	assert.Equal(t, time.Hour, inUTC.Sub(inBerlin))
	assert.Error(t, err)
}

// webhookReceiver records the events that ParseWebhook accepts and
// responds with 401 to the ones it rejects.
func webhookReceiver(t *testing.T, secret []byte) (*httptest.Server, func() []*hibob.Event) {
	t.Helper()
	var mu sync.Mutex
	var events []*hibob.Event
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		event, err := hibob.ParseWebhook(r, secret)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		events = append(events, event)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)
	received := func() []*hibob.Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]*hibob.Event(nil), events...)
	}
	return receiver, received
}

func TestParseWebhookFromFake(t *testing.T) {
	t.Parallel()
	srv := hibobtest.Start(t)
	receiver, received := webhookReceiver(t, webhookSecret)
	event := srv.EmployeeEvent(hibob.EventEmployeeUpdated, "3332883884017713938", "work.title")

	require.NoError(t, hibobtest.SendWebhook(t.Context(), receiver.URL, webhookSecret, event))
	require.NoError(t, hibobtest.SendWebhook(t.Context(), receiver.URL, webhookSecret, hibobtest.PingEvent))
	require.NoError(t, hibobtest.SendWebhook(t.Context(), receiver.URL, webhookSecret, map[string]string{"text": "Ping test"}))
	err := hibobtest.SendWebhook(t.Context(), receiver.URL, []byte("wrong secret"), event)

	require.Error(t, err, "a receiver must reject a body signed with another secret")
	events := received()
	require.Len(t, events, 3)
	got := events[0]
	assert.Equal(t, hibob.EventEmployeeUpdated, got.Type)
	assert.Equal(t, "3332883884017713938", got.Data.EmployeeID)
	assert.Equal(t, "work.title", got.Data.FieldUpdates[0].FieldID)
	assert.Equal(t, "v2", got.Version)
	assert.Equal(t, "636192", got.CompanyID)
	_, err = got.TriggeredTime(time.UTC)
	assert.NoError(t, err)
	assert.True(t, events[1].IsPing())
	assert.True(t, events[2].IsPing())
}

func TestParseWebhookRejectsLargeBody(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("a"), hibob.MaxWebhookBytes+1)
	r := httptest.NewRequest(http.MethodPost, "/hooks/hibob", bytes.NewReader(body))
	r.Header.Set(hibob.SignatureHeader, hibob.SignWebhook(webhookSecret, body))

	_, err := hibob.ParseWebhook(r, webhookSecret)

	assert.ErrorIs(t, err, hibob.ErrInvalidEvent)
}

func TestParseWebhookRejectsMissingSignature(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/hooks/hibob", strings.NewReader(`{"type":"employee.created"}`))

	_, err := hibob.ParseWebhook(r, webhookSecret)

	assert.ErrorIs(t, err, hibob.ErrInvalidSignature)
}

func TestParseWebhookUnsignedPing(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"Ping test", `{"text":"Ping test"}`} {
		r := httptest.NewRequest(http.MethodPost, "/hooks/hibob", strings.NewReader(body))

		event, err := hibob.ParseWebhook(r, webhookSecret)

		require.NoError(t, err, body)
		assert.True(t, event.IsPing(), body)
	}
	wrong := httptest.NewRequest(http.MethodPost, "/hooks/hibob", strings.NewReader("Ping test"))
	wrong.Header.Set(hibob.SignatureHeader, hibob.SignWebhook([]byte("other"), []byte("Ping test")))

	_, err := hibob.ParseWebhook(wrong, webhookSecret)

	assert.ErrorIs(t, err, hibob.ErrInvalidSignature, "a ping with a wrong signature is rejected")
}
