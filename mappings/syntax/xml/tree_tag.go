package xml

import (
	stdxml "encoding/xml"
	"strings"
	"unicode/utf8"

	"github.com/antchfx/xmlquery"
)

// name reads an ASCII XML name with at most one colon, not at either end,
// and gives the colon's index in the name (-1: none).
func (b *builder) name() (string, int, bool) {
	s := b.s
	start := b.i
	if start >= len(s) || !isNameStart(s[start]) {
		return "", -1, false
	}
	colon := -1
	j := start
	for {
		for j < len(s) && nameClass[s[j]] == nameByte {
			j++
		}
		if j == len(s) || nameClass[s[j]] != nameColon {
			break
		}
		if colon >= 0 {
			return "", -1, false
		}
		colon = j
		j++
	}
	if j < len(s) && nameClass[s[j]] == nameNonASCII || colon == start || colon == j-1 {
		return "", -1, false
	}
	b.i = j
	if colon >= 0 {
		colon -= start
	}
	return s[start:j], colon, true
}

// Classes of bytes in a name, for name's table.
const (
	nameEnd      = iota // ends the name
	nameByte            // continues it
	nameColon           // separates prefix and local name
	nameNonASCII        // a byte of a non-ASCII character: left to the general path
)

// nameClass classifies every byte value for name.
var nameClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = nameNonASCII
		case c == ':':
			t[c] = nameColon
		case isNameByte(byte(c)):
			t[c] = nameByte
		}
	}
	return t
}()

// skipSpace skips white space inside a tag.
func (b *builder) skipSpace() {
	s := b.s
	for b.i < len(s) {
		switch s[b.i] {
		case '\n':
			b.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		b.i++
	}
}

// startTag reads <name attr="value" ...> or <name .../>, resolves the
// names and adds the element. closed reports an empty-element tag.
func (b *builder) startTag() (ok, closed bool) {
	s := b.s
	line := b.line
	b.i++
	qname, qcolon, ok := b.name()
	if !ok || qname == "xmlns" || len(b.open) >= b.maxDepth {
		return false, false
	}
	first := len(b.attrs)
	for {
		b.skipSpace()
		if b.i >= len(s) {
			return false, false
		}
		if c := s[b.i]; c == '/' {
			if b.i+1 >= len(s) || s[b.i+1] != '>' {
				return false, false
			}
			b.i += 2
			closed = true
			break
		} else if c == '>' {
			b.i++
			break
		}
		aname, acolon, ok := b.name()
		if !ok {
			return false, false
		}
		b.skipSpace()
		if b.i >= len(s) || s[b.i] != '=' {
			return false, false
		}
		b.i++
		b.skipSpace()
		if b.i >= len(s) || s[b.i] != '"' && s[b.i] != '\'' {
			return false, false
		}
		value, ok := b.attrValue(s[b.i])
		if !ok {
			return false, false
		}
		prefix, local := cutAt(aname, acolon)
		b.attrs = append(b.attrs, xmlquery.Attr{Name: stdxml.Name{Space: prefix, Local: local}, Value: value})
	}
	attrs := b.attrs[first:len(b.attrs):len(b.attrs)]
	if len(attrs) == 0 {
		attrs = nil
	}
	el := b.node(xmlquery.ElementNode, "")
	el.LineNumber = line
	el.Attr = attrs
	parent := b.parent()
	if !b.resolve(el, qname, qcolon, len(b.open)+1) {
		return false, false
	}
	appendChild(parent, el)
	if closed {
		b.popNS(b.open[len(b.open)-1].nsMark)
		b.open = b.open[:len(b.open)-1]
	}
	return true, closed
}

// resolve binds the namespaces the element declares, then sets the names
// of the element and its attributes as encoding/xml and xmlquery do; colon
// is where qname's colon is (-1: none). It pushes the element on the open
// stack.
func (b *builder) resolve(el *xmlquery.Node, qname string, colon, level int) bool {
	mark := len(b.ns)
	for _, a := range el.Attr {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
			b.nsGen++
		}
		switch {
		case a.Name.Local == "xmlns" && a.Name.Space == "":
			b.ns = append(b.ns, binding{prefix: "", uri: a.Value})
			if k := b.spaceIndex(a.Value); k < 0 {
				b.spaces = append(b.spaces, spaceName{uri: a.Value, level: level})
			} else if b.spaces[k].level >= level {
				b.spaces[k] = spaceName{uri: a.Value, level: level}
			}
		case a.Name.Local == "xmlns":
			return false // xmlquery reads p:xmlns as a default declaration
		case a.Name.Space == "xmlns":
			if a.Value == "" || a.Value == "xmlns" {
				return false
			}
			b.ns = append(b.ns, binding{prefix: a.Name.Local, uri: a.Value})
			if k := b.spaceIndex(a.Value); k < 0 {
				b.spaces = append(b.spaces, spaceName{uri: a.Value, name: a.Name.Local, level: level})
			} else {
				b.spaces[k] = spaceName{uri: a.Value, name: a.Name.Local, level: level}
			}
		}
	}
	b.open = append(b.open, openElement{n: el, qname: qname, nsMark: mark})

	prefix, local := cutAt(qname, colon)
	c := &b.last
	if !c.valid || c.gen != b.nsGen || c.prefix != prefix {
		uri, ok := b.lookup(prefix, true)
		if !ok || uri == "xmlns" {
			return false
		}
		*c = lastName{valid: true, gen: b.nsGen, prefix: prefix, uri: uri}
		if prefix != "" && uri != "" {
			if k := b.spaceIndex(uri); k >= 0 && b.spaces[k].name == prefix {
				c.elPrefix = prefix
			}
		}
	}
	el.Data, el.NamespaceURI, el.Prefix = local, c.uri, c.elPrefix
	for k := range el.Attr {
		a := &el.Attr[k]
		var uri string
		switch a.Name.Space {
		case "", "xmlns":
			uri = a.Name.Space
		default:
			var ok bool
			if uri, ok = b.lookup(a.Name.Space, false); !ok {
				return false
			}
		}
		a.NamespaceURI = uri
		if k := b.spaceIndex(uri); k >= 0 {
			a.Name.Space = b.spaces[k].name
		} else {
			a.Name.Space = uri
		}
	}
	return true
}

