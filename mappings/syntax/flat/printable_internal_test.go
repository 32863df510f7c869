package flat

import "testing"

// printableASCII answers as a byte-by-byte check does for every byte value
// at every position of lines of 1 to 17 bytes, around printable text.
func TestPrintableASCII(t *testing.T) {
	slow := func(b []byte) bool {
		for _, c := range b {
			if c < 0x20 || c > 0x7e {
				return false
			}
		}
		return true
	}
	for n := 1; n <= 17; n++ {
		for pos := 0; pos < n; pos++ {
			for v := 0; v < 256; v++ {
				for _, fill := range []byte{' ', '~', 'A'} {
					b := make([]byte, n)
					for i := range b {
						b[i] = fill
					}
					b[pos] = byte(v)
					if got, want := printableASCII(b), slow(b); got != want {
						t.Fatalf("printableASCII(%q) = %v, want %v", b, got, want)
					}
				}
			}
		}
	}
	if !printableASCII(nil) {
		t.Fatal("an empty line is printable")
	}
}
