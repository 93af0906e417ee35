package mapping

// ListItem is one item of a HiBob named list. Children are the nested items
// of a hierarchy list such as department.
type ListItem struct {
	// ID is the item id as text. HiBob sends it as a JSON number in lists
	// but as text in list field values.
	ID string
	// Label is the item's display value (its "value" or "name").
	Label    string
	Children []ListItem
}

// AddList stores the items of a named list, children included at any depth,
// under name. Like any map write, it panics on a nil Lists. Archived items belong in items too, so that old values still
// resolve. Items added earlier under the same name are kept, and a later
// item with the same id replaces an earlier one.
func (l Lists) AddList(name string, items []ListItem) {
	labels := l[name]
	if labels == nil {
		labels = make(map[string]string, len(items))
		l[name] = labels
	}
	addItems(labels, items)
}

func addItems(labels map[string]string, items []ListItem) {
	for _, item := range items {
		labels[item.ID] = item.Label
		addItems(labels, item.Children)
	}
}
