package edifact

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Byte classes. The first four classify a byte as data; the last three
// mark the separators and release character in a segment table.
const (
	clPlain   uint8 = iota // copied as is (ASCII in every set)
	clDecode               // one byte mapped to a rune of 0x80 and above
	clUTF8                 // first byte of a UTF-8 sequence, validated
	clBad                  // not in the repertoire
	clComp                 // component separator
	clElem                 // element separator
	clRelease              // release character
)

// charset is one EDIFACT repertoire (syntax identifier, UNB S001 0001).
type charset struct {
	name  string
	utf8  bool
	data  [256]uint8    // class of each byte as data
	runes [256]rune     // single-byte sets: rune of each clDecode byte
	enc   map[rune]byte // single-byte sets: byte of each rune of 0x80 and above
}

// unoa is the level A repertoire of ISO 9735 besides letters and digits.
const unoaPunct = " .,-()/='+:?!\"%&*;<>"

// charsets lists every syntax identifier pcsgate reads and writes.
var charsets = map[string]*charset{
	"UNOA": asciiSet("UNOA", false),
	"UNOB": asciiSet("UNOB", true),
	"UNOC": singleByteSet("UNOC", charmap.ISO8859_1),
	"UNOD": singleByteSet("UNOD", charmap.ISO8859_2),
	"UNOE": singleByteSet("UNOE", charmap.ISO8859_5),
	"UNOF": singleByteSet("UNOF", charmap.ISO8859_7),
	"UNOW": utf8Set("UNOW"),
	"UNOY": utf8Set("UNOY"),
}

// charsetNames is the list shown when a set is unknown.
const charsetNames = "UNOA, UNOB, UNOC, UNOD, UNOE, UNOF, UNOW or UNOY"

// rawSet accepts every byte as is; it reads UNB before its character set
// is known.
var rawSet = &charset{name: "raw"}

// lookupCharset returns the set named by a syntax identifier.
func lookupCharset(name string) (*charset, error) {
	if cs, ok := charsets[name]; ok {
		return cs, nil
	}
	return nil, wrapc(ErrCharset, CodeSyntaxLevel, "unknown character set, expected %s", charsetNames)
}

// asciiSet builds UNOA (upper case only) or UNOB (all printable ASCII).
// UNOA has no lower-case letters, yet real senders' software puts them
// there: a-z are read as, and written as, A-Z.
func asciiSet(name string, lower bool) *charset {
	cs := &charset{name: name}
	for b := range 256 {
		c := byte(b)
		ok := c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || containsByte(unoaPunct, c)
		if lower {
			ok = c >= 0x20 && c < 0x7F
		}
		cs.data[b] = clBad
		switch {
		case ok:
			cs.data[b] = clPlain
		case c >= 'a' && c <= 'z':
			cs.data[b] = clDecode
			cs.runes[b] = rune(c - 'a' + 'A')
		}
	}
	return cs
}

// textASCII marks printable ASCII and TAB, LF and CR as plain.
func textASCII(cs *charset) {
	for b := range 128 {
		cs.data[b] = clBad
		if b >= 0x20 && b < 0x7F || b == '\t' || b == '\n' || b == '\r' {
			cs.data[b] = clPlain
		}
	}
}

// singleByteSet builds an ISO 8859 set; C1 controls and unassigned bytes
// are refused.
func singleByteSet(name string, cm *charmap.Charmap) *charset {
	cs := &charset{name: name, enc: make(map[rune]byte, 96)}
	textASCII(cs)
	for b := 0x80; b < 256; b++ {
		cs.data[b] = clBad
		if b < 0xA0 {
			continue
		}
		r := cm.DecodeByte(byte(b))
		if r == utf8.RuneError {
			continue
		}
		cs.data[b] = clDecode
		cs.runes[b] = r
		cs.enc[r] = byte(b)
	}
	return cs
}

// utf8Set builds UNOW or UNOY.
func utf8Set(name string) *charset {
	cs := &charset{name: name, utf8: true}
	textASCII(cs)
	for b := 0x80; b < 256; b++ {
		cs.data[b] = clUTF8
	}
	return cs
}

// badChar describes a character the set refuses: "character U+00E9" for a
// known character, "byte 0x80" for a byte that is not one.
func (cs *charset) badChar(b []byte) string {
	if b[0] < 0x80 {
		return fmt.Sprintf("character U+%04X is not in %s", b[0], cs.name)
	}
	if cs.utf8 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return fmt.Sprintf("byte 0x%02X is not valid UTF-8 for %s", b[0], cs.name)
		}
		return fmt.Sprintf("character U+%04X is not in %s", r, cs.name)
	}
	return fmt.Sprintf("byte 0x%02X is not in %s", b[0], cs.name)
}

// appendRune encodes r into the set, reporting false if it cannot carry it.
// r is 0x80 or above.
func (cs *charset) appendRune(dst []byte, r rune) ([]byte, bool) {
	switch {
	case cs.utf8:
		if r < 0xA0 {
			return dst, false
		}
		return utf8.AppendRune(dst, r), true
	case cs.enc != nil:
		b, ok := cs.enc[r]
		if !ok {
			return dst, false
		}
		return append(dst, b), true
	}
	return dst, false
}

// segmentTable sets t to the data classes of cs with the separators and
// release character of d laid over them, and returns t.
func segmentTable(t *[256]uint8, cs *charset, d Delims) *[256]uint8 {
	*t = cs.data
	t[d.Component] = clComp
	t[d.Element] = clElem
	if d.Release != 0 {
		t[d.Release] = clRelease
	}
	return t
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
