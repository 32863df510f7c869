package spec

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The settings overlay does not merge by the generic rule, or merges by
// hand; every other setting of Spec and of its sections must be carried.
var overlayByHand = map[string]bool{
	"Profile": true, "Extends": true, "File": true, "Dir": true,
	"Decode.Fields": true, "Decode.Remove": true, "Secrets": true,
}

// TestOverlayAddsSecrets checks that an overlay keeps every secret of its
// base, adds its own, and redeclares one in place.
func TestOverlayAddsSecrets(t *testing.T) {
	base := &Spec{Secrets: []*Secret{{Path: "pin", Kind: "PIN"}, {Path: "tct", Kind: "TCT"}}}
	over := &Spec{Secrets: []*Secret{{Path: "tct", Kind: "TCT", Doc: "again"}, {Path: "id", Kind: "DRIVER_ID"}}}
	var got []string
	for _, s := range Overlay(base, over).Secrets {
		got = append(got, s.Path+" "+s.Kind+" "+s.Doc)
	}
	assert.Equal(t, []string{"pin PIN ", "tct TCT again", "id DRIVER_ID "}, got)
	assert.Equal(t, base.Secrets, Overlay(base, &Spec{}).Secrets, "an overlay without secrets keeps the base's")
}

// TestOverlayMergesEverySetting sets each setting of Spec and of its
// sections in turn on an overlay and checks that the merge carries it, and
// that a base whose overlay leaves it unset keeps its own. A setting added
// to Spec later is found by reflection, so it cannot be forgotten.
func TestOverlayMergesEverySetting(t *testing.T) {
	for _, path := range settingPaths(reflect.TypeOf(Spec{}), "", 1) {
		if overlayByHand[path] {
			continue
		}
		t.Run(path, func(t *testing.T) {
			base, over := fullSpec(), fullSpec()
			v := settingAt(reflect.ValueOf(over).Elem(), path)
			set := nonZero(t, v.Type(), 2)
			v.Set(set)
			merged := Overlay(base, over)
			assert.Equal(t, set.Interface(), settingAt(reflect.ValueOf(merged).Elem(), path).Interface(), "the overlay's value wins")

			keep := fullSpec()
			settingAt(reflect.ValueOf(keep).Elem(), path).Set(reflect.Zero(v.Type()))
			want := settingAt(reflect.ValueOf(base).Elem(), path).Interface()
			assert.Equal(t, want, settingAt(reflect.ValueOf(Overlay(base, keep)).Elem(), path).Interface(), "an unset setting keeps the base's")
		})
	}
}

// TestOverlayFields pins the merge of decode fields by target.
func TestOverlayFields(t *testing.T) {
	a, b, c := &Field{Target: "a"}, &Field{Target: "b"}, &Field{Target: "c"}
	b2, d := &Field{Target: "b", Const: "2"}, &Field{Target: "d"}
	base := &Spec{Profile: "x/base", Decode: &DecodeSpec{Fields: []*Field{a, b, c}}}
	over := &Spec{Profile: "y/over", Extends: "x/base", Decode: &DecodeSpec{Fields: []*Field{d, b2}, Remove: []string{"a"}}}
	m := Overlay(base, over)
	assert.Equal(t, []*Field{b2, c, d}, m.Decode.Fields)
	assert.Empty(t, m.Decode.Remove)
	assert.Equal(t, []*Field{a, b, c}, base.Decode.Fields, "the base is left as it was")
	assert.Equal(t, "y/over", m.Profile)
}

// settingPaths lists the settings of t: its fields, and in place of a
// section (a pointer to a struct) the section's fields, while depth lasts.
func settingPaths(t reflect.Type, prefix string, depth int) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if depth > 0 && f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			out = append(out, settingPaths(f.Type.Elem(), prefix+f.Name+".", depth-1)...)
			continue // a section is checked setting by setting
		}
		out = append(out, prefix+f.Name)
	}
	return out
}

func settingAt(v reflect.Value, path string) reflect.Value {
	for _, name := range strings.Split(path, ".") {
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		v = v.FieldByName(name)
	}
	return v
}

// fullSpec is a spec with every section present and a base value in each
// setting.
func fullSpec() *Spec {
	return &Spec{
		Profile: "x/base", Description: "base", Syntax: "json", Schema: "base.json",
		Match:   &Match{Path: "base"},
		Options: &Options{Zone: "UTC", MaxBytes: 1, MaxDepth: 1, Namespaces: map[string]string{"b": "base"}},
		Decode:  &DecodeSpec{Each: "base", Type: &Field{Const: "base"}},
		Encode:  &EncodeSpec{Types: []string{"base"}, Key: "sea", Group: []string{"base"}},
	}
}

// nonZero makes a value of type t that differs from every value fullSpec
// uses.
func nonZero(t *testing.T, typ reflect.Type, depth int) reflect.Value {
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString("overlay")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(42)
	case reflect.Slice:
		v = reflect.MakeSlice(typ, 1, 1)
		v.Index(0).Set(nonZero(t, typ.Elem(), depth))
	case reflect.Map:
		v = reflect.MakeMap(typ)
		v.SetMapIndex(nonZero(t, typ.Key(), depth), nonZero(t, typ.Elem(), depth))
	case reflect.Pointer:
		v = reflect.New(typ.Elem())
		v.Elem().Set(nonZero(t, typ.Elem(), depth))
	case reflect.Struct:
		if depth == 0 {
			break
		}
		for i := 0; i < typ.NumField(); i++ {
			if typ.Field(i).IsExported() {
				v.Field(i).Set(nonZero(t, typ.Field(i).Type, depth-1))
			}
		}
	case reflect.Interface:
		v.Set(reflect.ValueOf("overlay"))
	default:
		require.Failf(t, "no test value", "setting of kind %s", typ.Kind())
	}
	return v
}
