package hibob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/qooper/hrsync/internal/rest"
)

// MaxSearchFields is the largest number of field ids that HiBob accepts in
// one people search or read.
const MaxSearchFields = 400

// DefaultBatchSize is the number of employee ids per search that
// SearchPeopleInBatches uses when it is given a batch size of 0.
const DefaultBatchSize = 100

// HumanReadable selects how a search returns display values.
type HumanReadable string

const (
	// HumanReadableNone returns machine values only: list item ids,
	// "yyyy-MM-dd" dates and employee ids.
	HumanReadableNone HumanReadable = ""
	// HumanReadableAppend adds a nested "humanReadable" object with display
	// values next to the machine values.
	HumanReadableAppend HumanReadable = "APPEND"
	// HumanReadableReplace puts display values in place of machine values.
	// Dates then follow the calling user's Bob settings, so never parse
	// them.
	HumanReadableReplace HumanReadable = "REPLACE"
)

// Filter is a people search filter. HiBob supports only the equals
// operator on root.id or root.email, with one or more values.
type Filter struct {
	// FieldPath is "root.id" or "root.email".
	FieldPath string
	// Values are the employee ids or e-mail addresses to match.
	Values []string
}

// FilterByID returns a filter that matches the employees with these ids.
func FilterByID(ids ...string) *Filter {
	return &Filter{FieldPath: "root.id", Values: ids}
}

// FilterByEmail returns a filter that matches the employees with these
// e-mail addresses.
func FilterByEmail(emails ...string) *Filter {
	return &Filter{FieldPath: "root.email", Values: emails}
}

// SearchRequest is the body of a people search.
type SearchRequest struct {
	// Fields lists field ids in dot notation, as in the id of fields
	// metadata, at most MaxSearchFields. When empty, HiBob returns the
	// default fields of the root, about, employment and work categories.
	// Custom fields come back only when listed.
	Fields []string
	// Filter restricts the search to some employee ids or e-mails.
	Filter *Filter
	// ShowInactive includes inactive employees, if the service user's
	// audience includes them.
	ShowInactive bool
	// HumanReadable selects display values. The default is machine values.
	HumanReadable HumanReadable
}

type searchBody struct {
	Fields        []string     `json:"fields,omitempty"`
	Filters       []filterBody `json:"filters,omitempty"`
	ShowInactive  bool         `json:"showInactive"`
	HumanReadable string       `json:"humanReadable,omitempty"`
}

type filterBody struct {
	FieldPath string   `json:"fieldPath"`
	Operator  string   `json:"operator"`
	Values    []string `json:"values"`
}

// body validates the request and returns its JSON form. HiBob rejects an
// empty filters array, so the property is omitted without a filter.
func (req *SearchRequest) body() (*searchBody, error) {
	if req == nil {
		req = &SearchRequest{}
	}
	if err := validateFields(req.Fields); err != nil {
		return nil, err
	}
	switch req.HumanReadable {
	case HumanReadableNone, HumanReadableAppend, HumanReadableReplace:
	default:
		return nil, fmt.Errorf("%w: HumanReadable %q, use APPEND, REPLACE or empty", ErrInvalidRequest, string(req.HumanReadable))
	}
	body := &searchBody{
		Fields:        req.Fields,
		ShowInactive:  req.ShowInactive,
		HumanReadable: string(req.HumanReadable),
	}
	if f := req.Filter; f != nil {
		if f.FieldPath != "root.id" && f.FieldPath != "root.email" {
			return nil, fmt.Errorf("%w: filter field path %q, HiBob filters only on root.id or root.email", ErrInvalidRequest, f.FieldPath)
		}
		if len(f.Values) == 0 {
			return nil, fmt.Errorf("%w: filter on %s has no values", ErrInvalidRequest, f.FieldPath)
		}
		body.Filters = []filterBody{{FieldPath: f.FieldPath, Operator: "equals", Values: f.Values}}
	}
	return body, nil
}

func validateFields(fields []string) error {
	if len(fields) > MaxSearchFields {
		return fmt.Errorf("%w: the request lists %d field ids, HiBob accepts at most %d", ErrInvalidRequest, len(fields), MaxSearchFields)
	}
	for i, field := range fields {
		if field == "" {
			return fmt.Errorf("%w: field id %d is empty", ErrInvalidRequest, i)
		}
	}
	return nil
}

