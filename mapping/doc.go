// Package mapping turns a HiBob employee record into the desired state of a
// Qooper user.
//
// The package is pure: it does no I/O, takes no context and keeps no state
// between calls, and Map gives the same result for the same record and
// lists. A Mapping is a compiled list of rules. Each rule maps one target
// field (a Qooper user field, or a custom attribute) from one HiBob field
// id, through an optional chain of transforms. Rules come from Go code
// (Spec, Compile) or from a JSON document that an operator edits
// (ParseJSON). A Mapping is safe for concurrent use.
//
// To replace the mapping entirely, implement Mapper.
//
// # Default mapping
//
// Default returns this mapping (DefaultSpec returns its spec):
//
//	target           source                    transforms
//	externalId       root.id
//	email            root.email                trim
//	firstName        root.firstName            collapse
//	lastName         root.surname              collapse
//	displayName      root.displayName          collapse
//	jobTitle         work.title                list "title"
//	department       work.department           list "department"
//	location         work.site
//	employeeNumber   work.employeeIdInCompany  text
//	startDate        work.startDate            date
//	terminationDate  internal.terminationDate  date
//	manager          work.reportsTo,           employeeId
//	                 then work.manager
//	status           internal.status           map Active→active,
//	                                           Inactive→inactive
//
// The manager value is the manager's employee id, which the sync engine
// resolves to a Qooper user. The rule reads the object work.reportsTo,
// because HiBob has no field id work.reportsTo.id, and falls back to
// work.manager, which contains the same id. Status comes from
// internal.status only: a termination date alone never makes anyone
// inactive. Any other status value is a field error.
//
// # Values
//
// Map returns a User whose Values contain, per target, a Value:
//
//   - A source field absent from the record (not requested, or hidden by
//     HiBob's permissions) leaves the target unknown: it has no entry, and
//     the rule's default is not used. A JSON null clears the target.
//   - Text is trimmed, and blank text is null. Control characters, such as
//     tabs and line breaks, become spaces and invalid UTF-8 becomes U+FFFD,
//     so mapped text never contains control characters. Names also have inner runs of
//     white space collapsed to one space by the collapse transform.
//   - Numbers render in plain decimal notation without an exponent:
//     json.Number "10" is "10", 1.5e6 is "1500000" and 10.0 is "10". In a
//     custom attribute a number is a float64 and a boolean stays a bool.
//   - Dates are civil dates. "2023-05-19", "2023-05-19T11:13:40.175639" and
//     "2023-05-19T00:00:00Z" are all 2023-05-19, whatever the machine's
//     time zone. Any other form, including HiBob's human-readable dates, is
//     an ErrInvalidDate field error.
//   - Wrong types, such as an object where text is expected or a number for
//     an email, are ErrInvalidType field errors rather than panics.
//
// Emails are trimmed but not otherwise checked: the sync engine validates
// them against Qooper's rules and compares them case-insensitively.
//
// # JSON form
//
// A mapping document looks like this:
//
//	{
//	  "version": 1,
//	  "extends": "default",
//	  "rules": [
//	    {"target": "location", "source": "work.site",
//	     "transforms": [{"name": "map", "values": {"LDN": "London"}}]},
//	    {"target": "customAttributes.costCenter",
//	     "source": "work.custom.field_1698036945383", "default": "none"},
//	    {"target": "displayName",
//	     "transforms": [{"name": "template", "template": "{{root.firstName}} {{root.surname}}"}]},
//	    {"target": "employeeNumber", "disabled": true}
//	  ],
//	  "scope": [
//	    {"field": "work.department", "transforms": [{"name": "list", "list": "department"}],
//	     "op": "in", "values": ["Engineering", "Sales"]}
//	  ]
//	}
//
// The keys are:
//
//   - version: must be 1.
//   - extends: "default" to start from the default rules, or absent. With
//     "default", a rule for a target that a default rule maps replaces that
//     rule, and a rule for any other target is added, so a document states
//     only what it changes. "disabled": true removes a default rule. Without
//     extends, the rules must map at least externalId, email, firstName,
//     lastName and status, which the sync needs.
//   - rules: objects with "target"; "source", a HiBob field id in dot form;
//     "fallbacks", field ids read in order when the source is absent or
//     null; "transforms", applied in order; "default", a value for a null or
//     blank result; and "disabled". A target is externalId, email,
//     firstName, lastName, displayName, jobTitle, department, location,
//     employeeNumber, startDate, terminationDate, manager, status, or
//     "customAttributes.<key>" with a key of 1–64 characters of
//     [A-Za-z0-9_.-] (at most 50 of them). Any HiBob field can feed a
//     custom attribute, custom fields such as work.custom.field_… included.
//   - scope: filters that a record must all pass; see Scope.
//
// ParseJSON rejects unknown keys. Mapping.MarshalJSON returns the document
// that the mapping was compiled from, so the JSON form round-trips.
//
// # Transforms
//
// Each transform object has a "name" and its arguments as further keys. A
// transform gets null (for a present null or blank source) and passes it
// through unless stated otherwise:
//
//	trim        trim surrounding white space
//	collapse    trim, and collapse inner white space to one space
//	lower       lower-case text
//	upper       upper-case text
//	text        render a number or boolean as text
//	default     "value": replace null or blank text with value
//	list        "list": resolve a list item id to its label in that named
//	            list; an array of ids (a multi-list field) becomes an array
//	            of labels
//	date        "layout" (optional, Go layout, default 2006-01-02): read a
//	            civil date and format it
//	template    "template": render text such as
//	            "{{root.firstName}} {{root.surname}}" from the named fields;
//	            the input is ignored, a null field renders as "", and an
//	            absent field leaves the target unknown
//	replace     "pattern" (RE2), "replacement" ($1 refers to a group):
//	            replace every match
//	map         "values" (object of input text to output), "unmatched"
//	            ("keep", the default, "clear" or "error"), "ignoreCase":
//	            replace a value by a lookup table
//	join        "separator" (default ", "): join an array into text
//	get         "key": read one key of an object
//	employeeId  read the employee id from work.reportsTo's object, or from
//	            an employee-reference field's text
//
// A list id that is missing from its list is an ErrListItemNotFound field
// error, unless the value is itself one of the list's labels, as HiBob
// sends it with humanReadable REPLACE. Archived items resolve when the
// caller includes them in Lists; AddList flattens hierarchy lists.
//
// Unknown transforms and targets, invalid regular expressions and bad
// arguments fail in Compile, with a *RuleError or *FilterError that names
// the rule's index and target, or the filter's index and field.
//
// # Scope
//
// A scope filter reads "field", applies its own "transforms" and compares
// the result as text with "op": equals or notEquals a "value"; in or notIn
// "values"; regex or notRegex a "pattern"; empty or notEmpty. "ignoreCase"
// applies to equals and in. A record that a filter does not match is out of
// scope: Map returns an error that wraps ErrOutOfScope, and the sync treats
// the person as not present. A filter whose field is absent from the record
// is an ErrMissingField field error, so that a missing permission never
// takes people out of scope.
//
// # Errors
//
// Map returns a *RecordError with one *FieldError per failed field and no
// User, so that the sync neither updates nor deactivates that person. Each
// FieldError names the employee id, the target and the source field, and
// wraps a sentinel such as ErrListItemNotFound or ErrInvalidDate. Errors
// of one record never affect another.
//
// # Extending
//
// Add a named transform with RegisterTransform, or with Registry.Register
// on a Registry passed around in place of the package-level functions. A
// TransformFactory validates the arguments when the mapping is compiled. A
// transform that reads fields or lists besides its input declares them
// with SourceFields or ListNames methods, so that SourceFields and
// ListNames of the Mapping include them. For one rule only, put a Go
// Transform in TransformSpec.Transform.
//
// # Validation
//
// Mapping.Validate checks a mapping against HiBob's fields metadata,
// converted to FieldInfo, and reports unknown field ids and transforms
// that contradict a field's type.
package mapping
