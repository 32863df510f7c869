package xml

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
)

var walkNS = map[string]string{
	"rel": "urn:pcsgate:sone:release:1",
	"pty": "urn:pcsgate:sone:party:1",
	"r":   "urn:pcsgate:sone:release:1",
	"x":   "urn:x",
	"rsm": "iata:statusmessage:1",
	"ram": "iata:datamodel:3",
}

// walkExprs are the XML paths of the built-in specs and more of the subset.
var walkExprs = []string{
	"/rel:Release/rel:Header/rel:MessageId",
	"concat(/rel:Release/rel:Header/rel:Function, '/', local-name(.))",
	"/rel:Release/rel:Container/@number",
	"rel:IssuedBy/pty:Party/pty:Id[@scheme='SOGET_CODE']",
	"self::rel:BAD/../rel:EmptyReturn/@locode",
	"local-name(self::rel:BAE | self::rel:ExitAuthorisation)",
	"rel:Credential[@type='TCT']/@type",
	"rel:BAD | rel:BAE | rel:ExitAuthorisation",
	"/rel:Release/rel:Container/rel:GrossMass[@unit='KGM']",
	"/rel:Release/rel:Container/rel:Seal",
	"rel:Seal/.. | rel:Seal/..",
	"rel:Seal/..",
	"rel:Seal/@type | rel:Seal/@*",
	"*", "@*", ".", "..", "../..", "./*", "*/*", "/*", "/*/*/@*",
	"local-name()", "local-name(*)", "local-name(@*)", "local-name(..)",
	"concat('a', \"b\", *, @*, local-name(/*))",
	"'lit'",
	"child::rel:Header/child::*",
	"a", "a/b", "b/@c", "a[@c='1']", "a[ @c = \"1\" ][@d='2']", "x:a", "x:a/@x:c", "@c", "self::a", "self::x:a",
	"/a/b | /a/x:b | //b",
	"count(*)", "//rel:Seal", "rel:Seal[1]", "text()", "a/text()",
	"ram:AssociatedStatusConsignment/ram:SpecifiedLogisticsTransportMovement/ram:SpecifiedEvent[ram:DateTimeTypeCode = 'A']/ram:OccurrenceDateTime",
	"ram:AssociatedStatusConsignment/ram:SpecifiedLogisticsTransportMovement[../../ram:ReasonCode = 'BKD' or ../../ram:ReasonCode = 'PRE' or ../../ram:ReasonCode = 'MAN' or ../../ram:ReasonCode = 'DEP']/ram:DepartureEvent/ram:OccurrenceDepartureLocation/ram:ID",
	"rsm:MasterConsignment/ram:ReportedStatus[ram:ReasonCode='RCF']",
	"concat(ram:ReasonCode, '/', count(preceding-sibling::ram:ReportedStatus) + 1)",
	"concat(local-name(), '-', count(preceding-sibling::*), count(*|@*)+10, count(b/..))",
	"a[b = 't' or @c='1']", "b[. = 't']", "b[.='']", "*[a/@c = '1'][@c='1' or @d = '2']", "a[*='y' or c='y']", "b[a[@c='1']/@d='2']",
}

func walkDocs(t testing.TB) [][]byte {
	docs := [][]byte{
		[]byte(`<a xmlns:x="urn:x" c="1"><b c="2" x:c="3">t</b><x:b/><!--c--><b><a c="1" d="2"> <b/>u<![CDATA[v]]></a></b></a>`),
		[]byte(`<x:a xmlns:x="urn:x" xmlns:y="urn:x" xmlns="urn:d"><y:a/><a c="1" c="1"/><?pi k="v"?></x:a>`),
		[]byte(`<a><a><a/></a><b>  </b><b>x<c>y</c>z</b></a>`),
	}
	return append(docs, seedfiles.Read(t, "testdata/sone-release.xml", "../../../fixtures/*/*/*/input.xml")...)
}

