package mapping

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"sync"
)

// Env is the record being mapped and the named lists, which a transform may
// read besides its input value.
type Env struct {
	// Record is the record being mapped.
	Record Record
	// Lists are the named lists passed to Map.
	Lists Lists
}

// Transform is one step of a rule's chain of transforms.
//
// A transform that reads record fields or named lists other than its input
// declares them by also implementing SourceFields() []string or
// ListNames() []string, like Mapper. The mapping then requests those fields
// and lists. A Transform must be safe for concurrent use, because one
// Mapping may map many records at once.
type Transform interface {
	// Apply transforms a known input value v, which is nil (a JSON null), a
	// string, a json.Number or another number, a bool, a map[string]any or
	// a []any. Returning the zero Value makes the target unknown, which
	// leaves it unchanged. A returned error becomes a FieldError of the
	// record.
	Apply(v any, env Env) (Value, error)
}

// TransformFunc adapts a function to the Transform interface.
type TransformFunc func(v any, env Env) (Value, error)

// Apply calls f(v, env).
func (f TransformFunc) Apply(v any, env Env) (Value, error) { return f(v, env) }

// fieldReader and listReader are the optional interfaces of a Transform
// that reads more than its input.
type fieldReader interface{ SourceFields() []string }
type listReader interface{ ListNames() []string }

// Args are the arguments of a transform. In the JSON form they are the keys
// of the transform object other than "name".
type Args map[string]any

// CheckNames returns an error naming the first argument, in sorted order,
// that is not one of allowed.
func (a Args) CheckNames(allowed ...string) error {
	for _, name := range slices.Sorted(maps.Keys(a)) {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return fmt.Errorf("unknown argument %q: the transform takes no arguments", name)
			}
			return fmt.Errorf("unknown argument %q (allowed: %v)", name, allowed)
		}
	}
	return nil
}

// Text returns the required, non-empty text argument name.
func (a Args) Text(name string) (string, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return "", fmt.Errorf("missing argument %q", name)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("argument %q must be text, got %s", name, typeName(v))
	}
	if s == "" {
		return "", fmt.Errorf("argument %q must not be empty", name)
	}
	return s, nil
}

// OptionalText returns the text argument name, or fallback when it is
// absent or null.
func (a Args) OptionalText(name, fallback string) (string, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return fallback, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("argument %q must be text, got %s", name, typeName(v))
	}
	return s, nil
}

// Bool returns the boolean argument name, or false when it is absent or
// null.
func (a Args) Bool(name string) (bool, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("argument %q must be a boolean, got %s", name, typeName(v))
	}
	return b, nil
}

// TransformFactory builds a Transform from its arguments. It validates the
// arguments and returns an error that names the bad one, so that a bad rule
// fails when it is compiled rather than when records are mapped.
type TransformFactory func(args Args) (Transform, error)

// Registry is a set of named transforms that Compile resolves transform
// names against. A Registry is safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]TransformFactory
}

// NewRegistry returns a Registry with the built-in transforms.
func NewRegistry() *Registry {
	return &Registry{factories: builtinTransforms()}
}

var transformNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// Register adds a named transform. The name is 1–64 characters of
// [A-Za-z0-9_.-] starting with a letter, and must not be registered yet:
// built-in transforms cannot be replaced.
func (r *Registry) Register(name string, factory TransformFactory) error {
	if !transformNamePattern.MatchString(name) {
		return fmt.Errorf("mapping: invalid transform name %q: use 1-64 characters of [A-Za-z0-9_.-] starting with a letter", name)
	}
	if factory == nil {
		return fmt.Errorf("mapping: transform %q has a nil factory", name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.factories[name]; ok {
		return fmt.Errorf("mapping: transform %q is already registered", name)
	}
	r.factories[name] = factory
	return nil
}

// Names returns the names of the registered transforms, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.factories))
	for name := range r.factories {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// build creates the transform of one spec.
func (r *Registry) build(spec TransformSpec) (Transform, error) {
	if spec.Transform != nil {
		return spec.Transform, nil
	}
	if spec.Name == "" {
		return nil, errors.New("transform without a name")
	}
	if _, ok := spec.Args["name"]; ok {
		return nil, fmt.Errorf("transform %q: argument \"name\" is reserved", spec.Name)
	}
	r.mu.RLock()
	factory, ok := r.factories[spec.Name]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown transform %q (known: %v)", spec.Name, r.Names())
	}
	t, err := factory(spec.Args)
	if err != nil {
		return nil, fmt.Errorf("transform %q: %w", spec.Name, err)
	}
	if t == nil {
		return nil, fmt.Errorf("transform %q: factory returned no transform", spec.Name)
	}
	return t, nil
}

// packageRegistry is the Registry of the package-level functions.
var packageRegistry = NewRegistry()

// RegisterTransform adds a named transform to the registry that the
// package-level Compile and ParseJSON use. Call it from an init function or
// before compiling mappings; see Registry.Register for the rules.
func RegisterTransform(name string, factory TransformFactory) error {
	return packageRegistry.Register(name, factory)
}

// Compile compiles a spec with the built-in transforms and those added by
// RegisterTransform.
func Compile(spec Spec) (*Mapping, error) { return packageRegistry.Compile(spec) }

// ParseJSON parses a JSON mapping document and compiles it with the
// built-in transforms and those added by RegisterTransform.
func ParseJSON(data []byte) (*Mapping, error) { return packageRegistry.ParseJSON(data) }

// ParseJSON parses a JSON mapping document and compiles it with the
// registry's transforms.
func (r *Registry) ParseJSON(data []byte) (*Mapping, error) {
	spec, err := ParseSpec(data)
	if err != nil {
		return nil, err
	}
	return r.Compile(spec)
}
