package hibobtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/qooper/hrsync/hibob"
)

// maxFields is the largest number of field ids HiBob accepts per request.
const maxFields = 400

// defaultCategories are the categories whose fields a search returns when
// the request lists no fields.
var defaultCategories = map[string]bool{"root": true, "about": true, "employment": true, "work": true}

// searchRequest is a decoded people search or read body.
type searchRequest struct {
	fields        []string
	filterPath    string
	filterValues  []string
	hasFilter     bool
	showInactive  bool
	humanReadable string
}

// badRequest is a 400 with HiBob's error body.
type badRequest struct{ key, message string }

func (e *badRequest) Error() string { return e.message }

// decodeSearchRequest validates a body the way HiBob does: at most one
// filter, on root.id or root.email, with the equals operator and at least
// one value, no empty filters array, at most 400 fields, and valid JSON.
func decodeSearchRequest(body []byte, allowFilters bool) (*searchRequest, error) {
	req := &searchRequest{}
	if len(bytes.TrimSpace(body)) == 0 {
		return req, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, &badRequest{"request.malformed", "Malformed JSON request body: " + err.Error()}
	}
	if fields, ok := raw["fields"]; ok && string(fields) != "null" {
		if err := json.Unmarshal(fields, &req.fields); err != nil {
			return nil, &badRequest{"request.fields.invalid", "fields must be an array of field ids"}
		}
		if len(req.fields) > maxFields {
			return nil, &badRequest{"request.fields.tooMany", fmt.Sprintf("Too many fields requested: %d, the maximum is %d", len(req.fields), maxFields)}
		}
	}
	if showInactive, ok := raw["showInactive"]; ok && string(showInactive) != "null" {
		if err := json.Unmarshal(showInactive, &req.showInactive); err != nil {
			return nil, &badRequest{"request.showInactive.invalid", "showInactive must be a boolean"}
		}
	}
	if humanReadable, ok := raw["humanReadable"]; ok && string(humanReadable) != "null" {
		if err := json.Unmarshal(humanReadable, &req.humanReadable); err != nil {
			return nil, &badRequest{"request.humanReadable.invalid", "humanReadable must be a string"}
		}
		switch req.humanReadable {
		case "", "APPEND", "REPLACE":
		default:
			return nil, &badRequest{"request.humanReadable.invalid", "humanReadable must be APPEND or REPLACE"}
		}
	}
	filters, ok := raw["filters"]
	if !ok || !allowFilters {
		return req, nil
	}
	var list []struct {
		FieldPath string   `json:"fieldPath"`
		Operator  string   `json:"operator"`
		Values    []string `json:"values"`
	}
	if err := json.Unmarshal(filters, &list); err != nil {
		return nil, &badRequest{"request.filters.invalid", "filters must be an array of filter objects"}
	}
	switch {
	case len(list) == 0:
		return nil, &badRequest{"request.filters.empty", "filters must not be empty, omit the property to search without a filter"}
	case len(list) > 1:
		return nil, &badRequest{"request.filters.tooMany", "Only one filter is supported"}
	}
	filter := list[0]
	switch {
	case filter.FieldPath != "root.id" && filter.FieldPath != "root.email":
		return nil, &badRequest{"request.filters.fieldPath", fmt.Sprintf("Unsupported filter fieldPath %q, use root.id or root.email", filter.FieldPath)}
	case filter.Operator != "equals":
		return nil, &badRequest{"request.filters.operator", fmt.Sprintf("Unsupported filter operator %q, use equals", filter.Operator)}
	case len(filter.Values) == 0:
		return nil, &badRequest{"request.filters.values", "Filter values must not be empty"}
	}
	req.hasFilter = true
	req.filterPath = filter.FieldPath
	req.filterValues = filter.Values
	return req, nil
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	body, _ := readBody(r)
	req, err := decodeSearchRequest(body, true)
	if err != nil {
		writeBadRequest(w, err)
		return
	}

	s.mu.RLock()
	fields := s.resolveFields(req.fields)
	matches := s.matchIDs(req)
	employees := make([]map[string]any, 0, len(matches))
	for _, id := range matches {
		employees = append(employees, s.project(s.records[id], fields, req.humanReadable))
	}
	s.mu.RUnlock()

	writeJSON(w, http.StatusOK, map[string]any{"employees": employees})
}

// matchIDs returns the ids that a search returns, in stored order.
func (s *Server) matchIDs(req *searchRequest) []string {
	if req.hasFilter && req.filterPath == "root.id" {
		return s.matchIDFilter(req)
	}
	var filterMatches map[string]bool
	if req.hasFilter {
		filterMatches = make(map[string]bool, len(req.filterValues))
		for _, v := range req.filterValues {
			filterMatches[strings.ToLower(v)] = true
		}
	}
	var ids []string
	for _, id := range s.order {
		record := s.records[id]
		if !s.visible(record, req.showInactive) {
			continue
		}
		if filterMatches != nil {
			key := id
			if req.filterPath == "root.email" {
				key = textOf(record["email"])
			}
			if !filterMatches[strings.ToLower(key)] {
				continue
			}
		}
		ids = append(ids, id)
	}
	return ids
}

