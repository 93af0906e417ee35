package hibobtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/qooper/hrsync/hibob"
	"github.com/qooper/hrsync/internal/rest"
)

// WebhookEvent is a v2 webhook envelope as HiBob sends it.
type WebhookEvent struct {
	CompanyID   int64          `json:"companyId"`
	Type        string         `json:"type"`
	TriggeredBy string         `json:"triggeredBy"`
	TriggeredAt string         `json:"triggeredAt"`
	Version     string         `json:"version"`
	Data        map[string]any `json:"data"`
}

// triggeredAtLayout is HiBob's zoneless timestamp with microseconds.
const triggeredAtLayout = "2006-01-02T15:04:05.000000"

// EmployeeEvent returns a v2 event about one employee, triggered by the
// system now. For employee.updated, fieldUpdates lists the changed field
// ids.
//
// NOTE: HiBob does not publish the element shape of v2 fieldUpdates. The
// fake sends field ids as strings.
func (s *Server) EmployeeEvent(eventType hibob.EventType, employeeID string, fieldUpdates ...string) *WebhookEvent {
	data := map[string]any{"employeeId": employeeID}
	if eventType == hibob.EventEmployeeUpdated {
		updates := make([]any, 0, len(fieldUpdates))
		for _, id := range fieldUpdates {
			updates = append(updates, id)
		}
		data["fieldUpdates"] = updates
	}
	return &WebhookEvent{
		CompanyID:   s.companyID,
		Type:        string(eventType),
		TriggeredBy: "system",
		TriggeredAt: s.now().UTC().Format(triggeredAtLayout),
		Version:     "v2",
		Data:        data,
	}
}

// PingEvent is the body of Bob's connection test.
const PingEvent = "Ping test"

// SendWebhook posts event to a receiver on a loopback address, signed with
// secret in the Bob-Signature header. event may be []byte or a string,
// sent as they are, or any value, sent as JSON. It returns an error unless
// the receiver responds with a 2xx status.
func SendWebhook(ctx context.Context, receiverURL string, secret []byte, event any) error {
	u, err := url.Parse(receiverURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !rest.IsLoopback(u.Hostname()) {
		return fmt.Errorf("hibobtest: send webhook: %q is not an http URL on a loopback host", receiverURL)
	}
	var body []byte
	contentType := "application/json"
	switch v := event.(type) {
	case []byte:
		body = v
	case string:
		body = []byte(v)
		contentType = "text/plain; charset=utf-8"
	default:
		body, err = json.Marshal(v)
		if err != nil {
			return fmt.Errorf("hibobtest: send webhook: encode event: %w", err)
		}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, receiverURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("hibobtest: send webhook: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(hibob.SignatureHeader, hibob.SignWebhook(secret, body))
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("hibobtest: send webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("hibobtest: send webhook: the receiver responded with %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}
