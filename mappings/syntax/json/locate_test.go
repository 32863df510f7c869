package json_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

func TestLocate(t *testing.T) {
	doc := []byte("\xEF\xBB\xBF{\n  \"a\": {\"b\": [1, \"ünï\", {\"c\": null}]},\n  \"d\\\"e\": 2\n}")
	for _, tc := range []struct {
		ptr       string
		line, col int
		ok        bool
	}{
		{"", 1, 1, true},
		{"/a", 2, 8, true},
		{"/a/b/1", 2, 18, true},
		{"/a/b/2/c", 2, 31, true},
		{"/d\"e", 3, 11, true},
		{"/a/b/3", 0, 0, false},
		{"/x", 0, 0, false},
	} {
		line, col, ok := jsonsyn.Locate(doc, jsonsyn.PointerTokens(tc.ptr))
		assert.Equal(t, []any{tc.line, tc.col, tc.ok}, []any{line, col, ok}, "pointer %q", tc.ptr)
	}
}

func TestPlain(t *testing.T) {
	v, err := jsonsyn.Decode([]byte(`{"n": 3, "f": 2.5, "s": "x", "l": [1]}`), jsonsyn.DecodeOptions{})
	assert.NoError(t, err)
	assert.Equal(t, map[string]any{"n": 3, "f": 2.5, "s": "x", "l": []any{1}}, jsonsyn.Plain(v))
}

// FuzzLocate: any text and pointer give an answer, never a panic, and a
// found value lies inside the text.
func FuzzLocate(f *testing.F) {
	f.Add([]byte(`{"a": [1, {"b": "c"}]}`), "/a/1/b")
	f.Add([]byte(`[[[]]]`), "/0/0")
	f.Fuzz(func(t *testing.T, data []byte, ptr string) {
		line, col, ok := jsonsyn.Locate(data, jsonsyn.PointerTokens(ptr))
		if ok && (line < 1 || col < 1 || line > len(data)+1) {
			t.Fatalf("position %d:%d outside %d bytes", line, col, len(data))
		}
	})
}
