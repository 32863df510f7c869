package engine

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/canonical"
)

// A time is a fmt.Stringer too: text must render it as RFC 3339 UTC, not
// as time.Time.String, and a nil *time.Time as nothing rather than panic.
func TestTextOfTimes(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 27, 23, 59, 0, 0, cet)
	assert.Equal(t, "2026-11-27T22:59:00Z", Text(at))
	assert.Equal(t, "2026-11-27T22:59:00Z", Text(&at))
	var none *time.Time
	assert.NotPanics(t, func() { assert.Empty(t, Text(none)) })
}

// mask shows only the last four characters of a clear identifier, and
// keeps an identifier the source already masked as it came: CPu's "**12"
// must not become "****", and a value with more than four characters in
// clear is masked even if it holds a '*'.
func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"1234567890":   "******7890",
		"123":          "***",
		"**12":         "**12",
		"******4821":   "******4821",
		"****":         "****",
		"12345*678901": "********8901",
		"":             "",
	} {
		assert.Equal(t, want, mask(in), in)
	}
}

// TestEmptyText: emptyText agrees with Text on lists and objects, empty or
// not, and on the other kinds of values.
func TestEmptyText(t *testing.T) {
	for _, v := range []any{[]any{}, []any{""}, map[string]any{}, map[string]any{"": ""}, "", "x", nil, []string{""}, 0, false} {
		if got, want := emptyText(v), Text(v) == ""; got != want {
			t.Errorf("emptyText(%#v) = %v, Text gives %q", v, got, Text(v))
		}
	}
}

// TestAssignPlainMatchesJSON: where assignPlain fills a value it fills it
// as writing the data as JSON and reading it back does, and it leaves to
// that path what JSON reads differently.
func TestAssignPlainMatchesJSON(t *testing.T) {
	light := map[string]any{"kind": "OTHER", "name": "customs", "value": "ok", "state": "GREEN"}
	cases := []struct {
		val   any
		plain bool
	}{
		{[]any{light, map[string]any{"kind": "COMMERCIAL", "reason": nil}}, true},
		{[]any{}, true},
		{light, true},
		{[]any{map[string]any{"Kind": "X"}}, false},           // JSON matches the name ignoring case
		{[]any{map[string]any{"colour": "X"}}, false},         // unknown: JSON's error
		{[]any{map[string]any{"kind": 1.0}}, false},           // not a string
		{[]any{map[string]any{"kind": "a\xffb"}}, false},      // JSON rewrites invalid UTF-8
		{[]any{map[string]any{"components": []any{}}}, false}, // not a string field
		{[]any{nil}, false},
	}
	typ := reflect.TypeFor[canonical.Light]()
	for _, c := range cases {
		target := reflect.SliceOf(typ)
		if _, ok := c.val.(map[string]any); ok {
			target = typ
		}
		plain := reflect.New(target).Elem()
		ok := assignPlain(plain, c.val)
		if ok != c.plain {
			t.Fatalf("assignPlain(%#v) = %v, want %v", c.val, ok, c.plain)
		}
		viaJSON := reflect.New(target).Elem()
		err := assignDocument(viaJSON, c.val, "light.components")
		if ok {
			if err != nil || !reflect.DeepEqual(plain.Interface(), viaJSON.Interface()) {
				t.Errorf("%#v: plain %#v, via JSON %#v (%v)", c.val, plain.Interface(), viaJSON.Interface(), err)
			}
		}
	}
}

// TestSetOwnType: a value of the field's own type (a party, a time, a list
// of strings) lands in the field as given, the structs on the way
// allocated, and a value of another type is still converted.
func TestSetOwnType(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	party := &canonical.Party{Name: "n"}
	cases := []struct {
		path string
		val  any
	}{
		{"release.issuer", party},
		{"release.validFrom", &at},
		{"release.blNumbers", []string{"A", "B"}},
		{"assignment.driver.alias", "x"},
	}
	for _, c := range cases {
		a, err := CompileAccessor(c.path)
		if err != nil {
			t.Fatal(err)
		}
		e := &canonical.ReleaseEvent{}
		if err := a.set(e, c.val); err != nil {
			t.Fatal(err)
		}
		assert.Equal(t, c.val, a.Get(e), c.path)
	}
	a, _ := CompileAccessor("release.validFrom")
	e := &canonical.ReleaseEvent{}
	assert.NoError(t, a.set(e, at), "a time, not a pointer to one")
	assert.Equal(t, &at, a.Get(e))
}
