package xml

import (
	"bytes"
	stdxml "encoding/xml"
	"strings"
	"unicode/utf8"

	"github.com/antchfx/xmlquery"
)

// buildTree is the fast way to the tree of a UTF-8 document. It scans the
// bytes once and builds the xmlquery nodes itself, node for node what
// xmlquery builds through encoding/xml, with the guard's line numbers on
// the elements.
//
// It covers the documents port community systems send: an optional XML
// declaration naming UTF-8, one root element with ASCII names and declared
// prefixes, text, the five predefined entities, character references,
// comments and CDATA sections. For anything else (another encoding, a byte
// order mark, a processing instruction, non-ASCII names, a document that
// is not well-formed, deeper than maxDepth, ...) it returns nil and Parse
// takes the general path, which accepts or rejects the document and words
// the error. So buildTree never decides that a document is wrong; it only
// accepts documents the general path accepts, with the same tree.
//
// Node.Level is not set on nodes built here; nothing in pcsgate reads it.
func buildTree(data []byte, maxDepth int) *xmlquery.Node {
	b := builder{s: string(data), line: 1, maxDepth: maxDepth}
	// A pretty-printed document has about three nodes for every two '<':
	// per element a start and an end tag, the element, the white space
	// after it and, for most, the text inside.
	b.nodes = make([]xmlquery.Node, min(bytes.Count(data, []byte{'<'})*3/2+4, 512))
	b.spaces = append(b.spaces[:0], spaceName{uri: xmlURL, name: "xml"})
	if !b.document() {
		return nil
	}
	return b.doc
}

// xmlURL is the namespace the prefix xml is bound to.
const xmlURL = "http://www.w3.org/XML/1998/namespace"

type builder struct {
	s        string // the whole document
	i        int    // next byte to read
	line     int    // line of s[i], 1-based
	maxDepth int

	doc   *xmlquery.Node
	nodes []xmlquery.Node // unused nodes, allocated in chunks
	attrs []xmlquery.Attr // attributes of all elements, sliced per element
	open  []openElement
	// ns holds the prefix bindings in scope, innermost last, as
	// encoding/xml resolves them.
	ns []binding
	// spaces mirrors xmlquery's table from namespace URI to the prefix it
	// reports for that URI: it is never popped, and the latest
	// declaration wins (a default one only at the same or a deeper level).
	spaces []spaceName
	buf    []byte // decoded text with entities or carriage returns
}

type openElement struct {
	n      *xmlquery.Node
	qname  string // as written, prefix:local
	nsMark int    // len(ns) before the element's own declarations
}

type binding struct{ prefix, uri string }

type spaceName struct {
	uri, name string
	level     int
}

func (b *builder) node(t xmlquery.NodeType, data string) *xmlquery.Node {
	if len(b.nodes) == 0 {
		b.nodes = make([]xmlquery.Node, 64)
	}
	n := &b.nodes[0]
	b.nodes = b.nodes[1:]
	n.Type, n.Data = t, data
	return n
}

// appendChild adds n as the last child of parent.
func appendChild(parent, n *xmlquery.Node) {
	n.Parent = parent
	if last := parent.LastChild; last != nil {
		last.NextSibling = n
		n.PrevSibling = last
	} else {
		parent.FirstChild = n
	}
	parent.LastChild = n
}

// parent is the node new content goes into.
func (b *builder) parent() *xmlquery.Node {
	if len(b.open) > 0 {
		return b.open[len(b.open)-1].n
	}
	return b.doc
}

// document reads the prolog, the root element and what follows it.
func (b *builder) document() bool {
	b.doc = b.node(xmlquery.DocumentNode, "")
	s := b.s
	switch {
	case strings.HasPrefix(s, "<?xml") && len(s) > 5 && (isXMLSpace(s[5]) || s[5] == '?'):
		if !b.declaration() {
			return false
		}
	case len(s) > 1 && s[0] == '<' && isNameStart(s[1]):
		// xmlquery adds a declaration when the document has none.
		decl := b.node(xmlquery.DeclarationNode, "xml")
		decl.Attr = []xmlquery.Attr{{Name: stdxml.Name{Local: "version"}, Value: "1.0"}}
		appendChild(b.doc, decl)
	default:
		return false
	}
	rootDone := false
	for b.i < len(s) {
		switch {
		case s[b.i] != '<':
			if !b.space() {
				return false
			}
		case strings.HasPrefix(s[b.i:], "<!--"):
			if !b.comment() {
				return false
			}
		case !rootDone && b.i+1 < len(s) && isNameStart(s[b.i+1]):
			if !b.element() {
				return false
			}
			rootDone = true
		default:
			return false
		}
	}
	return rootDone
}

