package hibob

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/qooper/hrsync/internal/rest"
)

// NamedList is a company list such as "department", "title" or "site".
// List fields of an employee hold the id of one of its items.
type NamedList struct {
	Name  string      `json:"name"`
	Items []*ListItem `json:"items"`
}

// ListItem is one item of a named list. Items of hierarchy lists, such as
// departments, nest their sub-items in Children.
type ListItem struct {
	// ID is the item id as text. HiBob sends it as a number or as text
	// depending on the list, and employee fields always hold it as text.
	ID string `json:"id"`
	// Value is the item's label.
	Value string `json:"value"`
	// Name is the item's label too. HiBob sends both.
	Name     string      `json:"name"`
	Archived bool        `json:"archived"`
	Children []*ListItem `json:"children,omitempty"`
}

// Label returns Value, else Name.
func (item *ListItem) Label() string {
	if item.Value != "" {
		return item.Value
	}
	return item.Name
}

// UnmarshalJSON decodes an item whose id is a number or text. An empty
// children array decodes as nil.
func (item *ListItem) UnmarshalJSON(data []byte) error {
	var raw struct {
		ID       json.RawMessage `json:"id"`
		Value    json.RawMessage `json:"value"`
		Name     json.RawMessage `json:"name"`
		Archived json.RawMessage `json:"archived"`
		Children []*ListItem     `json:"children"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*item = ListItem{
		ID:       rawText(raw.ID),
		Value:    rawText(raw.Value),
		Name:     rawText(raw.Name),
		Archived: rawText(raw.Archived) == "true",
	}
	if len(raw.Children) > 0 {
		item.Children = raw.Children
	}
	return nil
}

// Labels maps each item id to its label. It includes archived items,
// because employees can still refer to them, and the children of
// hierarchy lists at every depth.
func (l *NamedList) Labels() map[string]string {
	labels := make(map[string]string)
	var walk func(items []*ListItem)
	walk = func(items []*ListItem) {
		for _, item := range items {
			if item == nil {
				continue
			}
			labels[item.ID] = item.Label()
			walk(item.Children)
		}
	}
	walk(l.Items)
	return labels
}

// UnmarshalJSON decodes a list that carries its items under "items",
// "values" or both, as HiBob sends them.
func (l *NamedList) UnmarshalJSON(data []byte) error {
	var raw struct {
		Name   json.RawMessage `json:"name"`
		Items  []*ListItem     `json:"items"`
		Values []*ListItem     `json:"values"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	l.Name = rawText(raw.Name)
	l.Items = raw.Items
	if l.Items == nil {
		l.Items = raw.Values
	}
	return nil
}

func listsQuery(includeArchived bool) url.Values {
	return url.Values{"includeArchived": {strconv.FormatBool(includeArchived)}}
}

// NamedLists returns every named list of the company by name, with GET
// /company/named-lists. Archived items are left out unless
// includeArchived is set. The response can be tens of MB.
//
// HiBob API docs: https://apidocs.hibob.com/docs/how-to-work-with-lists-public-api
func (c *Client) NamedLists(ctx context.Context, includeArchived bool) (map[string]*NamedList, error) {
	r := &rest.Request{
		Method:     http.MethodGet,
		Path:       "/company/named-lists",
		Query:      listsQuery(includeArchived),
		Idempotent: true,
	}

	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}

	var raw json.RawMessage
	if err := decodeStream(r, resp, func(dec *json.Decoder) error { return dec.Decode(&raw) }); err != nil {
		return nil, err
	}
	lists, err := decodeNamedLists(raw)
	if err != nil {
		return nil, newDecodeError(r, resp, err)
	}
	return lists, nil
}

// decodeNamedLists accepts the three shapes in use: an object keyed by list
// name (what HiBob sends), an array of lists (what its OpenAPI document
// describes) and an object with a "lists" array.
func decodeNamedLists(raw json.RawMessage) (map[string]*NamedList, error) {
	var array []*NamedList
	if err := json.Unmarshal(raw, &array); err == nil {
		return indexLists(array), nil
	}
	var wrapped struct {
		Lists []*NamedList `json:"lists"`
	}
	if err := json.Unmarshal(raw, &wrapped); err == nil && wrapped.Lists != nil {
		return indexLists(wrapped.Lists), nil
	}
	var byName map[string]*NamedList
	if err := json.Unmarshal(raw, &byName); err != nil {
		return nil, fmt.Errorf("named lists: want an object keyed by list name, an array or an object with a lists array")
	}
	lists := make(map[string]*NamedList, len(byName))
	for name, list := range byName {
		if list == nil {
			continue
		}
		if list.Name == "" {
			list.Name = name
		}
		lists[name] = list
	}
	return lists, nil
}

func indexLists(array []*NamedList) map[string]*NamedList {
	lists := make(map[string]*NamedList, len(array))
	for _, list := range array {
		if list != nil {
			lists[list.Name] = list
		}
	}
	return lists
}

// NamedList returns one named list with GET /company/named-lists/{name}.
// Names are case-sensitive: "terminationreason" exists and
// "terminationReason" returns an error that matches ErrNotFound.
//
// HiBob API docs: https://apidocs.hibob.com/docs/how-to-work-with-lists-public-api
func (c *Client) NamedList(ctx context.Context, name string, includeArchived bool) (*NamedList, error) {
	if err := validatePathSegment("list name", name); err != nil {
		return nil, err
	}
	r := &rest.Request{
		Method:     http.MethodGet,
		Path:       "/company/named-lists/" + name,
		Route:      "/company/named-lists/{name}",
		Query:      listsQuery(includeArchived),
		Idempotent: true,
	}

	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}

	list := new(NamedList)
	if err := decodeStream(r, resp, func(dec *json.Decoder) error { return dec.Decode(list) }); err != nil {
		return nil, err
	}
	if list.Name == "" {
		list.Name = name
	}
	return list, nil
}
