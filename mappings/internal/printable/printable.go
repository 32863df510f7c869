// Package printable holds the byte checks the line-oriented readers share.
package printable

// ASCII reports whether every byte of s is printable ASCII, 0x20 to
// 0x7E, looking at eight bytes at a time: a word has a byte below 0x20 when
// subtracting 0x20 from each byte borrows into a byte whose top bit was
// clear, and one above 0x7E when adding 1 sets a top bit or one is set
// already.
func ASCII[T ~string | ~[]byte](s T) bool {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	for ; len(s) >= 8; s = s[8:] {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if ((w-0x20*ones)&^w|(w+ones)|w)&tops != 0 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
