//go:build !purego

package engine

import (
	"reflect"
	"unsafe"

	"github.com/nexport/pcsgate/canonical"
)

// The string fast path walks the field offsets computed once by
// CompileAccessor instead of reflect.Value: the string paths are hot (every
// field of every event). Build with -tags purego for the reflect version.

// GetString reads a string field without boxing it; "" when unset. The
// string paths are hot (every field of every event), so they walk the
// field offsets computed once by compileAccessor instead of reflect.Value.
func (a *Accessor) GetString(e *canonical.ReleaseEvent) string {
	p := unsafe.Pointer(e)
	last := len(a.steps) - 1
	for _, st := range a.steps[:last] {
		p = unsafe.Add(p, st.offset)
		if st.elem != nil {
			if p = *(*unsafe.Pointer)(p); p == nil {
				return ""
			}
		}
	}
	return *(*string)(unsafe.Add(p, a.steps[last].offset))
}

// setString stores a string without boxing it; false when the field is not
// a string (the caller then uses set). Structs on the way are allocated.
func (a *Accessor) setString(e *canonical.ReleaseEvent, s string) bool {
	if a.leaf.Kind() != reflect.String {
		return false
	}
	*(*string)(a.field(e)) = s
	return true
}

// setStrings stores a list of strings without boxing it; false when the
// field is not a []string (the caller then uses set).
func (a *Accessor) setStrings(e *canonical.ReleaseEvent, list []string) bool {
	if a.leaf != stringsType {
		return false
	}
	*(*[]string)(a.field(e)) = list
	return true
}

// setSame stores val when it already has the field's type and that type
// is a pointer (a party, a time) or a list of strings, as set would; false
// for anything else, which set converts through reflect.
func (a *Accessor) setSame(e *canonical.ReleaseEvent, val any) bool {
	if val == nil || reflect.TypeOf(val) != a.leaf {
		return false
	}
	switch {
	case a.leaf.Kind() == reflect.Pointer:
		*(*unsafe.Pointer)(a.field(e)) = reflect.ValueOf(val).UnsafePointer()
	case a.leaf == stringsType:
		*(*[]string)(a.field(e)) = val.([]string)
	default:
		return false
	}
	return true
}

var stringsType = reflect.TypeFor[[]string]()

// field returns the address of the accessor's field in e, allocating the
// structs on the way.
func (a *Accessor) field(e *canonical.ReleaseEvent) unsafe.Pointer {
	p := unsafe.Pointer(e)
	last := len(a.steps) - 1
	for k, st := range a.steps[:last] {
		p = unsafe.Add(p, st.offset)
		if st.elem != nil {
			pp := (*unsafe.Pointer)(p)
			switch {
			case *pp != nil:
			case a.slots != nil && a.slots[k] != 0:
				*pp = unsafe.Add(unsafe.Pointer(e), a.slots[k])
			default:
				*pp = reflect.New(st.elem).UnsafePointer()
			}
			p = *pp
		}
	}
	return unsafe.Add(p, a.steps[last].offset)
}

// fastRead reads the field for a fast expression (see fastEventMember):
// nilAt is the step that met a nil pointer on the way, -1 when the field
// was reached.
func (a *Accessor) fastRead(e *canonical.ReleaseEvent) (v fval, nilAt int) {
	p := unsafe.Pointer(e)
	last := len(a.steps) - 1
	for i, st := range a.steps[:last] {
		p = unsafe.Add(p, st.offset)
		if st.elem != nil {
			if p = *(*unsafe.Pointer)(p); p == nil {
				return fval{}, i + 1
			}
		}
	}
	p = unsafe.Add(p, a.steps[last].offset)
	switch a.leaf.Kind() {
	case reflect.String:
		return fval{fhead: fhead{kind: fStr}, s: *(*string)(p)}, -1
	case reflect.Bool:
		return fval{fhead: fhead{kind: fBool, b: *(*bool)(p)}}, -1
	}
	if *(*unsafe.Pointer)(p) == nil {
		return fval{fhead: fhead{ptr: true}}, -1
	}
	return fval{fhead: fhead{kind: fObj, ptr: true}}, -1
}
