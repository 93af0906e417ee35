package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// guardTimeout bounds how long a test waits for the processor, so that a
// broken receiver fails the test instead of hanging it. No test depends on
// how fast the receiver is.
const guardTimeout = 30 * time.Second

var testSecret = []byte("webhook-secret-for-tests")

// lockedBuffer is a log destination that is safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startReceiver serves a Receiver on a loopback port and returns its URL,
// its queue and its logs.
func startReceiver(t *testing.T) (string, *Queue, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	queue := NewQueue(100)
	receiver := &Receiver{Secret: testSecret, Queue: queue, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	return server.URL + "/hibob/webhook", queue, logs
}

func post(t *testing.T, url string, body []byte, signature string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(hibob.SignatureHeader, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp
}

func eventBody(t *testing.T, eventType hibob.EventType, employeeID string) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"companyId":   636192,
		"type":        string(eventType),
		"triggeredBy": "system",
		"triggeredAt": "2026-03-02T10:00:00.000000",
		"version":     "v2",
		"data":        map[string]any{"employeeId": employeeID, "fieldUpdates": []string{"root.email"}},
	})
	require.NoError(t, err)
	return body
}

func TestReceiverQueuesSignedEvent(t *testing.T) {
	url, queue, _ := startReceiver(t)
	event := hibob.EventEmployeeUpdated

	err := hibobtest.SendWebhook(t.Context(), url, testSecret, eventBody(t, event, "3332883804594373380"))

	require.NoError(t, err)
	assert.Equal(t, 1, queue.Len())
	id, ok := queue.Next(t.Context())
	require.True(t, ok)
	assert.Equal(t, "3332883804594373380", id)
}

func TestReceiverRejectsBadSignatures(t *testing.T) {
	url, queue, logs := startReceiver(t)
	body := eventBody(t, hibob.EventEmployeeUpdated, "personal-marker-1042")

	tests := []struct {
		name      string
		signature string
	}{
		{"missing", ""},
		{"not base64", "not a signature"},
		{"wrong secret", hibob.SignWebhook([]byte("another secret"), body)},
		{"other body", hibob.SignWebhook(testSecret, []byte(`{"type":"employee.updated"}`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, url, body, tt.signature)

			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		})
	}
	assert.Zero(t, queue.Len())
	assert.Equal(t, len(tests), strings.Count(logs.String(), "missing or invalid Bob-Signature"))
	assert.NotContains(t, logs.String(), "personal-marker-1042", "the log shows the body")
}

func TestReceiverAnswersPing(t *testing.T) {
	url, queue, logs := startReceiver(t)

	resp := post(t, url, []byte(hibobtest.PingEvent), hibob.SignWebhook(testSecret, []byte(hibobtest.PingEvent)))

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Zero(t, queue.Len())
	assert.Contains(t, logs.String(), "webhook ping received")
}

func TestReceiverRejectsInvalidEvent(t *testing.T) {
	url, queue, _ := startReceiver(t)
	body := []byte(`[1, 2, 3]`)

	resp := post(t, url, body, hibob.SignWebhook(testSecret, body))

	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Zero(t, queue.Len())
}

