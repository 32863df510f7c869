//go:build purego

package engine

import (
	"reflect"

	"github.com/nexport/pcsgate/canonical"
)

// GetString reads a string field; "" when unset.
func (a *Accessor) GetString(e *canonical.ReleaseEvent) string {
	v := reflect.ValueOf(e).Elem()
	for _, idx := range a.index {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return ""
			}
			v = v.Elem()
		}
		v = v.FieldByIndex(idx)
	}
	return v.String()
}

// setString stores a string; false when the field is not a string (the
// caller then uses set). Structs on the way are allocated.
func (a *Accessor) setString(e *canonical.ReleaseEvent, s string) bool {
	if a.leaf.Kind() != reflect.String {
		return false
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
	v.SetString(s)
	return true
}

// setStrings is the unsafe build's shortcut for a list of strings; here
// set does it.
func (a *Accessor) setStrings(*canonical.ReleaseEvent, []string) bool { return false }

// setSame is the unsafe build's shortcut for values of the field's own
// type; here set does it all.
func (a *Accessor) setSame(*canonical.ReleaseEvent, any) bool { return false }

// fastRead reads the field for a fast expression (see fastEventMember):
// nilAt is the step that met a nil pointer on the way, -1 when the field
// was reached.
func (a *Accessor) fastRead(e *canonical.ReleaseEvent) (v fval, nilAt int) {
	rv := reflect.ValueOf(e).Elem()
	for i, idx := range a.index {
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return fval{}, i
			}
			rv = rv.Elem()
		}
		rv = rv.FieldByIndex(idx)
	}
	switch rv.Kind() {
	case reflect.String:
		return fval{fhead: fhead{kind: fStr}, s: rv.String()}, -1
	case reflect.Bool:
		return fval{fhead: fhead{kind: fBool, b: rv.Bool()}}, -1
	}
	if rv.IsNil() {
		return fval{fhead: fhead{ptr: true}}, -1
	}
	return fval{fhead: fhead{kind: fObj, ptr: true}}, -1
}
