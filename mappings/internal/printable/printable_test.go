package printable

import (
	"strings"
	"testing"
)

// ASCII answers as a byte-by-byte check does for every byte value at
// every position of lines of 1 to 17 bytes, around printable text, given
// as a string and as bytes.
func TestASCII(t *testing.T) {
	slow := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] > 0x7e {
				return false
			}
		}
		return true
	}
	for n := 1; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for v := 0; v < 256; v++ {
				for _, fill := range []string{" ", "~", "/", "A"} {
					b := []byte(strings.Repeat(fill, n))
					b[pos] = byte(v)
					want := slow(string(b))
					if got := ASCII(string(b)); got != want {
						t.Fatalf("ASCII(%q) = %v, want %v", b, got, want)
					}
					if got := ASCII(b); got != want {
						t.Fatalf("ASCII([]byte %q) = %v, want %v", b, got, want)
					}
				}
			}
		}
	}
	if !ASCII([]byte(nil)) || !ASCII("") {
		t.Fatal("an empty line is printable")
	}
}
