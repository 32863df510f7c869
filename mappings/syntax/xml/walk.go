package xml

import (
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
)

// The paths mapping specs use are mostly short location paths:
// /rel:Release/rel:Port/@locode, rel:IssuedBy/pty:Party/pty:Id[@scheme='EORI'],
// ram:SpecifiedEvent[ram:DateTimeTypeCode = 'A']/ram:OccurrenceDateTime,
// self::rel:BAD/../rel:Remarks, unions of them, and a few concat() and
// local-name() calls. CompilePath recognises these and follows them on the
// tree directly, giving exactly what github.com/antchfx/xpath gives: the
// same nodes in the same order, the same string values. Every other
// expression is evaluated by the XPath library.
//
// The subset:
//
//	Expr      = Union | Literal | "concat(" Arg ("," Arg)+ ")" | "local-name(" [Union] ")"
//	Arg       = Expr | "count(" Union ")" ["+" Digits]
//	Union     = Path ("|" Path)*
//	Path      = ["/"] Step ("/" Step)*
//	Step      = "." | ".." | "@" NameTest | ["child::" | "self::"] NameTest Predicate*
//	NameTest  = "*" | Name | Prefix ":" Name
//	Predicate = "[" Cmp ("or" Cmp)* "]"
//	Cmp       = RelPath "=" Literal
//
// with ASCII names, an attribute step only at the end of a path, a
// "preceding-sibling::" axis allowed on the steps of a count(), RelPath a
// Path without the leading "/", no predicate inside a function call, and
// white space only around "|", ",", "=", "or", brackets and parentheses.

// Hit is one node a Path selects: Node itself, or the attribute
// Node.Attr[Attr] when Attr is not negative.
type Hit struct {
	Node *xmlquery.Node
	Attr int
}

// Value returns the XPath string value of the hit as the XPath library
// gives it: an attribute's value, an element's inner text, a text or
// comment node's data, and "" for any other node.
func (h Hit) Value() string {
	if h.Attr >= 0 {
		return h.Node.Attr[h.Attr].Value
	}
	switch n := h.Node; n.Type {
	case xmlquery.CommentNode, xmlquery.TextNode:
		return n.Data
	case xmlquery.ElementNode:
		c := n.FirstChild
		switch {
		case c == nil:
			return ""
		case c == n.LastChild && (c.Type == xmlquery.TextNode || c.Type == xmlquery.CharDataNode):
			return c.Data
		}
		return n.InnerText()
	}
	return ""
}

// localName is the XPath local name of the hit.
func (h Hit) localName() string {
	if h.Attr >= 0 {
		return h.Node.Attr[h.Attr].Name.Local
	}
	return h.Node.Data
}

// walkExpr is a compiled expression of the subset.
type walkExpr struct {
	paths []walkPath // a union, for a node set
	lit   string     // a literal
	isLit bool
	fn    string // "concat", "local-name" or "count"
	args  []*walkExpr
	plus  int // added to a count
}

// nodeSet reports whether e selects nodes (else it gives a string).
func (e *walkExpr) nodeSet() bool { return !e.isLit && e.fn == "" }

type walkPath struct {
	abs   bool
	steps []walkStep
}

type stepAxis uint8

const (
	axisChild stepAxis = iota
	axisSelf
	axisAny    // ".", self::node()
	axisParent // "..", parent::node()
	axisAttr
	axisPrecedingSibling // only inside count()
)

type walkStep struct {
	axis  stepAxis
	name  nameTest
	preds []predicate
}

// nameTest matches names as the XPath library does: a prefixed name by
// namespace URI and local name, an unprefixed one by local name and the
// prefix xmlquery recorded, which must be empty.
type nameTest struct {
	any   bool
	local string
	uri   string
	isNS  bool
}

// predicate is [Cmp or Cmp ...]: it holds when one of its comparisons
// does.
type predicate struct {
	alts []comparison
}

// comparison is RelPath = 'value', which holds when one of the nodes the
// relative path selects has that string value, as XPath compares a node
// set with a string: @scheme='EORI', ram:DateTimeTypeCode = 'A',
// ../../ram:ReasonCode = 'DEP'.
type comparison struct {
	steps []walkStep
	value string
}

func (t *nameTest) matchElement(n *xmlquery.Node) bool {
	// xmlquery presents processing instructions as elements too.
	if n.Type != xmlquery.ElementNode && n.Type != xmlquery.ProcessingInstruction {
		return false
	}
	switch {
	case t.any:
		return true
	case t.isNS:
		return n.Data == t.local && n.NamespaceURI == t.uri
	}
	return n.Data == t.local && n.Prefix == ""
}

func (t *nameTest) matchAttr(a *xmlquery.Attr) bool {
	switch {
	case t.any:
		return true
	case t.isNS:
		return a.Name.Local == t.local && a.NamespaceURI == t.uri
	}
	return a.Name.Local == t.local && a.Name.Space == ""
}

func (s *walkStep) predsHold(n *xmlquery.Node) bool {
	for k := range s.preds {
		if n.Type != xmlquery.ElementNode || !s.preds[k].holds(n) {
			return false
		}
	}
	return true
}

