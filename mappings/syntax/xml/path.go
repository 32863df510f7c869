package xml

import (
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
)

// Path is a compiled XPath expression. It is safe for concurrent use.
type Path struct {
	expr *xpath.Expr
	walk *walkExpr // the same expression, when the tree can be walked directly
	src  string
}

// CompilePath compiles an XPath 1.0 expression. Prefixes in expr are bound
// to the namespace URIs in ns, so "rel:Release" matches a Release element in
// that namespace whatever prefix the document uses. A prefix missing from ns
// is an error.
func CompilePath(expr string, ns map[string]string) (*Path, error) {
	if ns == nil {
		ns = map[string]string{}
	}
	x, err := xpath.CompileWithNS(expr, ns)
	if err != nil {
		return nil, &Error{Field: "XPath", Value: expr, Err: wrapDetail(ErrXPath, err.Error())}
	}
	return &Path{expr: x, walk: compileWalk(expr, ns), src: expr}, nil
}

// recoveredPanics counts the panics of the XPath library that String, Nodes
// and Eval turned into "no match".
var recoveredPanics atomic.Int64

// RecoveredPanics returns how many times String, Nodes or Eval recovered
// from a panic of the XPath library and answered "no match", since the
// program started. The library panics on some data-dependent errors, such as
// sum() of a text that is not a number, so a rising count means a spec's
// expression meets data it was not written for.
func RecoveredPanics() int64 { return recoveredPanics.Load() }

// Direct reports whether Select or Text evaluates p, without the XPath
// library.
func (p *Path) Direct() bool { return p.walk != nil }

// Absolute reports whether Select walks p from the root whatever the
// context node: p is a union of absolute location paths, so it selects
// the same nodes from anywhere in a document.
func (p *Path) Absolute() bool {
	if p.walk == nil || !p.walk.nodeSet() || len(p.walk.paths) == 0 {
		return false
	}
	for k := range p.walk.paths {
		if !p.walk.paths[k].abs {
			return false
		}
	}
	return true
}

// Select appends to dst the nodes p selects from ctx, in the order the
// XPath library gives them; an absolute path starts at root. It walks the
// tree directly, without the XPath library, and so is only for the common
// location paths: ok is false for any other expression (see walk.go), to be
// evaluated with String, Nodes or Eval instead.
func (p *Path) Select(dst []Hit, ctx, root *xmlquery.Node) (hits []Hit, ok bool) {
	if p.walk == nil || !p.walk.nodeSet() || ctx == nil || root == nil {
		return dst, false
	}
	return p.walk.selectNodes(dst, ctx, root), true
}

// Text is Select for the string expressions it knows: concat() and
// local-name() of such paths, and literals. It returns the value as the
// XPath library gives it, untrimmed.
func (p *Path) Text(ctx, root *xmlquery.Node) (string, bool) {
	if p.walk == nil || p.walk.nodeSet() || ctx == nil || root == nil {
		return "", false
	}
	return p.walk.text(ctx, root), true
}

// Source returns the expression as written.
func (p *Path) Source() string { return p.src }

