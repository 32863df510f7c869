package xml

import (
	stdxml "encoding/xml"
	"slices"
	"strings"

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
	return buildTreeIn(string(data), maxDepth, nil)
}

// buildTreeIn is buildTree taking its nodes, attributes and scratch
// space from a, when a is not nil, so that a tree given back (see Tree)
// lends its memory to the next one.
func buildTreeIn(data string, maxDepth int, a *arena) *xmlquery.Node {
	b := builder{s: data, line: 1, maxDepth: maxDepth}
	// A pretty-printed document has about three nodes for every two '<':
	// per element a start and an end tag, the element, the white space
	// after it and, for most, the text inside.
	want := min(strings.Count(data, "<")*3/2+4, 512)
	if a != nil {
		a.lend(&b, want)
	} else {
		b.nodes = make([]xmlquery.Node, want)
	}
	b.spaces = append(b.spaces, spaceName{uri: xmlURL, name: "xml"})
	ok := b.document()
	if a != nil {
		a.keep(&b)
	}
	if !ok {
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
	// nsGen counts the changes to ns and spaces; last is the resolution
	// of the last element's prefix, good while nsGen is unchanged (most
	// elements share their parent's prefix and declare nothing).
	nsGen int
	last  lastName
}

// lastName is how resolve last resolved an element's prefix: to uri,
// reported as elPrefix.
type lastName struct {
	valid                 bool
	gen                   int
	prefix, uri, elPrefix string
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
		b.attrs = append(b.attrs, xmlquery.Attr{Name: stdxml.Name{Local: "version"}, Value: "1.0"})
		decl.Attr = b.attrs[len(b.attrs)-1 : len(b.attrs) : len(b.attrs)]
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
	if v := procInst("version=", inst); v != "" && v != "1.0" {
		return false
	}
	if e := procInst("encoding=", inst); e != "" && !strings.EqualFold(e, "utf-8") {
		return false
	}
	decl := b.node(xmlquery.DeclarationNode, "xml")
	decl.Attr = b.declAttrs(inst)
	appendChild(b.doc, decl)
	b.line += strings.Count(s[:j+end+2], "\n")
	b.i = j + end + 2
	return true
}

// declAttrs splits the body of an XML declaration into attributes as
// xmlquery does (on single spaces, the first of a repeated name kept),
// taking them from the builder's attributes.
func (b *builder) declAttrs(inst string) []xmlquery.Attr {
	first := len(b.attrs)
	for rest, more := inst, true; more; {
		var pair string
		pair, rest, more = strings.Cut(rest, " ")
		pair = strings.TrimSpace(pair)
		k := strings.IndexByte(pair, '=')
		if k <= 0 {
			continue
		}
		a := xmlquery.Attr{Name: splitName(pair[:k]), Value: strings.Trim(pair[k+1:], `"'`)}
		if !slices.ContainsFunc(b.attrs[first:], func(x xmlquery.Attr) bool { return x.Name == a.Name }) {
			b.attrs = append(b.attrs, a)
		}
	}
	if len(b.attrs) == first {
		return nil
	}
	return b.attrs[first:len(b.attrs):len(b.attrs)]
}

// procInst finds param="value" or param='value' (param ends in '=') in the
// body of an XML declaration, exactly as encoding/xml does.
func procInst(param, s string) string {
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

// text reads character data up to the next '<' as a text node.
func (b *builder) text() bool {
	s := b.s
	if b.indentation() {
		return true
	}
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

// indentation reads a run of spaces, tabs and line feeds up to the next
// '<' as a text node, as text would, in one pass: most text nodes of a
// pretty-printed document are that. It reads nothing and returns false
// for any other text.
func (b *builder) indentation() bool {
	s := b.s
	j, lines := b.i, 0
	for ; j < len(s); j++ {
		if c := s[j]; c == '\n' {
			lines++
		} else if c != ' ' && c != '\t' {
			break
		}
	}
	if j == b.i || j == len(s) || s[j] != '<' {
		return false
	}
	b.line += lines
	appendChild(b.parent(), b.node(xmlquery.TextNode, s[b.i:j]))
	b.i = j
	return true
}
