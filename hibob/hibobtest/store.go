package hibobtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/qooper/hrsync/hibob"
)

// The fake stores each employee as a record in HiBob's nested machine form:
// root fields at the top level and the other fields under their category,
// for example {"id": ..., "email": ..., "work": {"department": ...}}. It
// keeps work.manager and builds work.reportsTo from the manager's current
// record when it serves a response, so a manager's new name or e-mail shows
// in their reports' records.

// normalizeRecord returns a deep copy of record ready to store: the id as
// text, slash keys and humanReadable removed, work.manager taken from
// work.reportsTo.id when only the object is given, and internal.status
// defaulting to Active.
func normalizeRecord(record map[string]any) (map[string]any, error) {
	copied, _ := deepCopy(record).(map[string]any)
	id := textOf(copied["id"])
	if id == "" {
		return nil, errors.New("the employee record has no id")
	}
	copied["id"] = id
	for key := range copied {
		if strings.HasPrefix(key, "/") || key == "humanReadable" {
			delete(copied, key)
		}
	}
	work := childObject(copied, "work")
	if reportsTo, ok := work["reportsTo"].(map[string]any); ok {
		if _, hasManager := work["manager"]; !hasManager {
			work["manager"] = textOf(reportsTo["id"])
		}
	}
	delete(work, "reportsTo")
	if manager, ok := work["manager"]; ok && textOf(manager) == "" {
		work["manager"] = nil
	}
	internal := childObject(copied, "internal")
	if textOf(internal["status"]) == "" {
		internal["status"] = "Active"
	}
	return copied, nil
}

// childObject returns record[key] as an object, creating it when missing.
func childObject(record map[string]any, key string) map[string]any {
	child, ok := record[key].(map[string]any)
	if !ok {
		child = map[string]any{}
		record[key] = child
	}
	return child
}

func (s *Server) addLocked(record map[string]any, replace bool) error {
	normalized, err := normalizeRecord(record)
	if err != nil {
		return err
	}
	id := normalized["id"].(string)
	_, exists := s.records[id]
	switch {
	case exists && !replace:
		return fmt.Errorf("employee %s already exists", id)
	case !exists && replace:
		return fmt.Errorf("employee %s not found", id)
	case !exists:
		s.position[id] = len(s.order)
		s.order = append(s.order, id)
	}
	s.records[id] = normalized
	return nil
}

// AddEmployee adds an employee record in HiBob's nested form. The record
// must have an "id" that is not in use.
func (s *Server) AddEmployee(record map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.addLocked(record, false); err != nil {
		return fmt.Errorf("hibobtest: add employee: %w", err)
	}
	return nil
}

// ReplaceEmployee replaces the record of an existing employee, keeping the
// employee's position in search results.
func (s *Server) ReplaceEmployee(record map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.addLocked(record, true); err != nil {
		return fmt.Errorf("hibobtest: replace employee: %w", err)
	}
	return nil
}

// RemoveEmployee deletes an employee, as if HiBob had deleted the record.
// It reports whether the employee existed.
func (s *Server) RemoveEmployee(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.records[id]; !ok {
		return false
	}
	delete(s.records, id)
	s.order = slices.DeleteFunc(s.order, func(other string) bool { return other == id })
	s.indexOrder()
	return true
}

// SetEmployees replaces every employee with records, in that order.
func (s *Server) SetEmployees(records []map[string]any) error {
	normalized := make(map[string]map[string]any, len(records))
	order := make([]string, 0, len(records))
	for i, record := range records {
		n, err := normalizeRecord(record)
		if err != nil {
			return fmt.Errorf("hibobtest: set employees: record %d: %w", i, err)
		}
		id := n["id"].(string)
		if _, duplicate := normalized[id]; duplicate {
			return fmt.Errorf("hibobtest: set employees: record %d: duplicate id %s", i, id)
		}
		normalized[id] = n
		order = append(order, id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = normalized
	s.order = order
	s.indexOrder()
	return nil
}

// LoadJSON replaces every employee with the records in r: a JSON array of
// records or an object with an "employees" array, as a people search
// returns it. Slash keys and humanReadable values in the input are ignored.
func (s *Server) LoadJSON(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("hibobtest: read employees JSON: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		return fmt.Errorf("hibobtest: decode employees JSON: %w", err)
	}
	if object, ok := decoded.(map[string]any); ok {
		decoded = object["employees"]
	}
	array, ok := decoded.([]any)
	if !ok {
		return errors.New("hibobtest: employees JSON must be an array or an object with an employees array")
	}
	records := make([]map[string]any, 0, len(array))
	for i, element := range array {
		record, ok := element.(map[string]any)
		if !ok {
			return fmt.Errorf("hibobtest: employees JSON: element %d is not an object", i)
		}
		records = append(records, record)
	}
	return s.SetEmployees(records)
}

// UpdateEmployee calls change with the stored record of an employee, under
// the server's lock. change may edit the record in place. Set
// work.manager, not work.reportsTo, to change a manager.
func (s *Server) UpdateEmployee(id string, change func(record map[string]any)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	record, ok := s.records[id]
	if !ok {
		return fmt.Errorf("hibobtest: update employee %s: not found", id)
	}
	change(record)
	normalized, err := normalizeRecord(record)
	if err != nil {
		return fmt.Errorf("hibobtest: update employee %s: %w", id, err)
	}
	if normalized["id"] != id {
		return fmt.Errorf("hibobtest: update employee %s: the id must not change", id)
	}
	s.records[id] = normalized
	return nil
}

// SetField sets one field of an employee by field id, for example
// SetField(id, "work.title", "255490050"). The value goes where the fields
// metadata puts the field, so root fields go to the top level.
func (s *Server) SetField(id, fieldID string, value any) error {
	s.mu.RLock()
	path := s.pathOf(fieldID)
	s.mu.RUnlock()
	if fieldID == "work.reportsTo" {
		path = []string{"work", "manager"}
		value = managerIDOf(value)
	}
	return s.UpdateEmployee(id, func(record map[string]any) {
		setPath(record, path, value)
	})
}

func managerIDOf(value any) any {
	if object, ok := value.(map[string]any); ok {
		return object["id"]
	}
	return value
}

// Employee returns a copy of the stored record of an employee.
func (s *Server) Employee(id string) (map[string]any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	record, ok := s.records[id]
	if !ok {
		return nil, false
	}
	copied, _ := deepCopy(record).(map[string]any)
	return copied, true
}

// EmployeeIDs returns the ids of all employees, active or not, in the
// order searches return them.
func (s *Server) EmployeeIDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.order)
}