func (p *predicate) holds(n *xmlquery.Node) bool {
	for k := range p.alts {
		if anyEqual(n, p.alts[k].steps, p.alts[k].value) {
			return true
		}
	}
	return false
}

// anyEqual reports whether steps select from n a node whose string value
// is v. It is walk without collecting the nodes.
func anyEqual(n *xmlquery.Node, steps []walkStep, v string) bool {
	if len(steps) == 0 {
		return Hit{Node: n, Attr: -1}.Value() == v
	}
	s := &steps[0]
	switch s.axis {
	case axisChild:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if s.name.matchElement(c) && s.predsHold(c) && anyEqual(c, steps[1:], v) {
				return true
			}
		}
	case axisSelf:
		return s.name.matchElement(n) && s.predsHold(n) && anyEqual(n, steps[1:], v)
	case axisAny:
		return anyEqual(n, steps[1:], v)
	case axisParent:
		return n.Parent != nil && anyEqual(n.Parent, steps[1:], v)
	case axisAttr:
		if n.Type == xmlquery.ElementNode {
			for i := range n.Attr {
				if s.name.matchAttr(&n.Attr[i]) && n.Attr[i].Value == v {
					return true
				}
			}
		}
	}
	return false
}

// walk appends what steps select from n.
func walk(dst []Hit, n *xmlquery.Node, steps []walkStep) []Hit {
	if len(steps) == 0 {
		return append(dst, Hit{Node: n, Attr: -1})
	}
	s := &steps[0]
	switch s.axis {
	case axisChild:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if s.name.matchElement(c) && s.predsHold(c) {
				dst = walk(dst, c, steps[1:])
			}
		}
	case axisSelf:
		if s.name.matchElement(n) && s.predsHold(n) {
			dst = walk(dst, n, steps[1:])
		}
	case axisAny:
		dst = walk(dst, n, steps[1:])
	case axisParent:
		if n.Parent != nil {
			dst = walk(dst, n.Parent, steps[1:])
		}
	case axisPrecedingSibling:
		for c := n.PrevSibling; c != nil; c = c.PrevSibling {
			if s.name.matchElement(c) && s.predsHold(c) {
				dst = walk(dst, c, steps[1:])
			}
		}
	case axisAttr:
		if n.Type == xmlquery.ElementNode {
			for i := range n.Attr {
				if s.name.matchAttr(&n.Attr[i]) {
					dst = append(dst, Hit{Node: n, Attr: i})
				}
			}
		}
	}
	return dst
}

// selectNodes appends the union's nodes: each path's in turn, without
// repeating a node, as the XPath library's union does. A single path may
// give a node twice (rel:Seal/..), as it does in the library.
func (e *walkExpr) selectNodes(dst []Hit, ctx, root *xmlquery.Node) []Hit {
	start := len(dst)
	for k := range e.paths {
		p := &e.paths[k]
		from := ctx
		if p.abs {
			from = root
		}
		mark := len(dst)
		dst = walk(dst, from, p.steps)
		if len(e.paths) == 1 {
			break
		}
		keep := mark
		for i := mark; i < len(dst); i++ {
			if !containsHit(dst[start:keep], dst[i]) {
				dst[keep] = dst[i]
				keep++
			}
		}
		dst = dst[:keep]
	}
	return dst
}

// containsHit tells whether the union has h already. Like the XPath
// library it takes two attributes of one element with the same name and
// value for the same node.
func containsHit(hs []Hit, h Hit) bool {
	for _, x := range hs {
		switch {
		case x.Node != h.Node || (x.Attr < 0) != (h.Attr < 0):
		case x.Attr < 0:
			return true
		default:
			a, b := &x.Node.Attr[x.Attr], &h.Node.Attr[h.Attr]
			if a.Name.Local == b.Name.Local && a.Value == b.Value {
				return true
			}
		}
	}
	return false
}

// first returns the first node of the union, as the XPath library's string
// functions take it.
func (e *walkExpr) first(ctx, root *xmlquery.Node) (Hit, bool) {
	h, _, ok := e.firstOf(ctx, root, false)
	return h, ok
}

// text evaluates a string expression.
func (e *walkExpr) text(ctx, root *xmlquery.Node) string {
	switch {
	case e.isLit:
		return e.lit
	case e.fn == "local-name":
		if len(e.args) == 0 {
			return Hit{Node: ctx, Attr: -1}.localName()
		}
		if h, ok := e.args[0].first(ctx, root); ok {
			return h.localName()
		}
		return ""
	case e.fn == "count":
		var buf [8]Hit
		return strconv.Itoa(len(e.args[0].selectNodes(buf[:0], ctx, root)) + e.plus)
	case e.fn == "concat":
		// Joined at once: one allocation for the result.
		var buf [8]string
		parts := buf[:0]
		for _, a := range e.args {
			parts = append(parts, a.text(ctx, root))
		}
		return strings.Join(parts, "")
	}
	if h, ok := e.first(ctx, root); ok {
		return h.Value()
	}
	return ""
}
