package xml

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
)

// dumpTree renders every exported field of every node reachable from n,
// including siblings of the document node, and checks the links between
// them.
func dumpTree(t testing.TB, n *xmlquery.Node) string {
	t.Helper()
	var b strings.Builder
	var walk func(n *xmlquery.Node, depth int)
	walk = func(n *xmlquery.Node, depth int) {
		for ; n != nil; n = n.NextSibling {
			fmt.Fprintf(&b, "%s%d %q prefix=%q ns=%q line=%d", strings.Repeat("  ", depth),
				n.Type, n.Data, n.Prefix, n.NamespaceURI, n.LineNumber)
			for _, a := range n.Attr {
				fmt.Fprintf(&b, " [%q %q %q=%q]", a.Name.Space, a.NamespaceURI, a.Name.Local, a.Value)
			}
			if n.ProcInst != nil {
				fmt.Fprintf(&b, " pi=%q,%q", n.ProcInst.Target, n.ProcInst.Inst)
			}
			b.WriteByte('\n')
			var last *xmlquery.Node
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				require.Same(t, n, c.Parent, "parent link")
				require.Same(t, last, c.PrevSibling, "previous sibling link")
				last = c
			}
			require.Same(t, last, n.LastChild, "last child link")
			walk(n.FirstChild, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// checkSameTree parses in both ways. Whenever buildTree accepts a
// document, the general path must accept it too and build the same tree.
// It reports whether buildTree accepted.
func checkSameTree(t testing.TB, in []byte, maxDepth int) bool {
	t.Helper()
	fast := buildTree(in, maxDepth)
	if fast == nil {
		return false
	}
	general, err := parseGeneral(in, Options{MaxBytes: DefaultMaxBytes, MaxDepth: maxDepth})
	require.NoError(t, err, "buildTree accepted a document the general path rejects: %q", in)
	require.Equal(t, dumpTree(t, general), dumpTree(t, fast), "trees differ for %q", in)
	return true
}

func TestBuildTreeMatchesGeneralPath(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fast bool // whether buildTree takes the document
	}{
		{name: "no declaration", in: "<a/>", fast: true},
		{name: "declaration", in: "<?xml version=\"1.0\" encoding=\"utf-8\" standalone='yes'?>\n<a>x</a>\n", fast: true},
		{name: "declaration without space", in: "<?xml?><a/>", fast: true},
		{name: "declaration with repeated pairs", in: "<?xml version=\"1.0\"  version=\"1.0\" a=b=c ?><a/>", fast: true},
		{name: "ISO 8859-1 goes the general way", in: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>"},
		{name: "version 1.1 goes the general way", in: "<?xml version=\"1.1\"?><a/>"},
		{name: "byte order mark", in: "\xef\xbb\xbf<a/>"},
		{name: "space before the root without a declaration", in: " <a/>"},
		{name: "comment before the root without a declaration", in: "<!--c--><a/>"},
		{name: "comments and space around the root", in: "<?xml version='1.0'?>\r\n<!--c-->\r\n<a/>\r\n<!-- d -->\n", fast: true},
		{name: "namespaces", fast: true, in: `<r:a xmlns:r="urn:r" xmlns="urn:d" x="1" r:y="2"><b/><r:c xmlns:r="urn:s"/><r:d/></r:a>`},
		{name: "two prefixes for one URI", fast: true, in: `<p:a xmlns:p="u" xmlns:q="u"><p:b/><q:c/></p:a>`},
		{name: "default and prefix for one URI", fast: true, in: `<p:a xmlns:p="u"><b xmlns="u"/><p:c xmlns="u"/></p:a>`},
		{name: "default declared again deeper", fast: true, in: `<a xmlns="u"><b xmlns="u"><c xmlns="v"/></b></a>`},
		{name: "default undeclared", fast: true, in: `<a xmlns="u"><b xmlns=""><c/></b></a>`},
		{name: "xml prefix", fast: true, in: `<a xml:lang="fr"><xml:b/></a>`},
		{name: "undeclared element prefix", in: `<a xmlns:p="q"><q:b/></a>`},
		{name: "undeclared attribute prefix", in: `<a p:b="1"/>`},
		{name: "prefix bound to nothing", in: `<a xmlns:p=""><p:b/></a>`},
		{name: "prefix bound to xmlns", in: `<a xmlns:p="xmlns" p:x="y"/>`},
		{name: "prefixed xmlns attribute", in: `<a xmlns:p="u" p:xmlns="v"/>`},
		{name: "entities and references", fast: true, in: "<a b='&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#xd800;&#0000067;'>&lt;&#x1F6A2;&amp;</a>"},
		{name: "carriage returns", fast: true, in: "<a b='x\r\ny\rz'>1\r\n2\r3\r&amp;\n4<![CDATA[\r\n]]></a>"},
		{name: "CDATA", fast: true, in: "<a>x<![CDATA[<b>&amp;]]]]><![CDATA[]]>y</a>"},
		{name: "text that looks like CDATA", fast: true, in: "<a><b/>![cdata[x</a>"},
		{name: "]]> in an attribute", fast: true, in: "<a b=']]>'/>"},
		{name: "]]> in text", in: "<a>]]></a>"},
		{name: "] and ]> in text", fast: true, in: "<a>]]&amp;>]>]</a>"},
		{name: "comment with markup", fast: true, in: "<a><!-- <b> \x01 \xff - --></a>"},
		{name: "comment with --", in: "<a><!-- -- --></a>"},
		{name: "processing instruction", in: "<a><?pi x?></a>"},
		{name: "non-ASCII name", in: "<é/>"},
		{name: "non-ASCII text", fast: true, in: "<a>Dépôt ☃ \U0001F6A2</a>"},
		{name: "invalid UTF-8", in: "<a>\xff</a>"},
		{name: "control character", in: "<a>\x01</a>"},
		{name: "control character reference", in: "<a>&#1;</a>"},
		{name: "U+FFFE", in: "<a>\uFFFE</a>"},
		{name: "unknown entity", in: "<a>&nbsp;</a>"},
		{name: "attributes without space", fast: true, in: `<a x="1"y='2' z = "3" />`},
		{name: "duplicate attributes", fast: true, in: `<a x="1" x="2"/>`},
		{name: "unquoted attribute", in: `<a x=1/>`},
		{name: "end tag with space", fast: true, in: "<a></a\n >"},
		{name: "mismatched end tag", in: "<a></b>"},
		{name: "prefix mismatch", in: `<p:a xmlns:p="u" xmlns:q="u"></q:a>`},
		{name: "second root", in: "<a/><b/>"},
		{name: "text after the root", in: "<a/>x"},
		{name: "unclosed", in: "<a><b></b>"},
		{name: "DOCTYPE", in: "<!DOCTYPE a><a/>"},
		{name: "name with two colons", in: "<a:b:c/>"},
		{name: "name ending in a colon", in: "<a:/>"},
		{name: "empty", in: ""},
		{name: "lines", fast: true, in: "<a\nb='1\n2'>\n<!--\n-->\n<![CDATA[\n]]>&amp;\n\r\n<c\n/>\n<d>\n</d></a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.fast, checkSameTree(t, []byte(tt.in), DefaultMaxDepth))
		})
	}
}

func TestBuildTreeDepth(t *testing.T) {
	in := []byte("<a><b><c/></b></a>")
	assert.True(t, checkSameTree(t, in, 3))
	assert.False(t, checkSameTree(t, in, 2), "deeper than the limit goes the general way, which rejects it")
}

// TestBuildTreeTakesFixtures makes sure the conformance inputs take the
// fast way, not only that they parse.
func TestBuildTreeTakesFixtures(t *testing.T) {
	paths, err := filepath.Glob("../../../fixtures/*/*/*/input.xml")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range append(paths, "testdata/sone-release.xml") {
		in, err := os.ReadFile(p)
		require.NoError(t, err)
		if _, err := parseGeneral(in, Options{MaxBytes: DefaultMaxBytes, MaxDepth: DefaultMaxDepth}); err != nil {
			assert.False(t, checkSameTree(t, in, DefaultMaxDepth), p)
			continue
		}
		assert.True(t, checkSameTree(t, in, DefaultMaxDepth), p)
	}
}

// FuzzBuildTree is the differential target: whatever buildTree accepts,
// the general path (the guard, encoding/xml and xmlquery) accepts too, with
// the same tree. Seeds are the XML test data and conformance inputs.
func FuzzBuildTree(f *testing.F) {
	for _, b := range seedfiles.Read(f, "testdata/*.xml", "../../../fixtures/*/*/*/input.xml") {
		f.Add(b)
	}
	f.Add([]byte("<a b='&lt;&#x42;&#xd800;\r\n'>1\r\n]]&amp;>&#0065;<![CDATA[\r]]><!--x--></a>"))
	f.Add([]byte(`<p:a xmlns:p="u" xmlns:q="u" xmlns="v" xml:lang="fr"><q:b xmlns=""/></p:a>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkSameTree(t, in, 8)
	})
}
