package xml_test

import (
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// soneNS binds prefixes that differ from the ones the test document uses, to
// show that matching goes by namespace URI.
var soneNS = map[string]string{
	"r": "urn:pcsgate:sone:release:1",
	"p": "urn:pcsgate:sone:party:1",
}

func parseRelease(t testing.TB) *xmlquery.Node {
	t.Helper()
	doc, err := xmlsyn.ParseBytes(readTestdata(t, "sone-release.xml"), xmlsyn.Options{})
	require.NoError(t, err)
	return doc
}

func TestPathString(t *testing.T) {
	doc := parseRelease(t)
	tests := []struct {
		name   string
		expr   string
		want   string
		wantOK bool
	}{
		{name: "element text", expr: "/r:Release/r:BillOfLading", want: "CMDUSHZ1234567", wantOK: true},
		{name: "attribute", expr: "/r:Release/r:Container/@number", want: "CSQU3054383", wantOK: true},
		{name: "first of several", expr: "//r:Seal", want: "FR0423871", wantOK: true},
		{name: "predicate on attribute", expr: "//r:Seal[@type='CU']", want: "DGDDI778812", wantOK: true},
		{name: "second namespace", expr: "//r:BAD/r:DeliverTo/p:Party/p:Id[@scheme='EORI']", want: "FR51322456700021", wantOK: true},
		{name: "escaped text", expr: "//r:BAD/r:DeliverTo/p:Party/p:Name", want: "Transports Normands & Fils", wantOK: true},
		{name: "count", expr: "count(//p:Party)", want: "4", wantOK: true},
		{name: "string function", expr: "concat(//r:Port/@locode, '-', //r:Carrier)", want: "FRLEH-CMDU", wantOK: true},
		{name: "boolean", expr: "boolean(//r:BAE)", want: "true", wantOK: true},
		{name: "no match", expr: "//r:Missing", want: "", wantOK: false},
		{name: "prefix of the document is not enough", expr: "//rel:BAD", wantOK: false},
		{name: "NaN", expr: "number(//r:Port)", wantOK: false},
	}
	ns := map[string]string{"rel": "urn:other"}
	for k, v := range soneNS {
		ns[k] = v
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := xmlsyn.CompilePath(tt.expr, ns)
			require.NoError(t, err)
			got, ok := p.String(doc)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPathNodesAndEval(t *testing.T) {
	doc := parseRelease(t)
	seals, err := xmlsyn.CompilePath("//r:Seal/@type", soneNS)
	require.NoError(t, err)
	nodes := seals.Nodes(doc)
	require.Len(t, nodes, 2)
	assert.Equal(t, xmlquery.AttributeNode, nodes[0].Type)
	assert.Equal(t, "CA", nodes[0].InnerText())
	assert.Equal(t, "CU", nodes[1].InnerText())
	assert.Equal(t, 24, xmlsyn.Line(nodes[1]), "an attribute takes its element's line")

	got, ok := seals.String(nodes[0])
	assert.False(t, ok, "attribute nodes cannot be navigated from")
	assert.Empty(t, got)

	parties, err := xmlsyn.CompilePath("//p:Party", soneNS)
	require.NoError(t, err)
	name, err := xmlsyn.CompilePath("p:Name", soneNS)
	require.NoError(t, err)
	var names []string
	for _, n := range parties.Nodes(doc) {
		s, ok := name.String(n)
		require.True(t, ok)
		names = append(names, s)
	}
	assert.Equal(t, []string{"CMA CGM Agence Le Havre", "Transports Normands & Fils",
		"Transports Normands & Fils", "Seine Routes SARL"}, names)

	count, err := xmlsyn.CompilePath("count(//r:Seal)", soneNS)
	require.NoError(t, err)
	assert.InDelta(t, 2.0, count.Eval(doc), 0)
	assert.Nil(t, count.Nodes(doc), "a number is not a node set")
	assert.Len(t, seals.Eval(doc), 2)
	assert.Nil(t, seals.Eval(nil))
	assert.Equal(t, "//r:Seal/@type", seals.Source())
}

func TestCompilePathRejects(t *testing.T) {
	tests := []struct {
		name string
		expr string
		ns   map[string]string
		msg  string
	}{
		{name: "syntax", expr: "//r:Seal[", ns: soneNS, msg: `XPath "//r:Seal[" is not a valid XPath expression`},
		{name: "undeclared prefix", expr: "//x:Seal", ns: soneNS, msg: "prefix x not defined"},
		{name: "prefix without any map", expr: "//rel:Seal", msg: "prefix rel not defined"},
		{name: "empty", expr: "", msg: "is not a valid XPath expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := xmlsyn.CompilePath(tt.expr, tt.ns)
			require.ErrorIs(t, err, xmlsyn.ErrXPath)
			assert.Nil(t, p)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestCheckNamespace(t *testing.T) {
	doc := parseRelease(t)
	other, err := xmlsyn.Parse(strings.NewReader("\n<Release xmlns=\"urn:x\"/>"), xmlsyn.Options{})
	require.NoError(t, err)
	bare, err := xmlsyn.Parse(strings.NewReader("<Release/>"), xmlsyn.Options{})
	require.NoError(t, err)

	tests := []struct {
		name  string
		node  *xmlquery.Node
		local string
		ns    string
		msg   string
	}{
		{name: "matches from document", node: doc, local: "Release", ns: "urn:pcsgate:sone:release:1"},
		{name: "checks an element given directly", node: xmlquery.FindOne(doc, "//rel:Seal"), local: "Seal",
			ns: "urn:pcsgate:sone:release:1"},
		{name: "no namespace", node: bare, local: "Release"},
		{name: "wrong namespace", node: other, local: "Release", ns: "urn:y",
			msg: `line 2: root element "{urn:x}Release" is not the expected element: expected {urn:y}Release`},
		{name: "wrong local name", node: doc, local: "Order", ns: "urn:pcsgate:sone:release:1",
			msg: `expected {urn:pcsgate:sone:release:1}Order`},
		{name: "namespace where none expected", node: other, local: "Release",
			msg: `root element "{urn:x}Release" is not the expected element: expected Release`},
		{name: "nil", node: nil, local: "Release", msg: "root element is not the expected element: there is none, expected Release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := xmlsyn.CheckNamespace(tt.node, tt.local, tt.ns)
			if tt.msg == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, xmlsyn.ErrNamespace)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

// TestPathRecoveredPanicsAreCounted checks that an XPath library panic on
// data it cannot handle (sum() of a text that is not a number) reads as no
// match and is counted.
func TestPathRecoveredPanicsAreCounted(t *testing.T) {
	doc, err := xmlsyn.ParseBytes([]byte(`<r><a>abc</a></r>`), xmlsyn.Options{})
	require.NoError(t, err)
	sum, err := xmlsyn.CompilePath("sum(string(/r/a))", nil)
	require.NoError(t, err)
	filter, err := xmlsyn.CompilePath("/r/a[sum(string(.)) > 0]", nil)
	require.NoError(t, err)
	require.False(t, filter.Direct(), "the predicate needs the XPath library")

	before := xmlsyn.RecoveredPanics()
	s, ok := sum.String(doc)
	assert.False(t, ok)
	assert.Empty(t, s)
	assert.Equal(t, before+1, xmlsyn.RecoveredPanics(), "String")
	assert.Nil(t, sum.Eval(doc))
	assert.Equal(t, before+2, xmlsyn.RecoveredPanics(), "Eval")
	assert.Nil(t, filter.Nodes(doc))
	assert.Equal(t, before+3, xmlsyn.RecoveredPanics(), "Nodes")

	count, err := xmlsyn.CompilePath("count(/r/a)", nil)
	require.NoError(t, err)
	assert.InDelta(t, 1.0, count.Eval(doc), 0)
	assert.Equal(t, before+3, xmlsyn.RecoveredPanics(), "no panic, no count")
}

// Evaluate and EvaluateElements, which the engine calls with expressions of
// its own, count the panics they recover from like Path does.
func TestEvaluateCountsPanics(t *testing.T) {
	doc, err := xmlsyn.Parse(strings.NewReader(`<r><a>abc</a></r>`), xmlsyn.Options{})
	require.NoError(t, err)
	nav := xmlquery.CreateXPathNavigator(doc)
	sum := xpath.MustCompile(`sum(string(/r/a))`)
	before := xmlsyn.RecoveredPanics()
	assert.Nil(t, xmlsyn.Evaluate(sum, nav))
	assert.Nil(t, xmlsyn.EvaluateElements(sum, nav))
	assert.Equal(t, before+2, xmlsyn.RecoveredPanics())
	els := xmlsyn.EvaluateElements(xpath.MustCompile(`/r/a`), xmlquery.CreateXPathNavigator(doc))
	require.Len(t, els, 1)
	assert.Equal(t, "a", els[0].Data)
	assert.Equal(t, before+2, xmlsyn.RecoveredPanics(), "no panic, no count")
}
