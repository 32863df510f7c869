package engine

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical"
)

// ErrUnknownPath marks a canonical path that names no field of the model.
var ErrUnknownPath = errors.New("is not a field of the canonical model")

// Accessor reads and writes one field of a ReleaseEvent, addressed by its
// canonical path (the JSON names: "release.pickupTerminal.locode"). It is
// compiled once per spec entry; pointers on the way are allocated on set.
type Accessor struct {
	Path  string
	index [][]int // field index per step
	leaf  reflect.Type
	// steps are the same walk as offsets, for the string fast path.
	steps []fieldStep
	// accessorSlots place the structs on the way in the event's block
	// (see layoutEvents).
	accessorSlots
}

// fieldStep is one field on the way to an accessor's leaf: its offset in
// the enclosing struct and, for a pointer to a struct, the struct's type
// (allocated when the pointer is nil on a write).
type fieldStep struct {
	offset uintptr
	elem   reflect.Type
}

var eventType = reflect.TypeOf(canonical.ReleaseEvent{})

var accessorCache sync.Map // path -> *accessor

// CompileAccessor resolves a canonical path against the model.
func CompileAccessor(path string) (*Accessor, error) {
	if a, ok := accessorCache.Load(path); ok {
		return a.(*Accessor), nil
	}
	a := &Accessor{Path: path}
	t := eventType
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("canonical path %q: %q %w", path, name, ErrUnknownPath)
		}
		f, ok := fieldByJSON(t, name)
		if !ok {
			return nil, fmt.Errorf("canonical path %q: %q %w", path, name, ErrUnknownPath)
		}
		a.index = append(a.index, f.Index)
		st := fieldStep{offset: f.Offset}
		if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			st.elem = f.Type.Elem()
		}
		a.steps = append(a.steps, st)
		t = f.Type
	}
	a.leaf = t
	accessorCache.Store(path, a)
	return a, nil
}

func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		if n, _, _ := strings.Cut(tag, ","); n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// Get returns the field's value, or nil when it or a pointer on the way is unset.
func (a *Accessor) Get(e *canonical.ReleaseEvent) any {
	v := reflect.ValueOf(e).Elem()
	for _, idx := range a.index {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		v = v.FieldByIndex(idx)
	}
	if v.Kind() == reflect.Pointer {
		// The pointer itself: boxing it costs nothing, copying the value
		// out would allocate.
		if v.IsNil() {
			return nil
		}
		return v.Interface()
	}
	if v.IsZero() && v.Kind() != reflect.Bool {
		return nil
	}
	return v.Interface()
}

// set stores val (already converted by the spec) in the field, allocating
// the structs on the way.
func (a *Accessor) set(e *canonical.ReleaseEvent, val any) error {
	if a.setSame(e, val) {
		return nil
	}
	v := reflect.ValueOf(e).Elem()
	for _, idx := range a.index {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.FieldByIndex(idx)
	}
	return assign(v, val, a.Path)
}

