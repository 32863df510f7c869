package canonical

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// appendJSONString writes what encoding/json writes without HTML
// escaping for every byte value at every position of strings of 1 to 17
// bytes, so the eight-byte look-ahead never lets a byte through that
// needs escaping, whichever word it falls in.
func TestAppendJSONStringEveryByteAtEveryPosition(t *testing.T) {
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	for n := 1; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for v := 0; v < 256; v++ {
				for _, fill := range []string{" ", "~", "\x7f", "A", "é"} {
					b := []byte(strings.Repeat(fill, n))
					b[pos] = byte(v)
					want.Reset()
					if err := enc.Encode(string(b)); err != nil {
						t.Fatal(err)
					}
					got := appendJSONString([]byte("x"), string(b))
					if string(got[1:]) != strings.TrimSuffix(want.String(), "\n") {
						t.Fatalf("%q: got %s, want %s", b, got[1:], want.String())
					}
				}
			}
		}
	}
}
