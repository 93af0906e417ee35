package hibob

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// SignatureHeader is the request header in which HiBob sends a webhook's
// signature.
const SignatureHeader = "Bob-Signature"

// MaxWebhookBytes caps the webhook body that ParseWebhook reads. HiBob's
// v2 events carry identifiers only and are far smaller.
const MaxWebhookBytes = 1 << 20

// Webhook errors.
var (
	// ErrInvalidSignature means that a webhook's Bob-Signature is missing
	// or does not match the body and the secret.
	ErrInvalidSignature = errors.New("hibob: invalid webhook signature")
	// ErrInvalidEvent means that a webhook body is not a HiBob event.
	ErrInvalidEvent = errors.New("hibob: invalid webhook event")
)

// EventType is the type of a webhook event, for example "employee.updated".
type EventType string

// Event types of HiBob's v2 webhooks. Other types decode too.
const (
	EventEmployeeCreated        EventType = "employee.created"
	EventEmployeeUpdated        EventType = "employee.updated"
	EventEmployeeDeleted        EventType = "employee.deleted"
	EventEmployeeJoined         EventType = "employee.joined"
	EventEmployeeLeft           EventType = "employee.left"
	EventEmployeeActivated      EventType = "employee.activated"
	EventEmployeeInactivated    EventType = "employee.inactivated"
	EventEmployeeTemporaryLeave EventType = "employee.temporaryLeave"
	EventTableEntryCreated      EventType = "table.entry.created"
	EventTableEntryUpdated      EventType = "table.entry.updated"
	// EventPing is the connection test that Bob sends when a webhook is
	// created, as the text "Ping test" or as {"text": "Ping test"}. It is
	// not one of HiBob's type names.
	EventPing EventType = "ping"
)

// Event is a decoded webhook. v2 events carry identifiers only, so a
// receiver reads the employee again, for example with GetEmployee.
type Event struct {
	// CompanyID is HiBob's company id, a number kept as text.
	CompanyID string
	Type      EventType
	// TriggeredBy is the employee id of the person who made the change, or
	// "system".
	TriggeredBy string
	// TriggeredAt is the time as HiBob sends it, without a time zone, for
	// example "2025-01-08T13:06:26.915906". TriggeredTime parses it.
	TriggeredAt string
	// Version is the webhook version, "v2" for the events this package
	// describes.
	Version string
	Data    EventData
	// Raw is the body as received.
	Raw json.RawMessage
}

// EventData is the data of an event. Members that an event type does not
// use are empty.
type EventData struct {
	EmployeeID string
	// FieldUpdates lists the fields that an employee.updated event reports
	// as changed.
	FieldUpdates []FieldUpdate
	// TableID, EffectiveDate and EntryID identify the table entry of
	// table.entry events: EffectiveDate for historical tables, EntryID
	// for the others.
	TableID       string
	EffectiveDate string
	EntryID       string
}

// FieldUpdate is one element of an employee.updated event's fieldUpdates.
//
// NOTE: HiBob does not publish the element shape of v2 fieldUpdates. An
// element that is a string is read as the field id. For an object, FieldID
// comes from the first of "fieldId", "fieldPath", "field", "id" and "name"
// that is present, and Raw keeps the whole element.
type FieldUpdate struct {
	FieldID string
	Raw     json.RawMessage
}

// IsPing reports whether the event is Bob's connection test.
func (e *Event) IsPing() bool { return e.Type == EventPing }

// TriggeredTime parses TriggeredAt in loc. HiBob sends no time zone, so the
// caller picks one, for example the company's or time.UTC.
func (e *Event) TriggeredTime(loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, e.TriggeredAt, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("hibob: invalid webhook triggeredAt %q", e.TriggeredAt)
}

// SignWebhook returns the Bob-Signature value for body: the Base64 encoding
// of its HMAC-SHA512 under secret.
func SignWebhook(secret, body []byte) string {
	mac := hmac.New(sha512.New, secret)
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks signature, the Bob-Signature header value,
// against the raw body and the webhook secret in constant time. It returns
// ErrInvalidSignature when the signature is missing, not Base64 or wrong.
func VerifySignature(secret, body []byte, signature string) error {
	if len(secret) == 0 {
		return errors.New("hibob: the webhook secret is empty, copy it from the webhook settings in Bob")
	}
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return fmt.Errorf("%w: the %s header is missing", ErrInvalidSignature, SignatureHeader)
	}
	got, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return fmt.Errorf("%w: the %s header is not Base64", ErrInvalidSignature, SignatureHeader)
	}
	mac := hmac.New(sha512.New, secret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return fmt.Errorf("%w: the signature does not match the body", ErrInvalidSignature)
	}
	return nil
}

