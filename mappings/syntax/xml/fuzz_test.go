package xml_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/internal/seedfiles"
	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// seedFiles returns the XML test data of this package and of the
// conformance fixtures.
func seedFiles(f *testing.F) [][]byte {
	f.Helper()
	return seedfiles.Read(f, "testdata/*.xml", "../../../fixtures/*/*/*/input.xml")
}

func FuzzParse(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Add([]byte("<a><!-- -- --><![CDATA[]]]]><?x ?></a>"))
	f.Add([]byte("<a b='<!DOCTYPE'>&#x1F6A2;</a>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := xmlsyn.Options{MaxBytes: 1 << 20, MaxDepth: 16}
		doc, err := xmlsyn.ParseBytes(in, opts)
		if err != nil {
			var e *xmlsyn.Error
			require.ErrorAs(t, err, &e, "every failure is an *Error: %v", err)
			return
		}
		// No declaration ever reaches the tree, and every element has the
		// line of its start tag.
		for n := range descendants(doc) {
			require.NotEqual(t, xmlquery.NotationNode, n.Type, "a declaration got through")
			if n.Type == xmlquery.ElementNode {
				require.Positive(t, n.LineNumber)
			}
		}
		// A stream over the same bytes accepts them too.
		s, err := xmlsyn.NewStream(bytes.NewReader(in), "/*", opts)
		require.NoError(t, err)
		_, err = s.Next()
		require.NoError(t, err)
		_, err = s.Next()
		require.ErrorIs(t, err, io.EOF)
	})
}

func descendants(n *xmlquery.Node) func(func(*xmlquery.Node) bool) {
	return func(yield func(*xmlquery.Node) bool) {
		var walk func(*xmlquery.Node) bool
		walk = func(n *xmlquery.Node) bool {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if !yield(c) || !walk(c) {
					return false
				}
			}
			return true
		}
		walk(n)
	}
}

func FuzzWriteParse(f *testing.F) {
	f.Add("rel:Name", "Transports Normands & Fils", "a\"b'c<d>", "  ")
	f.Add("Port", "x]]>y\r\n", "\t\n\r", "\t")
	f.Add("é", "\x00", "\xff", "")
	f.Fuzz(func(t *testing.T, name, text, value, indent string) {
		root := &xmlsyn.Element{Name: "rel:Release", Children: []*xmlsyn.Element{
			{Name: name, Attrs: []xmlsyn.Attr{{Name: "v", Value: value}}, Text: text},
			{Name: "rel:Empty"},
		}}
		var b bytes.Buffer
		err := xmlsyn.Write(&b, root, xmlsyn.WriteOptions{
			Namespaces: []xmlsyn.Namespace{{Prefix: "rel", URI: "urn:pcsgate:sone:release:1"}},
			Indent:     indent, Declaration: true,
		})
		if err != nil {
			require.True(t, errors.Is(err, xmlsyn.ErrInvalidChar) || errors.Is(err, xmlsyn.ErrInvalidName), "%v", err)
			assert.Zero(t, b.Len())
			return
		}
		doc, err := xmlsyn.Parse(&b, xmlsyn.Options{})
		require.NoError(t, err, "Write emitted a document Parse rejects")
		el := xmlquery.FindOne(doc, "/rel:Release/*[1]")
		require.NotNil(t, el)
		assert.Equal(t, name, qualified(el))
		assert.Equal(t, text, el.InnerText())
		assert.Equal(t, value, el.SelectAttr("v"))
	})
}

func qualified(n *xmlquery.Node) string {
	if n.Prefix == "" {
		return n.Data
	}
	return strings.Join([]string{n.Prefix, n.Data}, ":")
}