func TestReceiverRejectsGet(t *testing.T) {
	url, _, _ := startReceiver(t)

	resp, err := http.Get(url)

	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestReceiverIgnoresEventWithoutEmployee(t *testing.T) {
	url, queue, _ := startReceiver(t)
	body := []byte(`{"companyId": 636192, "type": "company.updated", "version": "v2", "data": {}}`)

	resp := post(t, url, body, hibob.SignWebhook(testSecret, body))

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Zero(t, queue.Len())
}

func TestReceiverFullQueueAnswers503(t *testing.T) {
	logs := &lockedBuffer{}
	queue := NewQueue(1)
	server := httptest.NewServer(&Receiver{Secret: testSecret, Queue: queue, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	t.Cleanup(server.Close)
	first, second := eventBody(t, hibob.EventEmployeeUpdated, "1"), eventBody(t, hibob.EventEmployeeUpdated, "2")

	assert.Equal(t, http.StatusOK, post(t, server.URL, first, hibob.SignWebhook(testSecret, first)).StatusCode)
	resp := post(t, server.URL, second, hibob.SignWebhook(testSecret, second))

	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "60", resp.Header.Get("Retry-After"))
}

func TestQueueCoalescesWaitingIDs(t *testing.T) {
	queue := NewQueue(10)

	for _, id := range []string{"1", "2", "1", "1", "3", "2"} {
		_, err := queue.Add(id)
		require.NoError(t, err)
	}

	assert.Equal(t, 3, queue.Len())
	var order []string
	for range 3 {
		id, ok := queue.Next(t.Context())
		require.True(t, ok)
		order = append(order, id)
	}
	assert.Equal(t, []string{"1", "2", "3"}, order)
	added, err := queue.Add("1")
	require.NoError(t, err)
	assert.True(t, added, "an id that left the queue is added again")
}

func TestQueueNextStopsWithContext(t *testing.T) {
	queue := NewQueue(10)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, ok := queue.Next(ctx)

	assert.False(t, ok)
}

// blockingSyncer records the employees it syncs and blocks each sync
// until the test releases it.
type blockingSyncer struct {
	started chan string
	release chan struct{}
}

func (s *blockingSyncer) SyncEmployee(ctx context.Context, employeeID string) (*syncer.Report, error) {
	s.started <- employeeID
	select {
	case <-s.release:
		return &syncer.Report{}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guardTimeout):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

func TestReceiverAnswersBeforeSyncEnds(t *testing.T) {
	url, queue, _ := startReceiver(t)
	blocking := &blockingSyncer{started: make(chan string, 10), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	processor := &Processor{Queue: queue, Syncer: blocking, Logger: slog.New(slog.DiscardHandler)}
	go processor.Run(ctx)
	body := eventBody(t, hibob.EventEmployeeUpdated, "1042")

	resp := post(t, url, body, hibob.SignWebhook(testSecret, body))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "1042", receive(t, blocking.started, "the sync of 1042"))

	// Three more events arrive while the sync of 1042 runs: they coalesce
	// into one more sync.
	for range 3 {
		resp := post(t, url, body, hibob.SignWebhook(testSecret, body))
		assert.Equal(t, http.StatusOK, resp.StatusCode, "the receiver waits for a sync in progress")
	}
	assert.Equal(t, 1, queue.Len())
	blocking.release <- struct{}{}
	assert.Equal(t, "1042", receive(t, blocking.started, "the second sync of 1042"))
	blocking.release <- struct{}{}
	assert.Zero(t, queue.Len())
}

func TestSignedEventSyncsEmployee(t *testing.T) {
	company := hibobtest.SampleCompanyAt(7, hibobtest.MinCompanySize, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	fakeHiBob := hibobtest.Start(t, hibobtest.WithCompany(company))
	fakeQooper := qoopertest.Start(t, qoopertest.WithRateLimit(rate.Inf, 1))
	hibobClient, err := hibob.NewClient(fakeHiBob.Credentials(), hibob.WithBaseURL(fakeHiBob.URL()), hibob.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	qooperClient, err := qooper.NewClient(fakeQooper.URL(), fakeQooper.Token(), qooper.WithRateLimit(rate.Inf, 1))
	require.NoError(t, err)
	s, err := syncer.New(syncer.NewHiBobSource(hibobClient), syncer.NewQooperTarget(qooperClient), mapping.Default())
	require.NoError(t, err)

	url, queue, _ := startReceiver(t)
	synced := make(chan string, 10)
	processor := &Processor{
		Queue:  queue,
		Syncer: s,
		Logger: slog.New(slog.DiscardHandler),
		Synced: func(employeeID string, report *syncer.Report, err error) {
			assert.NoError(t, err)
			if assert.NotNil(t, report) {
				assert.Equal(t, 1, report.Count(syncer.Applied))
			}
			synced <- employeeID
		},
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go processor.Run(ctx)
	employee := company.People[3]

	err = hibobtest.SendWebhook(t.Context(), url, testSecret, fakeHiBob.EmployeeEvent(hibob.EventEmployeeCreated, employee.ID))

	require.NoError(t, err)
	assert.Equal(t, employee.ID, receive(t, synced, "the sync of the employee"))
	users := fakeQooper.Users()
	require.Len(t, users, 1, "the sync wrote only that employee")
	require.NotNil(t, users[0].ExternalID)
	assert.Equal(t, employee.ID, *users[0].ExternalID)
	assert.Equal(t, employee.Email, users[0].Email)
}
