package json_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// TestReuse: a released document's maps serve the next one, which decodes
// as without Reuse, and the released document's objects are left empty.
func TestReuse(t *testing.T) {
	r := new(jsonsyn.Reuse)
	first, err := jsonsyn.Decode([]byte(`{"a":{"b":"c"},"d":[{"e":"f"}]}`), jsonsyn.DecodeOptions{Reuse: r})
	require.NoError(t, err)
	inner := first.(map[string]any)["a"].(map[string]any)
	r.Release()
	require.Empty(t, first, "a released document keeps no values")
	require.Empty(t, inner)

	input := []byte(`{"x":{"y":"z","n":1},"list":[{"k":true},{"k":null}],"more":{"p":"q"}}`)
	second, err := jsonsyn.Decode(input, jsonsyn.DecodeOptions{Reuse: r})
	require.NoError(t, err)
	plain, err := jsonsyn.Decode(input, jsonsyn.DecodeOptions{})
	require.NoError(t, err)
	require.Equal(t, plain, second)
	lent := map[uintptr]bool{}
	for _, m := range []any{second, second.(map[string]any)["x"], second.(map[string]any)["more"]} {
		lent[reflect.ValueOf(m).Pointer()] = true
	}
	require.True(t, lent[reflect.ValueOf(first).Pointer()] || lent[reflect.ValueOf(inner).Pointer()], "no map was reused")
	r.Release()

	_, err = jsonsyn.Decode([]byte(`{"a":{"b":1},"a":2}`), jsonsyn.DecodeOptions{Reuse: r})
	require.ErrorIs(t, err, jsonsyn.ErrDuplicateKey)
	r.Release()
	again, err := jsonsyn.Decode(input, jsonsyn.DecodeOptions{Reuse: r})
	require.NoError(t, err)
	require.Equal(t, plain, again, "a failed document leaves nothing in the maps it had")
}
