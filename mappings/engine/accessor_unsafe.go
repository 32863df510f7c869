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
	p := unsafe.Pointer(e)
	last := len(a.steps) - 1
	for _, st := range a.steps[:last] {
		p = unsafe.Add(p, st.offset)
		if st.elem != nil {
			pp := (*unsafe.Pointer)(p)
			if *pp == nil {
				*pp = reflect.New(st.elem).UnsafePointer()
			}
			p = *pp
		}
	}
	*(*string)(unsafe.Add(p, a.steps[last].offset)) = s
	return true
}
