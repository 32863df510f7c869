package json

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScratchKeepClears: memory returned to the pool after a failed
// document holds none of its values, and the next document decodes as if
// the pool were empty.
func TestScratchKeepClears(t *testing.T) {
	d := decoder{members: make([]objMember, 3, 8), vals: make([]any, 2, 8)}
	d.members[2] = objMember{key: "k", val: "v"}
	d.vals[1] = "x"
	sc := new(scratch)
	sc.keep(&d, true)
	require.Equal(t, make([]objMember, 8), sc.members[:8])
	require.Equal(t, make([]any, 8), sc.vals[:8])

	_, err := Decode([]byte(`{"a":{"b":["c",{"d":1},`), DecodeOptions{})
	require.Error(t, err)
	v, err := Decode([]byte(`{"x":["y"]}`), DecodeOptions{})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"x": []any{"y"}}, v)
}
