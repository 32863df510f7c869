package xml_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

var releaseNS = []xmlsyn.Namespace{
	{Prefix: "rel", URI: "urn:pcsgate:sone:release:1"},
	{Prefix: "pty", URI: "urn:pcsgate:sone:party:1"},
}

func sampleRelease() *xmlsyn.Element {
	return &xmlsyn.Element{Name: "rel:Release", Attrs: []xmlsyn.Attr{{Name: "version", Value: "1.2"}},
		Children: []*xmlsyn.Element{
			{Name: "rel:Port", Attrs: []xmlsyn.Attr{{Name: "locode", Value: "FRLEH"}}, Text: "Le Havre"},
			{Name: "rel:BAD", Children: []*xmlsyn.Element{
				{Name: "rel:Number", Text: "BAD-76-2026-88412"},
				{Name: "pty:Party", Attrs: []xmlsyn.Attr{{Name: "role", Value: "FORWARDER"}},
					Children: []*xmlsyn.Element{{Name: "pty:Name", Text: "Transports Normands & Fils <TNF>"}}},
			}},
			{Name: "rel:Credential", Attrs: []xmlsyn.Attr{{Name: "type", Value: "TCT"}, {Name: "handle", Value: `a"b'c`}}},
		}}
}

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		name string
		opts xmlsyn.WriteOptions
		want string
	}{
		{
			name: "indented with declaration",
			opts: xmlsyn.WriteOptions{Namespaces: releaseNS, Indent: "  ", Declaration: true},
			want: `<?xml version="1.0" encoding="UTF-8"?>
<rel:Release xmlns:rel="urn:pcsgate:sone:release:1" xmlns:pty="urn:pcsgate:sone:party:1" version="1.2">
  <rel:Port locode="FRLEH">Le Havre</rel:Port>
  <rel:BAD>
    <rel:Number>BAD-76-2026-88412</rel:Number>
    <pty:Party role="FORWARDER">
      <pty:Name>Transports Normands &amp; Fils &lt;TNF&gt;</pty:Name>
    </pty:Party>
  </rel:BAD>
  <rel:Credential type="TCT" handle="a&quot;b'c"/>
</rel:Release>
`,
		},
		{
			name: "compact",
			opts: xmlsyn.WriteOptions{Namespaces: releaseNS},
			want: `<rel:Release xmlns:rel="urn:pcsgate:sone:release:1" xmlns:pty="urn:pcsgate:sone:party:1" version="1.2">` +
				`<rel:Port locode="FRLEH">Le Havre</rel:Port><rel:BAD><rel:Number>BAD-76-2026-88412</rel:Number>` +
				`<pty:Party role="FORWARDER"><pty:Name>Transports Normands &amp; Fils &lt;TNF&gt;</pty:Name></pty:Party>` +
				`</rel:BAD><rel:Credential type="TCT" handle="a&quot;b'c"/></rel:Release>` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, xmlsyn.Write(&b, sampleRelease(), tt.opts))
			assert.Equal(t, tt.want, b.String())

			var again bytes.Buffer
			require.NoError(t, xmlsyn.Write(&again, sampleRelease(), tt.opts))
			assert.Equal(t, b.String(), again.String(), "output is deterministic")

			doc, err := xmlsyn.Parse(&b, xmlsyn.Options{})
			require.NoError(t, err)
			require.NoError(t, xmlsyn.CheckNamespace(doc, "Release", "urn:pcsgate:sone:release:1"))
		})
	}
}

func TestWriteEscapingRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		value string
	}{
		{name: "markup", text: "<a>&amp;</a>", value: "<a>&amp;</a>"},
		{name: "CDATA end", text: "x]]>y", value: "x]]>y"},
		{name: "quotes", text: `"'`, value: `"'`},
		{name: "white space", text: "a\r\nb\rc\td\n", value: "a\r\nb\rc\td\n  e"},
		{name: "unicode", text: "Vallée 港 🚢", value: "Ærø\u00a0"},
		{name: "spaces only", text: "   ", value: " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := &xmlsyn.Element{Name: "d:Doc", Children: []*xmlsyn.Element{
				{Name: "d:V", Attrs: []xmlsyn.Attr{{Name: "v", Value: tt.value}}, Text: tt.text},
			}}
			var b bytes.Buffer
			require.NoError(t, xmlsyn.Write(&b, root, xmlsyn.WriteOptions{
				Namespaces: []xmlsyn.Namespace{{Prefix: "d", URI: "urn:d"}}, Indent: "\t"}))
			doc, err := xmlsyn.Parse(&b, xmlsyn.Options{})
			require.NoError(t, err)
			v := xmlquery.FindOne(doc, "//d:V")
			require.NotNil(t, v)
			assert.Equal(t, tt.text, v.InnerText())
			assert.Equal(t, tt.value, v.SelectAttr("v"))
		})
	}
}

