package mapping_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qooper/hrsync/mapping"
)

// hibobRecord is a Record over one employee object of a HiBob people search
// response. It reads a field from its /category/field slash key, which HiBob
// sends for non-null values only, and otherwise from the nested category
// objects, where root fields sit at the top level.
type hibobRecord map[string]any

func (r hibobRecord) ID() string {
	id, _ := r["id"].(string)
	return id
}

func (r hibobRecord) Field(id string) (any, bool) {
	if slash, ok := r["/"+strings.ReplaceAll(id, ".", "/")].(map[string]any); ok {
		v, ok := slash["value"]
		return v, ok
	}
	path := strings.Split(id, ".")
	if path[0] == "root" {
		path = path[1:]
	}
	var v any = map[string]any(r)
	for _, key := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// fieldsRecord is a Record whose keys are field ids.
type fieldsRecord map[string]any

func (r fieldsRecord) ID() string {
	id, _ := r["root.id"].(string)
	return id
}

func (r fieldsRecord) Field(id string) (any, bool) {
	v, ok := r[id]
	return v, ok
}

// decodeJSON decodes data with numbers as json.Number, as HiBob responses
// are decoded.
func decodeJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	require.NoError(t, dec.Decode(v))
}

// loadPeople reads testdata/people.json, keyed by employee id.
func loadPeople(t testing.TB) map[string]hibobRecord {
	t.Helper()
	data, err := os.ReadFile("testdata/people.json")
	require.NoError(t, err)
	var response struct {
		Employees []hibobRecord `json:"employees"`
	}
	decodeJSON(t, data, &response)
	people := make(map[string]hibobRecord, len(response.Employees))
	for _, rec := range response.Employees {
		people[rec.ID()] = rec
	}
	return people
}

// hibobListItem is an item of HiBob's named lists response.
type hibobListItem struct {
	ID       json.Number     `json:"id"`
	Value    string          `json:"value"`
	Archived bool            `json:"archived"`
	Children []hibobListItem `json:"children"`
}

func (item hibobListItem) listItem() mapping.ListItem {
	out := mapping.ListItem{ID: item.ID.String(), Label: item.Value}
	for _, child := range item.Children {
		out.Children = append(out.Children, child.listItem())
	}
	return out
}

// loadLists reads testdata/named-lists.json, archived items included.
func loadLists(t testing.TB) mapping.Lists {
	t.Helper()
	data, err := os.ReadFile("testdata/named-lists.json")
	require.NoError(t, err)
	var response map[string]struct {
		Items []hibobListItem `json:"items"`
	}
	decodeJSON(t, data, &response)
	lists := mapping.Lists{}
	for name, list := range response {
		items := make([]mapping.ListItem, 0, len(list.Items))
		for _, item := range list.Items {
			items = append(items, item.listItem())
		}
		lists.AddList(name, items)
	}
	return lists
}

func TestHibobRecordReadsBothKeyForms(t *testing.T) {
	people := loadPeople(t)
	ada := people["3332883884017713938"]

	v, ok := ada.Field("internal.terminationDate")
	require.True(t, ok, "null field is present through the nested object")
	require.Nil(t, v)

	v, ok = ada.Field("work.custom.field_1698036945383")
	require.True(t, ok)
	require.Equal(t, "CC-100", v)

	_, ok = people["3332883884017713940"].Field("root.email")
	require.False(t, ok, "absent field")
}
