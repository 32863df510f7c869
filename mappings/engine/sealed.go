package engine

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/seal"
)

// ErrSealedInput: a value read from an input starts as a string pcsgate
// seals. Only the engine seals, so a partner cannot hand it a ciphertext
// to open.
var ErrSealedInput = fmt.Errorf("starts as a value pcsgate sealed (%s...), which it does not take from an input", seal.StringPrefix)

// holdsSealed reports whether a value a decode field selected is, or
// holds, a sealed string.
func holdsSealed(w Value) bool {
	if seal.IsSealedString(w.S) {
		return true
	}
	for _, p := range w.Parts {
		if seal.IsSealedString(p) {
			return true
		}
	}
	return w.V != nil && anySealed(w.V)
}

func anySealed(v any) bool {
	switch x := v.(type) {
	case string:
		return seal.IsSealedString(x)
	case []string:
		for _, s := range x {
			if seal.IsSealedString(s) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if anySealed(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if anySealed(e) {
				return true
			}
		}
	}
	return false
}

// sealedInput is the problem of a value that starts as a sealed string;
// the value, a ciphertext, is not shown.
func (dc *DecodeCtx) sealedInput(at Position, cf *CompiledField) error {
	err := dc.errAt(at, cf.Spec.Target, ErrSealedInput)
	if e, ok := err.(*Error); ok {
		e.Value = ""
	}
	return err
}

// sealedPlaces are the canonical paths of the event's fields that hold
// the string s, in field order; a list element is named by its index
// ("release.blNumbers[1]"). It tells an encode where a sealed value it is
// about to open comes from, whatever field or expression picked it.
func sealedPlaces(e *canonical.ReleaseEvent, s string) []string {
	var out []string
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			t := v.Type()
			for i := range t.NumField() {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if f.IsExported() && name != "" && name != "-" {
					walk(v.Field(i), joinPath(path, name))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Value(), joinPath(path, fmt.Sprint(it.Key())))
			}
		case reflect.String:
			if v.String() == s {
				out = append(out, path)
			}
		}
	}
	walk(reflect.ValueOf(e), "")
	return out
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