// assign converts the few value kinds the engine produces into the field's type.
func assign(v reflect.Value, val any, path string) error {
	if val == nil {
		return nil
	}
	target := v.Type()
	if rv := reflect.ValueOf(val); rv.Type() == target {
		v.Set(rv)
		return nil
	}
	if target.Kind() == reflect.Pointer {
		p := reflect.New(target.Elem())
		if err := assign(p.Elem(), val, path); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	rv := reflect.ValueOf(val)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Type().Elem() == target {
		v.Set(rv.Elem())
		return nil
	}
	if rv.Type().ConvertibleTo(target) && (rv.Kind() == target.Kind() || target.Kind() == reflect.String && rv.Kind() == reflect.String) {
		v.Set(rv.Convert(target))
		return nil
	}
	switch target.Kind() {
	case reflect.String:
		if s, ok := val.(fmt.Stringer); ok {
			v.SetString(s.String())
			return nil
		}
	case reflect.Float64:
		if f, ok := toFloat(val); ok {
			v.SetFloat(f)
			return nil
		}
	case reflect.Int:
		if f, ok := toFloat(val); ok && f == float64(int64(f)) {
			v.SetInt(int64(f))
			return nil
		}
	case reflect.Slice:
		if target.Elem().Kind() == reflect.String {
			if ss, ok := val.([]string); ok {
				v.Set(reflect.ValueOf(ss).Convert(target))
				return nil
			}
			if s, ok := val.(string); ok {
				v.Set(reflect.Append(v, reflect.ValueOf(s).Convert(target.Elem())))
				return nil
			}
		}
	}
	if isDocument(val) && (target.Kind() == reflect.Struct || target.Kind() == reflect.Slice) {
		if p := reflect.New(target).Elem(); assignPlain(p, val) {
			v.Set(p)
			return nil
		}
		return assignDocument(v, val, path)
	}
	return fmt.Errorf("canonical path %q: cannot hold a %T", path, val)
}

// isDocument reports whether an expression built val as JSON-like data: a
// list or an object.
func isDocument(val any) bool {
	switch val.(type) {
	case []any, map[string]any:
		return true
	}
	return false
}

// assignDocument fills a canonical part (a struct, or a list of them such
// as light.components) from JSON-like data an expression built, by its
// JSON names; an unknown name is an error, as in canonical input.
func assignDocument(v reflect.Value, val any, path string) error {
	b, err := json.Marshal(val)
	if err != nil {
		return fmt.Errorf("canonical path %q: %v", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	p := reflect.New(v.Type())
	if err := dec.Decode(p.Interface()); err != nil {
		return fmt.Errorf("canonical path %q: %s", path, strings.TrimPrefix(err.Error(), "json: "))
	}
	v.Set(p.Elem())
	return nil
}

// assignPlain fills the zero value v from JSON-like data as assignDocument
// would, without writing the data as JSON and reading it back: for lists
// of objects whose members are strings or null, named exactly as string
// fields of v's struct type. Anything else it leaves to assignDocument
// (ok=false, v possibly half filled): other values, other field types,
// names JSON would match another way, text JSON would rewrite.
func assignPlain(v reflect.Value, val any) bool {
	switch x := val.(type) {
	case []any:
		if v.Kind() != reflect.Slice {
			return false
		}
		v.Set(reflect.MakeSlice(v.Type(), len(x), len(x)))
		for i, el := range x {
			if !assignPlain(v.Index(i), el) {
				return false
			}
		}
		return true
	case map[string]any:
		if v.Kind() != reflect.Struct {
			return false
		}
		fields := plainFields(v.Type())
		if fields == nil {
			return false
		}
		for k, el := range x {
			i, ok := fields[k]
			if !ok {
				return false
			}
			switch s := el.(type) {
			case nil:
			case string:
				if !utf8.ValidString(s) {
					return false
				}
				v.Field(i).SetString(s)
			default:
				return false
			}
		}
		return true
	}
	return false
}

var plainFieldCache sync.Map // reflect.Type -> map[string]int (nil: not plain)

// plainFields maps the JSON names of a struct's string fields to their
// index, or is nil when the struct has a field JSON would treat in some
// other way (embedded, options beyond omitempty, its own unmarshalling);
// fields of other types are left out, so a member naming one is refused.
func plainFields(t reflect.Type) map[string]int {
	if m, ok := plainFieldCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || !f.IsExported() || name == "" || name == "-" || opts != "" && opts != "omitempty" {
			m = nil
			break
		}
		if f.Type.Kind() == reflect.String && !unmarshals(f.Type) {
			m[name] = i
		}
	}
	plainFieldCache.Store(t, m)
	return m
}

// unmarshals reports whether t reads itself from JSON or text.
func unmarshals(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler)
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func toFloat(val any) (float64, bool) {
	switch x := val.(type) {
	case float64:
		return x, true
	case *float64:
		if x != nil {
			return *x, true
		}
	case *int:
		if x != nil {
			return float64(*x), true
		}
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}