// String evaluates the path from n and returns the first match's text,
// trimmed of surrounding white space: an element's inner text, an
// attribute's value, or the value of a string, number or boolean expression.
// ok is false when nothing matched (or a number expression gave NaN).
func (p *Path) String(n *xmlquery.Node) (s string, ok bool) {
	if !evaluable(n) {
		return "", false
	}
	if p.walk != nil {
		if !p.walk.nodeSet() {
			return strings.TrimSpace(p.walk.text(n, n)), true
		}
		var buf [4]Hit
		hits := p.walk.selectNodes(buf[:0], n, n)
		if len(hits) == 0 {
			return "", false
		}
		return strings.TrimSpace(hits[0].Value()), true
	}
	defer func() {
		if recover() != nil {
			recoveredPanics.Add(1)
			s, ok = "", false
		}
	}()
	switch v := p.expr.Evaluate(xmlquery.CreateXPathNavigator(n)).(type) {
	case *xpath.NodeIterator:
		if !v.MoveNext() {
			return "", false
		}
		return strings.TrimSpace(v.Current().Value()), true
	case string:
		return strings.TrimSpace(v), true
	case float64:
		if math.IsNaN(v) {
			return "", false
		}
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// Nodes evaluates the path from n and returns the matching nodes in
// document order, or nil for an expression that is not a node set.
// Attributes come back as nodes of type xmlquery.AttributeNode whose
// InnerText is the value.
func (p *Path) Nodes(n *xmlquery.Node) (nodes []*xmlquery.Node) {
	if !evaluable(n) {
		return nil
	}
	if p.walk != nil {
		if !p.walk.nodeSet() {
			return nil
		}
		return hitNodes(p.walk.selectNodes(nil, n, n))
	}
	defer func() {
		if recover() != nil {
			recoveredPanics.Add(1)
			nodes = nil
		}
	}()
	it, ok := p.expr.Evaluate(xmlquery.CreateXPathNavigator(n)).(*xpath.NodeIterator)
	if !ok {
		return nil
	}
	return collect(it)
}

// Eval evaluates the path from n for expressions such as count(...) or
// string(...). It returns float64, string or bool for those, and
// []*xmlquery.Node for a node set. It returns nil if n cannot be evaluated.
func (p *Path) Eval(n *xmlquery.Node) (v any) {
	if !evaluable(n) {
		return nil
	}
	if p.walk != nil {
		if !p.walk.nodeSet() {
			return p.walk.text(n, n)
		}
		return hitNodes(p.walk.selectNodes(nil, n, n))
	}
	defer func() {
		if recover() != nil {
			recoveredPanics.Add(1)
			v = nil
		}
	}()
	switch r := p.expr.Evaluate(xmlquery.CreateXPathNavigator(n)).(type) {
	case *xpath.NodeIterator:
		return collect(r)
	default:
		return r
	}
}

// evaluable reports whether the xmlquery navigator can start at n. Attribute
// nodes returned by Nodes cannot be navigated from.
func evaluable(n *xmlquery.Node) bool {
	return n != nil && n.Type != xmlquery.AttributeNode
}

// collect drains it into nodes, representing attributes as xmlquery does.
func collect(it *xpath.NodeIterator) []*xmlquery.Node {
	var nodes []*xmlquery.Node
	for it.MoveNext() {
		nav, ok := it.Current().(*xmlquery.NodeNavigator)
		if !ok {
			continue
		}
		if nav.NodeType() != xpath.AttributeNode {
			nodes = append(nodes, nav.Current())
			continue
		}
		nodes = append(nodes, attrNode(nav.Current(), nav.LocalName(), nav.Prefix(), nav.NamespaceURL(), nav.Value()))
	}
	return nodes
}

// hitNodes is collect for hits.
func hitNodes(hits []Hit) []*xmlquery.Node {
	var nodes []*xmlquery.Node
	for _, h := range hits {
		if h.Attr < 0 {
			nodes = append(nodes, h.Node)
			continue
		}
		a := &h.Node.Attr[h.Attr]
		nodes = append(nodes, attrNode(h.Node, a.Name.Local, a.Name.Space, a.NamespaceURI, a.Value))
	}
	return nodes
}

// attrNode represents an attribute of owner as a node, as Nodes returns it.
func attrNode(owner *xmlquery.Node, local, prefix, uri, value string) *xmlquery.Node {
	text := &xmlquery.Node{Type: xmlquery.TextNode, Data: value}
	return &xmlquery.Node{
		Parent:       owner,
		Type:         xmlquery.AttributeNode,
		Data:         local,
		Prefix:       prefix,
		NamespaceURI: uri,
		FirstChild:   text,
		LastChild:    text,
	}
}
