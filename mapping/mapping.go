package mapping

// Record is one source employee whose fields are addressed by HiBob field
// ids such as "root.id", "work.department" or
// "work.custom.field_1698036945383".
type Record interface {
	// ID returns the employee id (root.id).
	ID() string
	// Field returns the machine value of a field and whether the source
	// returned it. A returned JSON null is (nil, true). Objects decode to
	// map[string]any, arrays to []any and numbers to json.Number.
	Field(id string) (value any, present bool)
}

// Lists resolves list item ids to labels: list name, then item id, then the
// label. Archived items are included so that old values still resolve.
type Lists map[string]map[string]string

// Target field names of a Qooper user. A custom attribute is addressed as
// CustomAttributePrefix followed by its key.
const (
	TargetExternalID      = "externalId"
	TargetEmail           = "email"
	TargetFirstName       = "firstName"
	TargetLastName        = "lastName"
	TargetDisplayName     = "displayName"
	TargetJobTitle        = "jobTitle"
	TargetDepartment      = "department"
	TargetLocation        = "location"
	TargetEmployeeNumber  = "employeeNumber"
	TargetStartDate       = "startDate"
	TargetTerminationDate = "terminationDate"
	// TargetManager holds the source employee id of the manager, which the
	// sync engine resolves to a Qooper user id.
	TargetManager = "manager"
	// TargetStatus holds StatusActive or StatusInactive.
	TargetStatus          = "status"
	CustomAttributePrefix = "customAttributes."
)

// Mapped employee statuses.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
)

// Value is a mapped target value. The zero Value is unknown: the source did
// not return the field, and the target must be left as it is. A known Value
// with a nil V clears the target.
type Value struct {
	Known bool
	// V is nil (clear), a string, or for custom attributes also a float64
	// or a bool.
	V any
}

// User is the desired state of one Qooper user, mapped from one record.
type User struct {
	// EmployeeID is the source record's id.
	EmployeeID string
	// Values maps target field names to values. A missing key is unknown.
	Values map[string]Value
}

// Get returns the value of a target field; unknown when the mapping did
// not produce it.
func (u *User) Get(target string) Value { return u.Values[target] }

// Mapper turns a source record into the desired Qooper user. Implement it
// to replace the whole mapping. The sync engine calls Map from several
// goroutines at once on large inputs, so an implementation must be safe for
// concurrent use.
type Mapper interface {
	// Map maps one record. An error names the employee and the field, and
	// never affects other records. A record that a scope filter excludes
	// returns ErrOutOfScope.
	Map(rec Record, lists Lists) (*User, error)
	// SourceFields returns the field ids that Map reads, sorted.
	SourceFields() []string
	// ListNames returns the names of the HiBob named lists that Map
	// resolves labels from.
	ListNames() []string
}