// lookup resolves a prefix as encoding/xml does; ok is false for a prefix
// that is not declared.
func (b *builder) lookup(prefix string, element bool) (string, bool) {
	if prefix == "xml" {
		return xmlURL, true
	}
	for k := len(b.ns) - 1; k >= 0; k-- {
		if b.ns[k].prefix == prefix {
			return b.ns[k].uri, true
		}
	}
	return "", prefix == "" && element
}

func (b *builder) spaceIndex(uri string) int {
	for k := len(b.spaces) - 1; k >= 0; k-- {
		if b.spaces[k].uri == uri {
			return k
		}
	}
	return -1
}

// endTag reads </name> and closes the innermost element, which must have
// that name as written.
func (b *builder) endTag() bool {
	s := b.s
	b.i += 2
	if len(b.open) == 0 {
		return false
	}
	// The name must be the open element's as written: compare it in
	// place rather than read it as a name first.
	top := b.open[len(b.open)-1]
	end := b.i + len(top.qname)
	if end >= len(s) || s[b.i:end] != top.qname || nameClass[s[end]] != nameEnd {
		return false
	}
	b.i = end
	b.skipSpace()
	if b.i >= len(s) || s[b.i] != '>' {
		return false
	}
	b.i++
	b.popNS(top.nsMark)
	b.open = b.open[:len(b.open)-1]
	return true
}

// popNS drops the bindings above mark, those of the element closed.
func (b *builder) popNS(mark int) {
	if len(b.ns) != mark {
		b.ns = b.ns[:mark]
		b.nsGen++
	}
}

// attrValue reads a quoted attribute value starting at its quote.
func (b *builder) attrValue(quote byte) (string, bool) {
	s := b.s
	start := b.i + 1
	end := strings.IndexByte(s[start:], quote)
	if end < 0 {
		return "", false
	}
	raw := s[start : start+end]
	if strings.IndexByte(raw, '<') >= 0 {
		return "", false
	}
	v, ok := b.chars(raw, kindAttr)
	if !ok {
		return "", false
	}
	b.i = start + end + 1
	return v, true
}

// isNameStart reports whether c starts an ASCII name for encoding/xml.
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

// isNameByte reports whether c continues an ASCII name for encoding/xml.
func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// splitName splits an attribute name as written.
func splitName(qname string) stdxml.Name {
	prefix, local := cutPrefix(qname)
	return stdxml.Name{Space: prefix, Local: local}
}

// cutAt is cutPrefix for a name whose colon is known to be at index colon
// (-1: none).
func cutAt(qname string, colon int) (prefix, local string) {
	if colon > 0 {
		return qname[:colon], qname[colon+1:]
	}
	return "", qname
}

func cutPrefix(qname string) (prefix, local string) {
	if k := strings.IndexByte(qname, ':'); k > 0 {
		return qname[:k], qname[k+1:]
	}
	return "", qname
}