// describeXPath renders what the XPath library gives for expr from ctx.
func describeXPath(x *xpath.Expr, ctx, root *xmlquery.Node) string {
	nav := xmlquery.CreateXPathNavigator(root)
	if !moveTo(nav, ctx) {
		return "unreachable"
	}
	switch v := x.Evaluate(nav).(type) {
	case *xpath.NodeIterator:
		var b strings.Builder
		for v.MoveNext() {
			n := v.Current().(*xmlquery.NodeNavigator)
			fmt.Fprintf(&b, "%p %d %q %q\n", n.Current(), n.NodeType(), n.LocalName(), n.Value())
		}
		return b.String()
	case string:
		return "string " + strconv.Quote(v)
	case float64:
		if math.IsNaN(v) {
			return "NaN"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

// moveTo positions nav (at the root) on n.
func moveTo(nav *xmlquery.NodeNavigator, n *xmlquery.Node) bool {
	var chain []*xmlquery.Node
	for c := n; c != nav.Current(); c = c.Parent {
		if c == nil {
			return false
		}
		chain = append(chain, c)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if !nav.MoveToChild() {
			return false
		}
		for nav.Current() != chain[i] {
			if !nav.MoveToNext() {
				return false
			}
		}
	}
	return true
}

// describeWalk renders the same for the direct walk.
func describeWalk(e *walkExpr, ctx, root *xmlquery.Node) string {
	if !e.nodeSet() {
		return "string " + strconv.Quote(e.text(ctx, root))
	}
	var b strings.Builder
	for _, h := range e.selectNodes(nil, ctx, root) {
		typ := xpath.ElementNode
		switch {
		case h.Attr >= 0:
			typ = xpath.AttributeNode
		case h.Node.Type == xmlquery.DocumentNode || h.Node.Type == xmlquery.DeclarationNode:
			typ = xpath.RootNode
		case h.Node.Type == xmlquery.TextNode || h.Node.Type == xmlquery.CharDataNode:
			typ = xpath.TextNode
		case h.Node.Type == xmlquery.CommentNode:
			typ = xpath.CommentNode
		}
		fmt.Fprintf(&b, "%p %d %q %q\n", h.Node, typ, h.localName(), h.Value())
	}
	return b.String()
}

// checkWalk compares the walk with the XPath library for expr from every
// node of doc. It reports whether expr is in the subset.
func checkWalk(t testing.TB, doc *xmlquery.Node, expr string) bool {
	t.Helper()
	x, err := xpath.CompileWithNS(expr, walkNS)
	if err != nil {
		return false
	}
	e := compileWalk(expr, walkNS)
	if e == nil {
		return false
	}
	var check func(n *xmlquery.Node)
	check = func(n *xmlquery.Node) {
		want := describeXPath(x, n, doc)
		if want == "unreachable" {
			return
		}
		require.Equal(t, want, describeWalk(e, n, doc), "%s from <%s>", expr, n.Data)
		checkFirst(t, e, n, doc)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xmlquery.ElementNode {
				check(c)
			}
		}
	}
	check(doc)
	return true
}

// checkFirst compares what firstOf finds, stopping early, with the
// first of all the nodes selectNodes gives (the first at all, and the
// first with a value that is not blank).
func checkFirst(t testing.TB, e *walkExpr, ctx, root *xmlquery.Node) {
	t.Helper()
	if !e.nodeSet() {
		return
	}
	hits := e.selectNodes(nil, ctx, root)
	h, _, ok := e.firstOf(ctx, root, false)
	require.Equal(t, len(hits) > 0, ok)
	if ok {
		require.Equal(t, hits[0], h)
	}
	var want Hit
	var wantValue string
	for _, x := range hits {
		if v := strings.TrimSpace(x.Value()); v != "" {
			want, wantValue = x, v
			break
		}
	}
	h, v, ok := e.firstOf(ctx, root, true)
	require.Equal(t, wantValue != "", ok)
	if ok {
		require.Equal(t, want, h)
		require.Equal(t, wantValue, v)
	}
}

func TestWalkMatchesXPath(t *testing.T) {
	inSubset := map[string]bool{}
	for _, in := range walkDocs(t) {
		doc, err := ParseBytes(in, Options{})
		if err != nil {
			continue // the fixtures of errors
		}
		for _, expr := range walkExprs {
			inSubset[expr] = checkWalk(t, doc, expr)
		}
	}
	for _, expr := range []string{"count(*)", "//rel:Seal", "rel:Seal[1]", "text()", "a/text()", "/a/b | /a/x:b | //b"} {
		assert.False(t, inSubset[expr], "%s is evaluated by the XPath library", expr)
	}
	for _, expr := range walkExprs[:8] {
		assert.True(t, inSubset[expr], "%s is walked directly", expr)
	}
}

func TestCompileWalkSubset(t *testing.T) {
	tests := []struct {
		expr string
		ok   bool
	}{
		{"rel:A/rel:B", true},
		{"/rel:A/@b", true},
		{"rel:A/@b/..", false},
		{"rel:A//rel:B", false},
		{"rel:A / rel:B", false},
		{"rel:A[1]", false},
		{"rel:A[@b]", false},
		{"rel:A[@b='x' or @b='y']", true},
		{"rel:A[rel:B = 'x']", true},
		{"rel:A[../rel:B='x' or . = 'y'][@c = 'z']", true},
		{"rel:A[rel:B[@c='1'] = 'x']", true},
		{"rel:A[/rel:B = 'x']", false},
		{"rel:A['x' = rel:B]", false},
		{"rel:A[rel:B = 'x' and rel:C = 'y']", false},
		{"rel:A[rel:B != 'x']", false},
		{"rel:A[rel:B = rel:C]", false},
		{"rel:A[rel:B = 'x' or]", false},
		{"concat(rel:A, count(preceding-sibling::rel:A) + 1)", true},
		{"concat(rel:A, count(rel:B|@c))", true},
		{"count(rel:A)", false},
		{"concat(rel:A, count(rel:A[@b='1']))", false},
		{"concat(rel:A, count(rel:A) + 1.5)", false},
		{"concat(rel:A, count(rel:A) + )", false},
		{"concat(rel:A, count(rel:A) - 1)", false},
		{"concat(rel:A, preceding-sibling::rel:A)", false},
		{"concat(rel:A, local-name(count(rel:A)))", false},
		{"rel:*", false},
		{"concat(rel:A)", false},
		{"concat(rel:A, 1)", false},
		{"concat (rel:A, 'x')", false},
		{"local-name(rel:A, rel:B)", false},
		{"concat(rel:A[@b='1'], local-name(.))", false},
		{"local-name(rel:A[@b='1'])", false},
		{"ancestor::rel:A", false},
		{"div", false},
		{"unbound:A", false},
		{"'unterminated", false},
		{"é", false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.ok, compileWalk(tt.expr, walkNS) != nil)
		})
	}
}