func TestWriteRejects(t *testing.T) {
	ns := []xmlsyn.Namespace{{Prefix: "rel", URI: "urn:r"}}
	leaf := func(e *xmlsyn.Element) *xmlsyn.Element {
		return &xmlsyn.Element{Name: "rel:Release", Children: []*xmlsyn.Element{{Name: "rel:BAD", Children: []*xmlsyn.Element{e}}}}
	}
	loop := &xmlsyn.Element{Name: "a"}
	loop.Children = []*xmlsyn.Element{loop}
	tests := []struct {
		name     string
		root     *xmlsyn.Element
		opts     xmlsyn.WriteOptions
		sentinel error
		msg      string
	}{
		{name: "control character in text", root: leaf(&xmlsyn.Element{Name: "rel:N", Text: "a\x01b"}),
			sentinel: xmlsyn.ErrInvalidChar,
			msg:      `/rel:Release/rel:BAD/rel:N: text "a\x01b" contains a character not allowed in XML 1.0: U+0001 at byte 1`},
		{name: "invalid UTF-8 in attribute", root: leaf(&xmlsyn.Element{Name: "rel:N", Attrs: []xmlsyn.Attr{{Name: "x", Value: "\xff"}}}),
			sentinel: xmlsyn.ErrInvalidChar, msg: `attribute value "\xff" contains a character not allowed in XML 1.0: invalid UTF-8 at byte 0`},
		{name: "noncharacter", root: leaf(&xmlsyn.Element{Name: "rel:N", Text: "\uFFFE"}),
			sentinel: xmlsyn.ErrInvalidChar, msg: "U+FFFE at byte 0"},
		{name: "name with space", root: leaf(&xmlsyn.Element{Name: "rel:Bad Name"}),
			sentinel: xmlsyn.ErrInvalidName, msg: `element name "rel:Bad Name" is not a valid XML name: local name: ' ' at byte 3`},
		{name: "name starting with digit", root: leaf(&xmlsyn.Element{Name: "1a"}),
			sentinel: xmlsyn.ErrInvalidName, msg: `it cannot start with '1'`},
		{name: "empty name", root: &xmlsyn.Element{}, sentinel: xmlsyn.ErrInvalidName,
			msg: `/: element name is not a valid XML name: it is empty`},
		{name: "two colons", root: leaf(&xmlsyn.Element{Name: "rel:a:b"}), sentinel: xmlsyn.ErrInvalidName, msg: "':' at byte 1"},
		{name: "undeclared prefix", root: leaf(&xmlsyn.Element{Name: "x:N"}), sentinel: xmlsyn.ErrInvalidName,
			msg: `prefix "x" is not declared`},
		{name: "undeclared attribute prefix", root: leaf(&xmlsyn.Element{Name: "rel:N", Attrs: []xmlsyn.Attr{{Name: "x:a", Value: "1"}}}),
			sentinel: xmlsyn.ErrInvalidName, msg: `attribute name "x:a"`},
		{name: "namespace as attribute", root: leaf(&xmlsyn.Element{Name: "rel:N", Attrs: []xmlsyn.Attr{{Name: "xmlns:y", Value: "urn:y"}}}),
			sentinel: xmlsyn.ErrInvalidName, msg: "declare namespaces in the write options"},
		{name: "duplicate attribute", root: leaf(&xmlsyn.Element{Name: "rel:N", Attrs: []xmlsyn.Attr{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}}}),
			sentinel: xmlsyn.ErrInvalidName, msg: "it appears twice"},
		{name: "nil child", root: leaf(nil), sentinel: xmlsyn.ErrInvalidName, msg: "the element is nil"},
		{name: "cycle", root: loop, sentinel: xmlsyn.ErrTooDeep, msg: "more than 256 levels"},
		{name: "reserved prefix", root: &xmlsyn.Element{Name: "a"},
			opts:     xmlsyn.WriteOptions{Namespaces: []xmlsyn.Namespace{{Prefix: "xmlns", URI: "urn:x"}}},
			sentinel: xmlsyn.ErrInvalidName, msg: "it is reserved"},
		{name: "prefix declared twice", root: &xmlsyn.Element{Name: "a"},
			opts:     xmlsyn.WriteOptions{Namespaces: []xmlsyn.Namespace{{Prefix: "a", URI: "urn:x"}, {Prefix: "a", URI: "urn:y"}}},
			sentinel: xmlsyn.ErrInvalidName, msg: "it is declared twice"},
		{name: "empty namespace URI", root: &xmlsyn.Element{Name: "a"},
			opts:     xmlsyn.WriteOptions{Namespaces: []xmlsyn.Namespace{{Prefix: "a"}}},
			sentinel: xmlsyn.ErrInvalidName, msg: "the URI is empty"},
		{name: "indent with text", root: &xmlsyn.Element{Name: "a"}, opts: xmlsyn.WriteOptions{Indent: "--"},
			sentinel: xmlsyn.ErrInvalidChar, msg: "only spaces and tabs may indent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts.Namespaces == nil {
				opts.Namespaces = ns
			}
			var b bytes.Buffer
			err := xmlsyn.Write(&b, tt.root, opts)
			require.ErrorIs(t, err, tt.sentinel)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Zero(t, b.Len(), "nothing is written on error")
		})
	}
}

func TestWriteDefaultNamespace(t *testing.T) {
	var b bytes.Buffer
	err := xmlsyn.Write(&b, &xmlsyn.Element{Name: "Release", Children: []*xmlsyn.Element{{Name: "Port", Text: "FRLEH"}}},
		xmlsyn.WriteOptions{Namespaces: []xmlsyn.Namespace{{URI: "urn:pcsgate:sone:release:1"}}})
	require.NoError(t, err)
	assert.Equal(t, `<Release xmlns="urn:pcsgate:sone:release:1"><Port>FRLEH</Port></Release>`+"\n", b.String())
	doc, err := xmlsyn.Parse(strings.NewReader(b.String()), xmlsyn.Options{})
	require.NoError(t, err)
	assert.NoError(t, xmlsyn.CheckNamespace(doc, "Release", "urn:pcsgate:sone:release:1"))
}
