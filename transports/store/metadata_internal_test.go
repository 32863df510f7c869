package store

import (
	"encoding/json"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var metadataSamples = []message.Metadata{
	{},
	{"pcsgate_event_id": "e-1", "pcsgate_out_name": "COREOR_1.edi", "_watermill_message_uuid": "01J"},
	{"quote": `a "b" c`, "backslash": `C:\in`, "control": "x\x00\n\t\ry\x1f", "unicode": "Zürich – 港"},
	{"html": "<a&b>", "line separator": "a\u2028b"},
}

// appendMetadata writes what encoding/json writes for a map (HTML
// characters aside), and parseMetadata reads back what needs no escape.
func TestMetadataText(t *testing.T) {
	for _, md := range metadataSamples {
		b := appendMetadata(nil, md)
		var back message.Metadata
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		assert.Equal(t, md, back)
		if _, html := md["html"]; !html {
			want, err := json.Marshal(md)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(b))
		}
		got := message.Metadata{}
		if parseMetadata(b, got) {
			assert.Equal(t, md, got, "%s", b)
		} else {
			assert.Contains(t, string(b), `\`, "only escapes are left to encoding/json: %s", b)
		}
	}
	b := appendMetadata(nil, message.Metadata{"bad": "\xff"})
	assert.JSONEq(t, `{"bad":"\ufffd"}`, string(b), "invalid UTF-8 as encoding/json writes it")
	for _, bad := range []string{``, `{`, `{"a":"b"`, `{"a":"b",}`, `{"a" :"b"}`, `{"a":1}`, `{"a":"b"}x`, `[]`} {
		assert.False(t, parseMetadata([]byte(bad), message.Metadata{}), bad)
	}
}

// FuzzParseMetadata: whatever parseMetadata accepts, encoding/json reads
// the same way.
func FuzzParseMetadata(f *testing.F) {
	for _, md := range metadataSamples {
		f.Add(appendMetadata(nil, md))
	}
	f.Add([]byte(`{"a":"b","a":"c"}`))
	f.Add([]byte(`{"a":"\u00e9"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := message.Metadata{}
		if !parseMetadata(b, got) {
			return
		}
		var want message.Metadata
		require.NoError(t, json.Unmarshal(b, &want), "%q", b)
		if len(want) == 0 {
			want = message.Metadata{}
		}
		assert.Equal(t, want, got, "%q", b)
	})
}