// FuzzWalk compares the direct walk with the XPath library on any
// document and any expression of the subset.
func FuzzWalk(f *testing.F) {
	for _, d := range walkDocs(f) {
		for _, e := range walkExprs {
			f.Add(d, e)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, expr string) {
		doc, err := ParseBytes(in, Options{MaxBytes: 1 << 16, MaxDepth: 16})
		if err != nil {
			return
		}
		checkWalk(t, doc, expr)
	})
}

// TestWalkGeneratedExpressions compares the walk with the XPath library
// for expressions generated from the subset's grammar, which the byte
// mutations of FuzzWalk seldom reach.
func TestWalkGeneratedExpressions(t *testing.T) {
	var docs []*xmlquery.Node
	for _, in := range walkDocs(t)[:4] {
		doc, err := ParseBytes(in, Options{})
		require.NoError(t, err)
		docs = append(docs, doc)
	}
	g := exprGen{r: rand.New(rand.NewPCG(3, 14))}
	for range 1500 {
		expr := g.expr(2, true)
		for _, doc := range docs {
			require.True(t, checkWalk(t, doc, expr), "%s is in the subset", expr)
		}
	}
}

type exprGen struct{ r *rand.Rand }

func (g exprGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g exprGen) name() string {
	return g.pick("a", "b", "c", "x:a", "x:b", "*", "rel:Seal", "rel:Container", "rel:BAD", "r:Release", "pty:Party")
}

func (g exprGen) attr() string { return g.pick("c", "d", "x:c", "*", "number", "type", "k") }

// path makes a location path; preds allows predicates, which the subset
// has only outside function calls.
func (g exprGen) path(preds bool) string {
	var b strings.Builder
	if g.r.IntN(4) == 0 {
		b.WriteByte('/')
	}
	steps := 1 + g.r.IntN(4)
	for i := range steps {
		if i > 0 {
			b.WriteByte('/')
		}
		if i == steps-1 && g.r.IntN(4) == 0 {
			b.WriteString("@" + g.attr())
			break
		}
		switch g.r.IntN(8) {
		case 0:
			b.WriteString("..")
			continue
		case 1:
			b.WriteString(".")
			continue
		case 2:
			b.WriteString("self::" + g.name())
		case 3:
			b.WriteString("child::" + g.name())
		default:
			b.WriteString(g.name())
		}
		for preds && g.r.IntN(5) == 0 {
			b.WriteString("[" + g.comparison())
			for g.r.IntN(3) == 0 {
				b.WriteString(g.pick(" or ", " or  ") + g.comparison())
			}
			b.WriteString("]")
		}
	}
	return b.String()
}

// count makes a count() for a concat() argument.
func (g exprGen) count() string {
	arg := g.union(false)
	if g.r.IntN(2) == 0 {
		arg = "preceding-sibling::" + g.name()
		if rest := g.path(false); !strings.HasPrefix(rest, "/") {
			arg += "/" + rest
		}
	}
	return "count(" + arg + ")" + g.pick("", " + 1", "+2", "+ 0")
}

// comparison makes RelPath = 'literal' for a predicate.
func (g exprGen) comparison() string {
	var path string
	switch g.r.IntN(4) {
	case 0:
		path = "@" + g.attr()
	case 1:
		path = g.pick(".", "..", "../..") + "/" + g.name()
	default:
		path = g.path(g.r.IntN(4) == 0)
		for strings.HasPrefix(path, "/") {
			path = g.path(false)
		}
	}
	return path + g.pick("=", " = ") + g.pick("'1'", `"2"`, "'CA'", "''", "'t'", "'y'", "'u'")
}

func (g exprGen) union(preds bool) string {
	parts := []string{g.path(preds)}
	for g.r.IntN(3) == 0 {
		parts = append(parts, g.path(preds))
	}
	return strings.Join(parts, g.pick("|", " | "))
}

// expr makes an expression; top is false inside a function call.
func (g exprGen) expr(depth int, top bool) string {
	if depth == 0 {
		return g.union(top)
	}
	switch g.r.IntN(6) {
	case 0:
		return "local-name(" + g.pick("", g.union(false)) + ")"
	case 1:
		args := []string{g.expr(depth-1, false), g.pick("'/'", `"-"`, g.expr(depth-1, false), g.count())}
		if g.r.IntN(2) == 0 {
			args = append(args, g.expr(depth-1, false))
		}
		return "concat(" + strings.Join(args, ", ") + ")"
	case 2:
		return g.pick("'lit'", `""`)
	}
	return g.union(top)
}
