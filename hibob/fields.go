package hibob

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/qooper/hrsync/internal/rest"
)

// FieldMetadata describes one employee field of the company, built-in or
// custom.
type FieldMetadata struct {
	// ID is the field id used in searches and by Employee.Field, for
	// example "work.department" or "work.custom.field_1698036945383".
	ID string `json:"id"`
	// Category is the category name, for example "work".
	Category string `json:"category"`
	// CategoryID is the backend id of the category that permissions refer
	// to: text for built-in categories, a number (kept as text) for custom
	// ones.
	CategoryID string `json:"categoryId"`
	// Name is the field's label in Bob, for example "Department".
	Name string `json:"name"`
	// JSONPath is the value's path in an employee record. Root fields have
	// no "root." prefix, so root.email has the path "email".
	JSONPath string `json:"jsonPath"`
	// Type is HiBob's field type, for example "text", "date", "list",
	// "hierarchy-list", "employee-reference" or "number".
	Type string `json:"type"`
	// TypeData carries the named list of list fields.
	TypeData TypeData `json:"typeData"`
	// Historical reports whether the field is kept in a history table.
	Historical bool `json:"historical"`
}

// TypeData is the type-specific part of FieldMetadata.
type TypeData struct {
	// ListID is the name of the named list that a list field's values come
	// from, for example "department".
	ListID string `json:"listId,omitempty"`
}

// UnmarshalJSON decodes a field, accepting text or numbers for the ids and
// null for any member.
func (f *FieldMetadata) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var typeData map[string]json.RawMessage
	if len(raw["typeData"]) > 0 {
		// A typeData that is not an object carries no list id.
		_ = json.Unmarshal(raw["typeData"], &typeData)
	}
	*f = FieldMetadata{
		ID:         rawText(raw["id"]),
		Category:   rawText(raw["category"]),
		CategoryID: rawText(raw["categoryId"]),
		Name:       rawText(raw["name"]),
		JSONPath:   rawText(raw["jsonPath"]),
		Type:       rawText(raw["type"]),
		TypeData:   TypeData{ListID: rawText(typeData["listId"])},
		Historical: rawText(raw["historical"]) == "true",
	}
	return nil
}

// Fields returns the metadata of every employee field of the company,
// including custom fields, with GET /company/people/fields. It needs no
// permission, so it also checks that the credentials work.
//
// HiBob API docs: https://apidocs.hibob.com/reference/get_company-people-fields
func (c *Client) Fields(ctx context.Context) ([]*FieldMetadata, error) {
	r := &rest.Request{Method: http.MethodGet, Path: "/company/people/fields", Idempotent: true}

	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}

	var raw json.RawMessage
	if err := decodeStream(r, resp, func(dec *json.Decoder) error { return dec.Decode(&raw) }); err != nil {
		return nil, err
	}
	fields, err := decodeFields(raw)
	if err != nil {
		return nil, newDecodeError(r, resp, err)
	}
	return fields, nil
}

// decodeFields accepts a bare array, as HiBob sends it, or an object with
// a "fields" array.
func decodeFields(raw json.RawMessage) ([]*FieldMetadata, error) {
	var fields []*FieldMetadata
	if err := json.Unmarshal(raw, &fields); err == nil {
		return fields, nil
	}
	var wrapped struct {
		Fields []*FieldMetadata `json:"fields"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil || wrapped.Fields == nil {
		return nil, fmt.Errorf("fields metadata: want an array or an object with a fields array")
	}
	return wrapped.Fields, nil
}
