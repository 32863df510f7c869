package flat

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Encodings of flat files.
const (
	EncodingUTF8   = "utf-8"
	EncodingLatin1 = "iso-8859-1"
)

// encoding is a parsed Encoding option.
type encoding uint8

const (
	encUTF8 encoding = iota
	encLatin1
)

// parseEncoding accepts the usual spellings of the two supported encodings.
func parseEncoding(name string) (encoding, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return encUTF8, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
		return encLatin1, nil
	}
	return 0, describe(ErrLayout, fmt.Sprintf("encoding %s is not supported, expected %q or %q", quote(name), EncodingUTF8, EncodingLatin1))
}

// latin1ToUTF8 appends the UTF-8 form of ISO 8859-1 bytes to dst.
func latin1ToUTF8(dst, src []byte) []byte {
	for _, c := range src {
		if c < utf8.RuneSelf {
			dst = append(dst, c)
		} else {
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence in
// b, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// encodeErr describes a problem writing s in enc, or returns nil; at is the
// character position of the problem (0-based).
func encodeErr(s string, enc encoding) (at int, err error) {
	n := 0
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return n, describe(ErrEncoding, fmt.Sprintf("byte 0x%02X is not UTF-8 text", s[i]))
			}
		}
		if enc == encLatin1 && r > 0xFF {
			return n, describe(ErrEncoding, fmt.Sprintf("character %q (U+%04X) has no ISO 8859-1 form", r, r))
		}
		n++
	}
	return 0, nil
}

// appendEncoded appends s in enc to dst; s must have passed encodeErr.
func appendEncoded(dst []byte, s string, enc encoding) []byte {
	if enc == encUTF8 {
		return append(dst, s...)
	}
	for _, r := range s {
		dst = append(dst, byte(r))
	}
	return dst
}
