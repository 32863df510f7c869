package jsonmap

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/engine"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// TestEachValueMatchesAll: EachValue hands over the values of what All
// selects, in the same order, skipping the same nulls and empty strings.
func TestEachValueMatchesAll(t *testing.T) {
	root, err := jsonsyn.Decode([]byte(`{"a":["x","",null,7,{"b":"y"},["z"]],"c":{"d":"e","f":null}}`), jsonsyn.DecodeOptions{})
	require.NoError(t, err)
	d := &engine.Doc{Root: root}
	for _, path := range []string{"a[*]", "a[0]", "c.*", "c.f", "missing[*]", "a[4].b"} {
		sel, err := jsonPaths{}.CompilePath(path)
		require.NoError(t, err)
		var want, got []engine.Value
		for _, l := range sel.All(d) {
			want = append(want, l.W)
		}
		sel.(jsonSelector).EachValue(d, func(w engine.Value) { got = append(got, w) })
		require.Equal(t, want, got, path)
	}
}