// declaration reads <?xml ...?> at the start of the document. Like
// encoding/xml it checks only the version and the encoding; the node gets
// the attributes the way xmlquery splits them.
func (b *builder) declaration() bool {
	s := b.s
	j := 5
	for j < len(s) && isXMLSpace(s[j]) {
		j++
	}
	end := strings.Index(s[j:], "?>")
	if end < 0 {
		return false
	}
	inst := s[j : j+end]
	if v := procInst("version", inst); v != "" && v != "1.0" {
		return false
	}
	if e := procInst("encoding", inst); e != "" && !strings.EqualFold(e, "utf-8") {
		return false
	}
	decl := b.node(xmlquery.DeclarationNode, "xml")
	for _, pair := range strings.Split(inst, " ") {
		pair = strings.TrimSpace(pair)
		if k := strings.Index(pair, "="); k > 0 {
			xmlquery.AddAttr(decl, pair[:k], strings.Trim(pair[k+1:], `"'`))
		}
	}
	appendChild(b.doc, decl)
	b.line += strings.Count(s[:j+end+2], "\n")
	b.i = j + end + 2
	return true
}

// procInst finds param="value" or param='value' in the body of an XML
// declaration, exactly as encoding/xml does.
func procInst(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// space reads white space outside the root element as a text node.
func (b *builder) space() bool {
	s := b.s
	start, cr := b.i, false
	for b.i < len(s) && s[b.i] != '<' {
		switch s[b.i] {
		case '\n':
			b.line++
		case '\r':
			cr = true
		case ' ', '\t':
		default:
			return false
		}
		b.i++
	}
	data := s[start:b.i]
	if cr {
		b.buf = normalizeNewlines(b.buf[:0], data)
		data = string(b.buf)
	}
	appendChild(b.doc, b.node(xmlquery.TextNode, data))
	return true
}

func normalizeNewlines(dst []byte, s string) []byte {
	for k := 0; k < len(s); k++ {
		switch {
		case s[k] == '\r':
			dst = append(dst, '\n')
		case s[k] == '\n' && k > 0 && s[k-1] == '\r':
		default:
			dst = append(dst, s[k])
		}
	}
	return dst
}

// comment reads <!-- ... -->. Like encoding/xml it does not check the
// characters inside, and "--" must end the comment.
func (b *builder) comment() bool {
	s := b.s
	start := b.i + 4
	end := strings.Index(s[start:], "--")
	if end < 0 || start+end+2 >= len(s) || s[start+end+2] != '>' {
		return false
	}
	data := s[start : start+end]
	b.line += strings.Count(data, "\n")
	appendChild(b.parent(), b.node(xmlquery.CommentNode, data))
	b.i = start + end + 3
	return true
}

// cdata reads <![CDATA[ ... ]]>.
func (b *builder) cdata() bool {
	s := b.s
	start := b.i + 9
	end := strings.Index(s[start:], "]]>")
	if end < 0 {
		return false
	}
	raw := s[start : start+end]
	data, ok := b.chars(raw, kindCDATA)
	if !ok {
		return false
	}
	appendChild(b.parent(), b.node(xmlquery.CharDataNode, data))
	b.i = start + end + 3
	return true
}

// element reads the root element and everything inside it.
func (b *builder) element() bool {
	s := b.s
	for {
		if b.i >= len(s) {
			return false
		}
		if s[b.i] != '<' {
			if !b.text() {
				return false
			}
			continue
		}
		if b.i+1 >= len(s) {
			return false
		}
		var ok bool
		switch c := s[b.i+1]; {
		case c == '/':
			ok = b.endTag()
			if ok && len(b.open) == 0 {
				return true
			}
		case c == '!' && strings.HasPrefix(s[b.i:], "<!--"):
			ok = b.comment()
		case c == '!' && strings.HasPrefix(s[b.i:], "<![CDATA["):
			ok = b.cdata()
		case isNameStart(c):
			var closed bool
			ok, closed = b.startTag()
			if ok && closed && len(b.open) == 0 {
				return true
			}
		}
		if !ok {
			return false
		}
	}
}

// name reads an ASCII XML name with at most one colon, not at either end.
func (b *builder) name() (string, bool) {
	s := b.s
	start := b.i
	if start >= len(s) || !isNameStart(s[start]) {
		return "", false
	}
	colon := -1
	j := start
	for ; j < len(s); j++ {
		c := s[j]
		if c >= utf8.RuneSelf {
			return "", false
		}
		if !isNameByte(c) {
			break
		}
		if c == ':' {
			if colon >= 0 {
				return "", false
			}
			colon = j
		}
	}
	if colon == start || colon == j-1 {
		return "", false
	}
	b.i = j
	return s[start:j], true
}

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
	qname, ok := b.name()
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
		aname, ok := b.name()
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
		b.attrs = append(b.attrs, xmlquery.Attr{Name: splitName(aname), Value: value})
	}
	attrs := b.attrs[first:len(b.attrs):len(b.attrs)]
	if len(attrs) == 0 {
		attrs = nil
	}
	el := b.node(xmlquery.ElementNode, "")
	el.LineNumber = line
	el.Attr = attrs
	parent := b.parent()
	if !b.resolve(el, qname, len(b.open)+1) {
		return false, false
	}
	appendChild(parent, el)
	if closed {
		b.ns = b.ns[:b.open[len(b.open)-1].nsMark]
		b.open = b.open[:len(b.open)-1]
	}
	return true, closed
}

