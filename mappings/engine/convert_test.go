package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
