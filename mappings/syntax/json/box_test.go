package json_test

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// TestBoxedValues checks that the strings and numbers Decode returns behave
// as ordinary strings and Numbers in every way callers use them, also after
// the input is gone and the garbage collector has run, across several slabs.
func TestBoxedValues(t *testing.T) {
	var in strings.Builder
	in.WriteString(`[`)
	const n = 3000 // more than one slab
	for i := range n {
		if i > 0 {
			in.WriteString(",")
		}
		fmt.Fprintf(&in, `{"s": "v%d", "n": %d, "e": "a\n%d"}`, i, i, i)
	}
	in.WriteString(`]`)
	data := []byte(in.String())
	v, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{})
	require.NoError(t, err)
	clear(data)
	data = nil
	runtime.GC()
	runtime.GC()
	items, ok := v.([]any)
	require.True(t, ok)
	require.Len(t, items, n)
	seen := map[any]bool{}
	for i, it := range items {
		m, ok := it.(map[string]any)
		require.True(t, ok)
		s, ok := m["s"].(string)
		require.True(t, ok, "item %d: %T", i, m["s"])
		assert.Equal(t, fmt.Sprintf("v%d", i), s)
		assert.True(t, m["s"] == any(fmt.Sprintf("v%d", i)), "item %d: interface comparison", i)
		num, ok := m["n"].(jsonsyn.Number)
		require.True(t, ok, "item %d: %T", i, m["n"])
		assert.Equal(t, jsonsyn.Number(fmt.Sprint(i)), num)
		assert.Equal(t, reflect.TypeFor[jsonsyn.Number](), reflect.TypeOf(m["n"]))
		assert.Equal(t, reflect.String, reflect.ValueOf(m["s"]).Kind())
		assert.Equal(t, fmt.Sprintf("a\n%d", i), m["e"])
		assert.Equal(t, fmt.Sprint(i), fmt.Sprint(m["n"]))
		assert.False(t, seen[m["s"]], "item %d: duplicate map key", i)
		seen[m["s"]] = true
	}
	assert.Len(t, seen, n)
}

// TestDecodeShareInput checks that sharing the input gives the same values
// as decoding a copy, escapes included.
func TestDecodeShareInput(t *testing.T) {
	in := `{"a": "plain", "b": "esc\u00e0\n", "n": -12.50, "l": [true, null, "x"]}`
	want, err := jsonsyn.Decode([]byte(in), jsonsyn.DecodeOptions{})
	require.NoError(t, err)
	got, err := jsonsyn.Decode([]byte(in), jsonsyn.DecodeOptions{ShareInput: true})
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, jsonsyn.Number("-12.50"), got.(map[string]any)["n"])
}
