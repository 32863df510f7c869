package cargoimp

import (
	"strings"
	"testing"
)

// printableASCII answers as a byte-by-byte check does for every byte value
// at every position of lines of 1 to 17 bytes, around printable text.
func TestPrintableASCII(t *testing.T) {
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
				for _, fill := range []string{" ", "~", "/"} {
					b := []byte(strings.Repeat(fill, n))
					b[pos] = byte(v)
					if got, want := printableASCII(string(b)), slow(string(b)); got != want {
						t.Fatalf("printableASCII(%q) = %v, want %v", b, got, want)
					}
				}
			}
		}
	}
}
