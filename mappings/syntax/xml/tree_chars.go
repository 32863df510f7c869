package xml

import (
	"strings"
	"unicode/utf8"
)

// charsKind is what a run of characters is: the text between tags, the
// inside of a CDATA section, or an attribute value. encoding/xml decodes
// entities in text and attribute values, and rejects "]]>" only in text.
type charsKind uint8

const (
	kindText charsKind = iota
	kindCDATA
	kindAttr
)

// chars checks raw as encoding/xml checks decoded character data (valid
// UTF-8, XML 1.0 characters only) and returns the decoded text. It counts
// the lines of raw.
func (b *builder) chars(raw string, kind charsKind) (string, bool) {
	lines := 0
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		if plainChar[c] {
			continue
		}
		switch {
		case c == '\n':
			lines++
		case c == '\t':
		case c == ']':
			if kind == kindText && strings.HasPrefix(raw[k:], "]]>") {
				return "", false
			}
		case c == '&':
			if kind != kindCDATA {
				return b.decode(raw, kind)
			}
		case c == '\r':
			return b.decode(raw, kind)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(raw[k:])
			if r == utf8.RuneError && size == 1 || !isInCharacterRange(r) {
				return "", false
			}
			k += size - 1
		default:
			return "", false
		}
	}
	b.line += lines
	return raw, true
}

// plainChar marks the bytes chars passes over without a second look:
// ASCII characters that are neither markup nor control characters.
var plainChar = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '&' && c != ']'
	}
	return t
}()

// decode is the slow path of chars, for characters with entities or
// carriage returns. It follows encoding/xml's text: "\r\n" and "\r" become
// "\n", entities are replaced, and "]]>" is looked for in the bytes as
// written since the last entity.
func (b *builder) decode(raw string, kind charsKind) (string, bool) {
	buf := b.buf[:0]
	var b0, b1 byte
	for k := 0; k < len(raw); {
		c := raw[k]
		if kind == kindText && b0 == ']' && b1 == ']' && c == '>' {
			return "", false
		}
		switch {
		case c == '&' && kind != kindCDATA:
			r, n := entity(raw[k:])
			if n == 0 {
				return "", false
			}
			buf = utf8.AppendRune(buf, r)
			k += n
			b0, b1 = 0, 0
			continue
		case c == '\r':
			buf = append(buf, '\n')
		case c == '\n':
			if b1 != '\r' {
				buf = append(buf, '\n')
			}
		case c == '\t' || c >= 0x20 && c < utf8.RuneSelf:
			buf = append(buf, c)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(raw[k:])
			if r == utf8.RuneError && size == 1 || !isInCharacterRange(r) {
				return "", false
			}
			buf = append(buf, raw[k:k+size]...)
			k += size
			b0, b1 = raw[k-2], raw[k-1]
			continue
		default:
			return "", false
		}
		b0, b1 = b1, c
		k++
	}
	b.buf = buf
	b.line += strings.Count(raw, "\n")
	return string(buf), true
}

// entity decodes the entity or character reference at the start of s,
// returning the rune and the bytes it takes, or 0 bytes if encoding/xml
// would reject it.
func entity(s string) (rune, int) {
	switch {
	case strings.HasPrefix(s, "&lt;"):
		return '<', 4
	case strings.HasPrefix(s, "&gt;"):
		return '>', 4
	case strings.HasPrefix(s, "&amp;"):
		return '&', 5
	case strings.HasPrefix(s, "&apos;"):
		return '\'', 6
	case strings.HasPrefix(s, "&quot;"):
		return '"', 6
	case !strings.HasPrefix(s, "&#"):
		return 0, 0
	}
	k, base := 2, rune(10)
	if k < len(s) && s[k] == 'x' {
		k, base = 3, 16
	}
	start := k
	var n rune
	for ; k < len(s); k++ {
		var d rune
		switch c := s[k]; {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			d = -1
		}
		if d < 0 {
			break
		}
		if n = n*base + d; n > utf8.MaxRune {
			return 0, 0
		}
	}
	if k == start || k >= len(s) || s[k] != ';' {
		return 0, 0
	}
	// string(rune(n)) in encoding/xml turns a surrogate into U+FFFD.
	if n >= 0xD800 && n <= 0xDFFF {
		n = utf8.RuneError
	}
	if !isInCharacterRange(n) {
		return 0, 0
	}
	return n, k + 1
}

// isInCharacterRange is encoding/xml's test for a Char of XML 1.0.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