// resolve binds the namespaces the element declares, then sets the names
// of the element and its attributes as encoding/xml and xmlquery do. It
// pushes the element on the open stack.
func (b *builder) resolve(el *xmlquery.Node, qname string, level int) bool {
	mark := len(b.ns)
	for _, a := range el.Attr {
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

	prefix, local := splitQName2(qname)
	uri, ok := b.lookup(prefix, true)
	if !ok || uri == "xmlns" {
		return false
	}
	el.Data, el.NamespaceURI = local, uri
	if prefix != "" && uri != "" {
		if k := b.spaceIndex(uri); k >= 0 && b.spaces[k].name == prefix {
			el.Prefix = prefix
		}
	}
	for k := range el.Attr {
		a := &el.Attr[k]
		var uri string
		switch a.Name.Space {
		case "", "xmlns":
			uri = a.Name.Space
		default:
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
	qname, ok := b.name()
	if !ok || len(b.open) == 0 {
		return false
	}
	b.skipSpace()
	if b.i >= len(s) || s[b.i] != '>' {
		return false
	}
	b.i++
	top := b.open[len(b.open)-1]
	if top.qname != qname {
		return false
	}
	b.ns = b.ns[:top.nsMark]
	b.open = b.open[:len(b.open)-1]
	return true
}

// text reads character data up to the next '<' as a text node.
func (b *builder) text() bool {
	s := b.s
	end := strings.IndexByte(s[b.i:], '<')
	if end < 0 {
		return false
	}
	raw := s[b.i : b.i+end]
	data, ok := b.chars(raw, kindText)
	if !ok {
		return false
	}
	// xmlquery tells CDATA from text by the bytes the token starts with.
	t := xmlquery.TextNode
	if len(raw) >= 8 && raw[0] == '!' && strings.EqualFold(raw[:8], "![CDATA[") {
		t = xmlquery.CharDataNode
	}
	appendChild(b.parent(), b.node(t, data))
	b.i += end
	return true
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

// What a run of characters is: the text between tags, the inside of a
// CDATA section, or an attribute value. encoding/xml decodes entities in
// text and attribute values, and rejects "]]>" only in text.
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
	for k := 0; k < len(raw); k++ {
		c := raw[k]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != ']' {
			continue
		}
		switch {
		case c == '\n', c == '\t':
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
	b.line += strings.Count(raw, "\n")
	return raw, true
}

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
	prefix, local := splitQName2(qname)
	return stdxml.Name{Space: prefix, Local: local}
}

func splitQName2(qname string) (prefix, local string) {
	if k := strings.IndexByte(qname, ':'); k > 0 {
		return qname[:k], qname[k+1:]
	}
	return "", qname
}
