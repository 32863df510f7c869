package json_test

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

func FuzzDecode(f *testing.F) {
	for _, b := range seedfiles.Read(f, "testdata/*.json", "../../../fixtures/*/*/*/input.json", "../../../fixtures/*/*/*/canonical.json") {
		f.Add(b)
	}
	for _, s := range []string{
		``, `null`, `-0.0e-0`, `"\ud83d\udea2\u0000"`, `{"a":{"a":[]}}`, `{"a":1,"a":2}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		"\xEF\xBB\xBF[\"\xc3\xa9\"]", `{"x":"\ud800"}`, `[1,]`, `{"k":tru}`,
	} {
		f.Add([]byte(s))
	}
	reuse := new(jsonsyn.Reuse) // shared: each input reuses the previous one's maps
	f.Fuzz(func(t *testing.T, in []byte) {
		doc, err := jsonsyn.Decode(in, jsonsyn.DecodeOptions{MaxDepth: 80})
		reused, rerr := jsonsyn.Decode(in, jsonsyn.DecodeOptions{MaxDepth: 80, Reuse: reuse})
		assert.Equal(t, fmt.Sprint(err), fmt.Sprint(rerr), "decoding with Reuse")
		assert.Equal(t, doc, reused, "decoding with Reuse")
		reuse.Release()
		if err != nil {
			var jerr *jsonsyn.Error
			require.ErrorAs(t, err, &jerr)
			assert.NotContains(t, err.Error(), "\n")
			return
		}
		assert.True(t, stdjson.Valid(bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF"))), "accepted input encoding/json rejects")
		for _, indent := range []bool{false, true} {
			out, err := jsonsyn.Marshal(doc, indent)
			require.NoError(t, err)
			again, err := jsonsyn.Decode(out, jsonsyn.DecodeOptions{MaxDepth: 80})
			require.NoError(t, err, "re-reading %q", out)
			assert.Equal(t, doc, again)
			out2, err := jsonsyn.Marshal(again, indent)
			require.NoError(t, err)
			assert.Equal(t, out, out2, "output is not deterministic")
		}
	})
}

func FuzzPath(f *testing.F) {
	for _, s := range []string{
		"data.parties[role=FW].name", `$["odd.key"]`, "@.a[*].b[-1]", `a[b.c='x y']`, "$.*", "[0]", "a[", `["\`,
	} {
		f.Add(s)
	}
	doc := map[string]any{"data": map[string]any{"parties": []any{map[string]any{"role": "FW", "name": "n"}}}}
	f.Fuzz(func(t *testing.T, expr string) {
		p, err := jsonsyn.CompilePath(expr)
		if err != nil {
			require.ErrorIs(t, err, jsonsyn.ErrPath)
			return
		}
		assert.Equal(t, expr, p.String())
		all := p.All(doc, doc)
		first, ok := p.Get(doc, doc)
		assert.Equal(t, len(all) > 0, ok)
		if ok {
			assert.Equal(t, all[0], first)
		}
		assert.Len(t, p.Locate(doc, doc), len(all))
	})
}