// ParseWebhook reads the body of a webhook request, at most
// MaxWebhookBytes, checks its Bob-Signature against secret and decodes the
// event. A request without a Bob-Signature header is accepted only when it
// is Bob's connection test, which carries no data. It does not close
// r.Body, which the http.Server does.
func ParseWebhook(r *http.Request, secret []byte) (*Event, error) {
	if r.Body == nil {
		return nil, fmt.Errorf("%w: the request has no body", ErrInvalidEvent)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxWebhookBytes+1))
	if err != nil {
		return nil, fmt.Errorf("hibob: read webhook body: %w", err)
	}
	if len(body) > MaxWebhookBytes {
		return nil, fmt.Errorf("%w: the body exceeds %d bytes", ErrInvalidEvent, MaxWebhookBytes)
	}
	signature := r.Header.Get(SignatureHeader)
	if strings.TrimSpace(signature) == "" && len(secret) > 0 {
		// NOTE: HiBob does not document whether it signs the connection
		// test, so an unsigned ping is accepted rather than failing the
		// webhook setup in Bob.
		if event, err := DecodeEvent(body); err == nil && event.IsPing() {
			return event, nil
		}
	}
	if err := VerifySignature(secret, body, signature); err != nil {
		return nil, err
	}
	return DecodeEvent(body)
}

// DecodeEvent decodes a webhook body that was already verified. It accepts
// HiBob's v2 envelope with unknown members and types, and Bob's "Ping
// test" connection check, which decodes as an event of type EventPing.
func DecodeEvent(body []byte) (*Event, error) {
	trimmed := bytes.TrimSpace(body)
	if string(trimmed) == "Ping test" {
		return &Event{Type: EventPing, Raw: json.RawMessage(`"Ping test"`)}, nil
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the body is not a JSON object", ErrInvalidEvent)
	}

	var envelope struct {
		CompanyID   json.RawMessage            `json:"companyId"`
		Type        json.RawMessage            `json:"type"`
		TriggeredBy json.RawMessage            `json:"triggeredBy"`
		TriggeredAt json.RawMessage            `json:"triggeredAt"`
		Version     json.RawMessage            `json:"version"`
		Text        json.RawMessage            `json:"text"`
		Data        map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(trimmed, &envelope); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidEvent, err)
	}
	event := &Event{
		CompanyID:   rawText(envelope.CompanyID),
		Type:        EventType(rawText(envelope.Type)),
		TriggeredBy: rawText(envelope.TriggeredBy),
		TriggeredAt: rawText(envelope.TriggeredAt),
		Version:     rawText(envelope.Version),
		Raw:         json.RawMessage(trimmed),
	}
	if event.Type == "" {
		if rawText(envelope.Text) == "Ping test" {
			event.Type = EventPing
			return event, nil
		}
		return nil, fmt.Errorf("%w: the event has no type", ErrInvalidEvent)
	}

	data := envelope.Data
	event.Data = EventData{
		EmployeeID:    rawText(data["employeeId"]),
		TableID:       rawText(data["tableId"]),
		EffectiveDate: rawText(data["effectiveDate"]),
		EntryID:       rawText(data["id"]),
	}
	if raw := data["fieldUpdates"]; len(raw) > 0 && string(raw) != "null" {
		updates, err := decodeFieldUpdates(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: fieldUpdates: %v", ErrInvalidEvent, err)
		}
		event.Data.FieldUpdates = updates
	}
	return event, nil
}

func decodeFieldUpdates(raw json.RawMessage) ([]FieldUpdate, error) {
	var elements []json.RawMessage
	if err := json.Unmarshal(raw, &elements); err != nil {
		return nil, errors.New("want an array")
	}
	updates := make([]FieldUpdate, 0, len(elements))
	for _, element := range elements {
		update := FieldUpdate{Raw: element}
		var object map[string]json.RawMessage
		if json.Unmarshal(element, &object) == nil {
			for _, key := range []string{"fieldId", "fieldPath", "field", "id", "name"} {
				if id := rawText(object[key]); id != "" {
					update.FieldID = id
					break
				}
			}
		} else {
			update.FieldID = rawText(element)
		}
		updates = append(updates, update)
	}
	return updates, nil
}