// matchIDFilter serves a root.id filter by looking each id up, so that a
// client searching a large company in batches does not make every batch
// scan all employees.
func (s *Server) matchIDFilter(req *searchRequest) []string {
	ids := make([]string, 0, len(req.filterValues))
	seen := make(map[string]bool, len(req.filterValues))
	for _, id := range req.filterValues {
		record, ok := s.records[id]
		if !ok || seen[id] || !s.visible(record, req.showInactive) {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return s.position[a] - s.position[b] })
	return ids
}

// visible reports whether the service user sees the employee: active
// employees always, inactive ones only when asked for and in the audience.
func (s *Server) visible(record map[string]any, showInactive bool) bool {
	status, _ := getPath(record, []string{"internal", "status"})
	if textOf(status) == "Active" {
		return true
	}
	return showInactive && s.inactiveVisible
}

func (s *Server) handleRead(w http.ResponseWriter, r *http.Request) {
	body, _ := readBody(r)
	req, err := decodeSearchRequest(body, false)
	if err != nil {
		writeBadRequest(w, err)
		return
	}
	identifier := r.PathValue("identifier")

	s.mu.RLock()
	record := s.findLocked(identifier)
	var employee map[string]any
	if record != nil && s.visible(record, true) {
		employee = s.project(record, s.resolveFields(req.fields), req.humanReadable)
	}
	s.mu.RUnlock()

	if employee == nil {
		writeError(w, http.StatusNotFound, "employee.not.found", "Employee not found")
		return
	}
	writeJSON(w, http.StatusOK, employee)
}

// findLocked finds an employee by id, else by e-mail ignoring case. When
// two employees share an e-mail, the first in stored order wins.
func (s *Server) findLocked(identifier string) map[string]any {
	if record, ok := s.records[identifier]; ok {
		return record
	}
	for _, id := range s.order {
		record := s.records[id]
		if email := textOf(record["email"]); email != "" && strings.EqualFold(email, identifier) {
			return record
		}
	}
	return nil
}

// resolveFields returns the metadata of the requested fields that the
// service user may see, in request order. Unknown ids are dropped, as
// HiBob drops them. Without requested fields it returns the default
// categories' fields, custom fields excepted.
func (s *Server) resolveFields(requested []string) []*hibob.FieldMetadata {
	var fields []*hibob.FieldMetadata
	if len(requested) == 0 {
		for _, field := range s.fields {
			if defaultCategories[field.Category] && !strings.Contains(field.ID, ".custom.") && !s.hidden[field.ID] {
				fields = append(fields, field)
			}
		}
		return fields
	}
	seen := make(map[string]bool, len(requested))
	for _, id := range requested {
		field, ok := s.fieldsByID[id]
		if !ok || s.hidden[id] || seen[id] {
			continue
		}
		seen[id] = true
		fields = append(fields, field)
	}
	return fields
}

// project builds the response form of a record for the given fields: each
// value nested at its JSON path and, when not null, under its slash key.
func (s *Server) project(record map[string]any, fields []*hibob.FieldMetadata, humanReadable string) map[string]any {
	out := make(map[string]any, 2*len(fields)+1)
	var human map[string]any
	if humanReadable == "APPEND" {
		human = map[string]any{}
	}
	for _, field := range fields {
		path := strings.Split(field.JSONPath, ".")
		value := s.valueOf(record, field, path)
		if humanReadable != "" {
			display := s.display(field, value)
			if humanReadable == "REPLACE" {
				value = display
			} else {
				setPath(human, path, display)
			}
		}
		setPath(out, path, value)
		if value != nil {
			out["/"+strings.ReplaceAll(field.ID, ".", "/")] = map[string]any{"value": deepCopy(value)}
		}
	}
	if human != nil {
		out["humanReadable"] = human
	}
	return out
}

// valueOf returns a copy of a field's machine value. It builds
// work.reportsTo from the manager's record and root.companyId from the
// server.
func (s *Server) valueOf(record map[string]any, field *hibob.FieldMetadata, path []string) any {
	if len(path) >= 2 && path[0] == "work" && path[1] == "reportsTo" {
		manager, _ := getPath(record, []string{"work", "manager"})
		reportsTo := s.reportsTo(textOf(manager))
		if reportsTo == nil {
			// An untyped nil, so that the field counts as null.
			return nil
		}
		if len(path) == 2 {
			return reportsTo
		}
		value, _ := getPath(reportsTo, path[2:])
		return value
	}
	if field.ID == "root.companyId" {
		return json.Number(strconv.FormatInt(s.companyID, 10))
	}
	value, _ := getPath(record, path)
	return deepCopy(value)
}

// reportsTo builds the work.reportsTo object of a manager.
func (s *Server) reportsTo(managerID string) map[string]any {
	if managerID == "" {
		return nil
	}
	manager, ok := s.records[managerID]
	if !ok {
		return map[string]any{"id": managerID}
	}
	return map[string]any{
		"id":          managerID,
		"firstName":   manager["firstName"],
		"surname":     manager["surname"],
		"email":       manager["email"],
		"displayName": manager["displayName"],
	}
}