// SetHiddenFields replaces the field ids that the service user may not
// see.
func (s *Server) SetHiddenFields(fieldIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hidden = make(map[string]bool, len(fieldIDs))
	for _, id := range fieldIDs {
		s.hidden[id] = true
	}
}

// SetInactiveVisible sets whether the service user's audience includes
// inactive employees.
func (s *Server) SetInactiveVisible(visible bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inactiveVisible = visible
}

// SetFields replaces the fields metadata.
func (s *Server) SetFields(fields []*hibob.FieldMetadata) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setFieldsLocked(fields)
}

// SetNamedLists replaces the named lists.
func (s *Server) SetNamedLists(lists map[string]*hibob.NamedList) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setListsLocked(lists)
}

// LoadCompany replaces the employees, named lists and fields metadata with
// those of c, for example after c.DayTwo.
func (s *Server) LoadCompany(c *Company) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadCompany(c)
}

func (s *Server) loadCompany(c *Company) {
	s.companyID = c.ID
	s.setFieldsLocked(c.Fields)
	s.setListsLocked(c.Lists)
	s.records = make(map[string]map[string]any, len(c.People))
	s.order = make([]string, 0, len(c.People))
	for _, person := range c.People {
		record := person.Record()
		id := person.ID
		s.records[id] = record
		s.order = append(s.order, id)
	}
	s.indexOrder()
}

// indexOrder rebuilds the position of each id in s.order, which id filters
// use to keep the stored order without scanning every employee.
func (s *Server) indexOrder() {
	s.position = make(map[string]int, len(s.order))
	for i, id := range s.order {
		s.position[id] = i
	}
}

func (s *Server) setFieldsLocked(fields []*hibob.FieldMetadata) {
	s.fields = make([]*hibob.FieldMetadata, 0, len(fields))
	s.fieldsByID = make(map[string]*hibob.FieldMetadata, len(fields))
	for _, field := range fields {
		copied := *field
		s.fields = append(s.fields, &copied)
		s.fieldsByID[field.ID] = &copied
	}
}

func (s *Server) setListsLocked(lists map[string]*hibob.NamedList) {
	s.lists = make(map[string]*hibob.NamedList, len(lists))
	s.labels = make(map[string]map[string]string, len(lists))
	for name, list := range lists {
		s.lists[name] = list
		s.labels[name] = list.Labels()
	}
}

// pathOf returns the nested path of a field id from the fields metadata,
// or from the id itself for fields the metadata does not list.
func (s *Server) pathOf(fieldID string) []string {
	if field, ok := s.fieldsByID[fieldID]; ok && field.JSONPath != "" {
		return strings.Split(field.JSONPath, ".")
	}
	if rest, ok := strings.CutPrefix(fieldID, "root."); ok {
		fieldID = rest
	}
	return strings.Split(fieldID, ".")
}

// setPath stores value at path, creating objects on the way.
func setPath(record map[string]any, path []string, value any) {
	current := record
	for _, key := range path[:len(path)-1] {
		current = childObject(current, key)
	}
	current[path[len(path)-1]] = value
}

// getPath returns the value at path, and whether every key on the way was
// present.
func getPath(record map[string]any, path []string) (any, bool) {
	var current any = record
	for _, key := range path {
		object, ok := current.(map[string]any)
		if !ok {
			return nil, false
		}
		current, ok = object[key]
		if !ok {
			return nil, false
		}
	}
	return current, true
}

// deepCopy copies the objects and arrays of a decoded JSON value.
func deepCopy(value any) any {
	switch v := value.(type) {
	case map[string]any:
		copied := make(map[string]any, len(v))
		for key, element := range v {
			copied[key] = deepCopy(element)
		}
		return copied
	case []any:
		copied := make([]any, len(v))
		for i, element := range v {
			copied[i] = deepCopy(element)
		}
		return copied
	default:
		return v
	}
}

// textOf returns a string, number or boolean as text, and "" otherwise.
func textOf(value any) string {
	switch v := value.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	case map[string]any, []any:
		return ""
	default:
		return fmt.Sprint(v)
	}
}