// SearchPeople searches employees with POST /people/search. HiBob returns
// every match in one response, with no pagination, and silently omits the
// fields and employees that the service user may not see. The response is
// decoded as a stream. A response without an employees array is a
// *DecodeError, so that a broken response never reads as an empty company.
//
// HiBob API docs: https://apidocs.hibob.com/reference/post_people-search
func (c *Client) SearchPeople(ctx context.Context, req *SearchRequest) ([]*Employee, error) {
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	r := &rest.Request{Method: http.MethodPost, Path: "/people/search", Body: body, Idempotent: true}

	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}

	var employees []*Employee
	found := false
	err = decodeStream(r, resp, func(dec *json.Decoder) error {
		err := decodeObjectStream(dec, func(key string) (bool, error) {
			if key != "employees" {
				return false, nil
			}
			found = true
			return true, decodeEmployeeArray(dec, &employees)
		})
		if err == nil && !found {
			err = errors.New("the response has no employees array")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return employees, nil
}

// decodeEmployeeArray decodes a JSON array of employees one element at a
// time, so that the whole array is never buffered as text.
func decodeEmployeeArray(dec *json.Decoder, employees *[]*Employee) error {
	token, err := dec.Token()
	if err != nil {
		return err
	}
	if delim, ok := token.(json.Delim); !ok || delim != '[' {
		return fmt.Errorf("employees: got %v, want an array", token)
	}
	for dec.More() {
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if raw == nil {
			continue
		}
		dropDuplicateSlashKeys(raw)
		*employees = append(*employees, &Employee{raw: raw})
	}
	_, err = dec.Token()
	return err
}

type readBody struct {
	Fields []string `json:"fields,omitempty"`
}

// GetEmployee reads one employee with POST /people/{identifier}, where the
// identifier is an employee id or an e-mail address. Without fields, HiBob
// returns the default fields. An unknown identifier returns an error that
// matches ErrNotFound.
//
// HiBob API docs: https://apidocs.hibob.com/reference/post_people-identifier
func (c *Client) GetEmployee(ctx context.Context, idOrEmail string, fields []string) (*Employee, error) {
	if err := validatePathSegment("employee id or e-mail", idOrEmail); err != nil {
		return nil, err
	}
	if err := validateFields(fields); err != nil {
		return nil, err
	}
	r := &rest.Request{
		Method:     http.MethodPost,
		Path:       "/people/" + idOrEmail,
		Route:      "/people/{identifier}",
		Body:       readBody{Fields: fields},
		Idempotent: true,
	}

	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	value, err := decodeValue(r, resp)
	if err != nil {
		return nil, err
	}

	return unwrapEmployee(r, resp, value)
}

// unwrapEmployee accepts the employee at the top level, as HiBob sends it,
// or wrapped in an "employees" array, as its OpenAPI document describes.
func unwrapEmployee(r *rest.Request, resp *http.Response, value any) (*Employee, error) {
	object, ok := asObject(value)
	if !ok {
		return nil, newDecodeError(r, resp, fmt.Errorf("got %T, want a JSON object", value))
	}
	wrapped, hasWrapper := object["employees"].([]any)
	if !hasWrapper {
		return &Employee{raw: object}, nil
	}
	if len(wrapped) == 0 {
		return nil, fmt.Errorf("%w: %s %s returned no employee", ErrNotFound, r.Method, r.Route)
	}
	first, ok := asObject(wrapped[0])
	if !ok {
		return nil, newDecodeError(r, resp, fmt.Errorf("employees[0]: got %T, want a JSON object", wrapped[0]))
	}
	return &Employee{raw: first}, nil
}

// SearchPeopleInBatches returns the same employees, in the same order, as
// SearchPeople(ctx, req), for tenants too large for one response. It first
// searches the root.id of every match, honouring req.Filter and
// req.ShowInactive, then searches the full records batchSize ids at a time
// with a root.id filter. A batchSize of 0 means DefaultBatchSize.
//
// Employees added between the two steps are missing from the result and
// employees removed in between are left out.
func (c *Client) SearchPeopleInBatches(ctx context.Context, req *SearchRequest, batchSize int) ([]*Employee, error) {
	if req == nil {
		req = &SearchRequest{}
	}
	if batchSize < 0 {
		return nil, fmt.Errorf("%w: batch size %d is negative", ErrInvalidRequest, batchSize)
	}
	if batchSize == 0 {
		batchSize = DefaultBatchSize
	}
	if _, err := req.body(); err != nil {
		return nil, err
	}

	ids, err := c.searchIDs(ctx, req)
	if err != nil {
		return nil, err
	}

	employees := make([]*Employee, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(start+batchSize, len(ids))]
		batchReq := *req
		batchReq.Filter = FilterByID(batch...)
		found, err := c.SearchPeople(ctx, &batchReq)
		if err != nil {
			return nil, fmt.Errorf("hibob: search batch of employees %d to %d of %d: %w", start+1, start+len(batch), len(ids), err)
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "searched batch",
			slog.String("service", "hibob"),
			slog.Int("first", start+1),
			slog.Int("requested", len(batch)),
			slog.Int("returned", len(found)),
			slog.Int("total", len(ids)))
		for _, employee := range found {
			if id := employee.ID(); id != "" {
				if seen[id] {
					continue
				}
				seen[id] = true
			}
			employees = append(employees, employee)
		}
	}
	return employees, nil
}

// searchIDs returns the root.id of every employee that req matches, in the
// order HiBob returns them, without duplicates.
func (c *Client) searchIDs(ctx context.Context, req *SearchRequest) ([]string, error) {
	found, err := c.SearchPeople(ctx, &SearchRequest{
		Fields:       []string{"root.id"},
		Filter:       req.Filter,
		ShowInactive: req.ShowInactive,
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(found))
	seen := make(map[string]bool, len(found))
	for _, employee := range found {
		id := employee.ID()
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}