// display returns the human-readable form of a machine value: list labels
// for list item ids, display names for employees, dd/MM/yyyy for dates
// and text for numbers and booleans.
func (s *Server) display(field *hibob.FieldMetadata, value any) any {
	if value == nil {
		return nil
	}
	switch field.Type {
	case "list", "hierarchy-list", "list_id":
		if label, ok := s.labels[field.TypeData.ListID][textOf(value)]; ok {
			return label
		}
		return textOf(value)
	case "multi-list":
		array, _ := value.([]any)
		labels := make([]string, 0, len(array))
		for _, element := range array {
			label, ok := s.labels[field.TypeData.ListID][textOf(element)]
			if !ok {
				label = textOf(element)
			}
			labels = append(labels, label)
		}
		return strings.Join(labels, ", ")
	case "employee", "employee-reference":
		id := textOf(value)
		if object, ok := value.(map[string]any); ok {
			id = textOf(object["id"])
		}
		if manager, ok := s.records[id]; ok {
			return textOf(manager["displayName"])
		}
		return id
	case "date":
		text := textOf(value)
		if len(text) == len("2006-01-02") && text[4] == '-' && text[7] == '-' {
			return text[8:10] + "/" + text[5:7] + "/" + text[:4]
		}
		return text
	}
	switch v := value.(type) {
	case map[string]any, []any:
		return v
	default:
		return textOf(v)
	}
}

func (s *Server) handleFields(w http.ResponseWriter, _ *http.Request) {
	s.mu.RLock()
	fields := make([]map[string]any, 0, len(s.fields))
	for _, field := range s.fields {
		fields = append(fields, fieldJSON(field))
	}
	s.mu.RUnlock()

	// HiBob sends the fields metadata as a bare array.
	writeJSON(w, http.StatusOK, fields)
}

// fieldJSON encodes a field as HiBob does, with a numeric categoryId for
// custom categories.
func fieldJSON(field *hibob.FieldMetadata) map[string]any {
	var typeData any
	if field.TypeData.ListID != "" {
		typeData = map[string]any{"listId": field.TypeData.ListID}
	}
	return map[string]any{
		"id":                  field.ID,
		"category":            field.Category,
		"categoryId":          numberOrText(field.CategoryID),
		"categoryDisplayName": field.Category,
		"name":                field.Name,
		"description":         nil,
		"jsonPath":            field.JSONPath,
		"type":                field.Type,
		"typeData":            typeData,
		"historical":          field.Historical,
	}
}

func (s *Server) handleNamedLists(w http.ResponseWriter, r *http.Request) {
	includeArchived := r.URL.Query().Get("includeArchived") == "true"

	s.mu.RLock()
	lists := make(map[string]any, len(s.lists))
	for name, list := range s.lists {
		lists[name] = listJSON(list, includeArchived)
	}
	s.mu.RUnlock()

	writeJSON(w, http.StatusOK, lists)
}

func (s *Server) handleNamedList(w http.ResponseWriter, r *http.Request) {
	includeArchived := r.URL.Query().Get("includeArchived") == "true"
	name := r.PathValue("name")

	s.mu.RLock()
	list, ok := s.lists[name]
	var encoded map[string]any
	if ok {
		encoded = listJSON(list, includeArchived)
	}
	s.mu.RUnlock()

	if !ok {
		writeError(w, http.StatusNotFound, "named.list.not.found", "Named list not found")
		return
	}
	writeJSON(w, http.StatusOK, encoded)
}

// listJSON encodes a list as HiBob does, with the items under both
// "values" and "items" and numeric ids as numbers.
func listJSON(list *hibob.NamedList, includeArchived bool) map[string]any {
	items := itemsJSON(list.Items, includeArchived)
	return map[string]any{"name": list.Name, "values": items, "items": items}
}

func itemsJSON(items []*hibob.ListItem, includeArchived bool) []any {
	encoded := make([]any, 0, len(items))
	for _, item := range items {
		if item.Archived && !includeArchived {
			continue
		}
		encoded = append(encoded, map[string]any{
			"id":       numberOrText(item.ID),
			"value":    item.Value,
			"name":     item.Name,
			"archived": item.Archived,
			"children": itemsJSON(item.Children, includeArchived),
		})
	}
	return encoded
}

// numberOrText returns an all-digit id as a JSON number and any other id
// as text.
func numberOrText(id string) any {
	if id == "" {
		return id
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return id
		}
	}
	return json.Number(id)
}

func readBody(r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(r.Body)
	return buf.Bytes(), err
}

func writeBadRequest(w http.ResponseWriter, err error) {
	if bad, ok := err.(*badRequest); ok {
		writeError(w, http.StatusBadRequest, bad.key, bad.message)
		return
	}
	writeError(w, http.StatusBadRequest, "request.invalid", err.Error())
}
