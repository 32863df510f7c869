package xml

import (
	"fmt"
	"strconv"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// gstate is where the guard is in the markup.
type gstate uint8

const (
	gText      gstate = iota // character data
	gLT                      // just after '<'
	gStart                   // inside a start tag, outside quotes
	gQuote                   // inside a quoted attribute value
	gEnd                     // inside an end tag
	gPI                      // inside <? ... ?>
	gBang                    // just after "<!"
	gBangDash                // just after "<!-"
	gBangCDATA               // matching "CDATA[" after "<!["
	gComment                 // inside <!-- ... -->
	gCDATA                   // inside <![CDATA[ ... ]]>
)

// guard scans raw bytes ahead of the XML decoder. It keeps only enough state
// to know where markup starts and ends, which is all it needs to reject
// declarations, count nesting and find the line of every start tag. It never
// ends a comment, CDATA section, processing instruction or attribute value
// earlier than encoding/xml does, so the decoder cannot see markup the guard
// has not seen.
type guard struct {
	maxDepth int
	line     int // current line, 1-based
	depth    int
	state    gstate
	quote    byte // quote character of the current attribute value
	prev     byte // previous byte inside a tag or processing instruction
	run      int  // consecutive '-' in a comment, ']' in CDATA, or CDATA[ progress
	offset   int64
	rootSeen bool
	rootDone bool
	// starts holds the line of each start tag in document order when record
	// is set; Parse copies them onto the element nodes.
	record bool
	starts []int32
}

func newGuard(maxDepth int, record bool) *guard {
	return &guard{maxDepth: maxDepth, line: 1, record: record}
}

// feed scans p. It returns len(p) and nil, or the index of the offending
// byte and an *Error.
func (g *guard) feed(p []byte) (int, error) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch g.state {
		case gText:
			if c == '<' {
				g.state = gLT
			} else if g.depth == 0 && !isXMLSpace(c) && !g.isBOM(i, c) {
				return i, g.fail(ErrSyntax, "text", textValue(p[i:]), "text outside the root element")
			}
		case gLT:
			switch c {
			case '/':
				g.state = gEnd
			case '?':
				g.state, g.prev = gPI, 0
			case '!':
				g.state = gBang
			default:
				if !isNameStartByte(c) {
					return i, g.fail(ErrSyntax, "element", "<"+textValue(p[i:]), "expected an element name after <")
				}
				if g.rootDone {
					return i, g.fail(ErrSyntax, "element", "<"+textValue(p[i:]), "a second root element")
				}
				g.depth++
				if g.depth > g.maxDepth {
					return i, g.fail(ErrTooDeep, "element", "<"+textValue(p[i:]),
						"more than "+strconv.Itoa(g.maxDepth)+" levels")
				}
				g.rootSeen = true
				if g.record {
					g.starts = append(g.starts, int32(g.line))
				}
				g.state, g.prev = gStart, c
			}
		case gStart:
			switch c {
			case '"', '\'':
				g.state, g.quote = gQuote, c
			case '>':
				if g.prev == '/' {
					g.closeElement()
				}
				g.state = gText
			}
			g.prev = c
		case gQuote:
			if c == g.quote {
				g.state, g.prev = gStart, c
			}
		case gEnd:
			if c == '>' {
				g.closeElement()
				g.state = gText
			}
		case gPI:
			if c == '>' && g.prev == '?' {
				g.state = gText
			}
			g.prev = c
		case gBang:
			switch c {
			case '-':
				g.state = gBangDash
			case '[':
				if g.depth == 0 {
					return i, g.fail(ErrSyntax, "text", "<!"+textValue(p[i:]), "text outside the root element")
				}
				g.state, g.run = gBangCDATA, 0
			default:
				return i, g.fail(ErrDTD, "declaration", "<!"+textValue(p[i:]), "")
			}
		case gBangDash:
			if c != '-' {
				return i, g.fail(ErrSyntax, "comment", "<!-"+textValue(p[i:]), `expected "<!--"`)
			}
			g.state, g.run = gComment, 0
		case gBangCDATA:
			const cdata = "CDATA["
			if c != cdata[g.run] {
				return i, g.fail(ErrDTD, "declaration", "<!["+textValue(p[i:]), "")
			}
			g.run++
			if g.run == len(cdata) {
				g.state, g.run = gCDATA, 0
			}
		case gComment, gCDATA:
			end := byte('-')
			if g.state == gCDATA {
				end = ']'
			}
			switch {
			case c == end:
				g.run++
			case c == '>' && g.run >= 2:
				g.state, g.run = gText, 0
			default:
				g.run = 0
			}
		}
		if c == '\n' {
			g.line++
		}
	}
	g.offset += int64(len(p))
	return len(p), nil
}

// finish reports a document that ended early or had no root element.
func (g *guard) finish() error {
	switch {
	case g.state != gText:
		return g.fail(ErrSyntax, "document", "", "ends inside markup: expected the rest of the tag, comment or section")
	case g.depth > 0:
		return g.fail(ErrSyntax, "document", "", fmt.Sprintf("ends with %d element(s) still open", g.depth))
	case !g.rootSeen:
		return g.fail(ErrSyntax, "document", "", "has no root element")
	}
	return nil
}

func (g *guard) closeElement() {
	if g.depth > 0 {
		g.depth--
		if g.depth == 0 {
			g.rootDone = true
		}
	}
}

// isBOM reports whether c is part of a UTF-8 byte order mark at the very
// start of the input.
func (g *guard) isBOM(i int, c byte) bool {
	const bom = "\xef\xbb\xbf"
	pos := g.offset + int64(i)
	return pos < int64(len(bom)) && c == bom[pos]
}

func (g *guard) fail(sentinel error, field, value, detail string) *Error {
	err := sentinel
	if detail != "" {
		err = fmt.Errorf("%w: %s", sentinel, detail)
	}
	return &Error{Line: g.line, Field: field, Value: value, Err: err}
}

// textValue returns the start of p up to the end of its line, for errors.
func textValue(p []byte) string {
	n := 0
	for n < len(p) && n < errtext.MaxValue+1 && p[n] != '\n' && p[n] != '\r' {
		n++
	}
	return string(p[:n])
}

// isNameStartByte reports whether c can begin an element name. Bytes of
// multi-byte UTF-8 sequences are accepted here; the decoder checks them.
func isNameStartByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isXMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}
