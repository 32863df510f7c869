package xml_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/errtext"
	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func TestParseAcceptsRelease(t *testing.T) {
	doc, err := xmlsyn.Parse(strings.NewReader(string(readTestdata(t, "sone-release.xml"))),
		xmlsyn.Options{Name: "release.xml"})
	require.NoError(t, err)

	bl := xmlquery.FindOne(doc, "//rel:BillOfLading")
	require.NotNil(t, bl)
	assert.Equal(t, "CMDUSHZ1234567", bl.InnerText())
	assert.Equal(t, 12, bl.LineNumber)
	assert.Equal(t, 2, xmlquery.FindOne(doc, "/rel:Release").LineNumber)
	remarks := xmlquery.FindOne(doc, "//rel:Remarks")
	require.NotNil(t, remarks)
	assert.Equal(t, "Livraison avant 12h <urgent>", remarks.InnerText())
}

func TestParseLineNumbers(t *testing.T) {
	in := "<a>\n\n\n  <b x=\"1\n2\">t</b>\n  <!-- <c>\n -->\n<c><![CDATA[\n<d>\n]]></c><?pi x\n?>\n<d/></a>"
	doc, err := xmlsyn.Parse(strings.NewReader(in), xmlsyn.Options{})
	require.NoError(t, err)

	tests := []struct {
		name string
		path string
		want int
	}{
		{name: "root", path: "/a", want: 1},
		{name: "after blank lines", path: "//b", want: 4},
		{name: "after comment with markup", path: "//c", want: 8},
		{name: "after CDATA and PI spanning lines", path: "//d", want: 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := xmlquery.FindOne(doc, tt.path)
			require.NotNil(t, n)
			assert.Equal(t, tt.want, n.LineNumber)
			assert.Equal(t, tt.want, xmlsyn.Line(n))
			if n.FirstChild != nil {
				assert.Equal(t, tt.want, xmlsyn.Line(n.FirstChild), "text takes its element's line")
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	deep := strings.Repeat("<a>", 65) + strings.Repeat("</a>", 65)
	tests := []struct {
		name     string
		in       string
		opts     xmlsyn.Options
		sentinel error
		line     int
		msg      string
	}{
		{
			name: "billion laughs", in: string(readTestdata(t, "billion-laughs.xml")),
			opts: xmlsyn.Options{Name: "lol.xml"}, sentinel: xmlsyn.ErrDTD, line: 2,
			msg: `lol.xml:2: declaration "<!DOCTYPE lolz [" is a DTD or entity declaration, which is never accepted`,
		},
		{
			name: "external entity inside the root", in: string(readTestdata(t, "xxe.xml")),
			sentinel: xmlsyn.ErrDTD, line: 3, msg: `line 3: declaration "<!ENTITY xxe SYSTEM`,
		},
		{
			name: "conditional section", in: "<a><![INCLUDE[x]]></a>",
			sentinel: xmlsyn.ErrDTD, line: 1, msg: `"<![INCLUDE[x]]></a>"`,
		},
		{
			name: "undefined entity", in: "<a>\n&lol;</a>",
			sentinel: xmlsyn.ErrSyntax, line: 2, msg: "invalid character entity &lol;",
		},
		{
			name: "too deep", in: deep, opts: xmlsyn.Options{Name: "deep.xml"},
			sentinel: xmlsyn.ErrTooDeep, line: 1, msg: `deep.xml:1: element "<a>`,
		},
		{
			name: "deeper than a custom limit", in: "<a>\n<b>\n<c/></b></a>", opts: xmlsyn.Options{MaxDepth: 2},
			sentinel: xmlsyn.ErrTooDeep, line: 3, msg: "is nested too deep: more than 2 levels",
		},
		{
			name: "too large", in: "<a>" + strings.Repeat("x", 100) + "</a>", opts: xmlsyn.Options{MaxBytes: 64, Name: "big.xml"},
			sentinel: xmlsyn.ErrTooLarge, msg: "big.xml: document is too large: more than 64 bytes",
		},
		{
			name: "mismatched end tag", in: string(readTestdata(t, "malformed.xml")),
			sentinel: xmlsyn.ErrSyntax, line: 3, msg: "line 3: document is not well-formed XML: element <Port> closed by </Carrier>",
		},
		{
			name: "unclosed root", in: "<a>\n<b></b>", sentinel: xmlsyn.ErrSyntax, line: 2,
			msg: "ends with 1 element(s) still open",
		},
		{
			name: "empty input", in: "", sentinel: xmlsyn.ErrSyntax, line: 1, msg: "has no root element",
		},
		{
			name: "text after the root", in: "<a/>\nmore", sentinel: xmlsyn.ErrSyntax, line: 2,
			msg: `text "more" is not well-formed XML: text outside the root element`,
		},
		{
			name: "second root", in: "<a/><b/>", sentinel: xmlsyn.ErrSyntax, line: 1, msg: "a second root element",
		},
		{
			name: "bare less-than", in: "<a>< b</a>", sentinel: xmlsyn.ErrSyntax, line: 1,
			msg: "expected an element name after <",
		},
		{
			name: "undeclared prefix", in: "<x:a/>", sentinel: xmlsyn.ErrSyntax, msg: "namespace x is missing",
		},
		{
			name: "unsupported encoding", in: `<?xml version="1.0" encoding="UTF-16"?><a/>`,
			sentinel: xmlsyn.ErrSyntax, line: 1, msg: `encoding "UTF-16" is not well-formed XML: expected UTF-8`,
		},
		{
			name: "control character", in: "<a>\x01</a>", sentinel: xmlsyn.ErrSyntax, line: 1,
			msg: "illegal character code U+0001",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := xmlsyn.Parse(strings.NewReader(tt.in), tt.opts)
			require.Error(t, err)
			assert.Nil(t, doc)
			require.ErrorIs(t, err, tt.sentinel)
			var e *xmlsyn.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.line, e.Line)
			assert.Contains(t, err.Error(), tt.msg)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestParseAcceptsLatin1(t *testing.T) {
	in := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>Vall\xe9e</a>"
	doc, err := xmlsyn.Parse(strings.NewReader(in), xmlsyn.Options{})
	require.NoError(t, err)
	assert.Equal(t, "Vallée", xmlquery.FindOne(doc, "/a").InnerText())
}

func TestParseByteOrderMark(t *testing.T) {
	doc, err := xmlsyn.Parse(strings.NewReader("\xef\xbb\xbf<a>x</a>\n"), xmlsyn.Options{})
	require.NoError(t, err)
	assert.Equal(t, "x", xmlquery.FindOne(doc, "/a").InnerText())
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := xmlsyn.Parse(iotest.ErrReader(boom), xmlsyn.Options{Name: "r.xml"})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, "r.xml: reading document: disk on fire", err.Error())
}

func TestParseBytesMatchesParse(t *testing.T) {
	data := readTestdata(t, "sone-release.xml")
	a, err := xmlsyn.ParseBytes(data, xmlsyn.Options{})
	require.NoError(t, err)
	b, err := xmlsyn.Parse(strings.NewReader(string(data)), xmlsyn.Options{})
	require.NoError(t, err)
	assert.Equal(t, a.OutputXML(true), b.OutputXML(true))
}

func TestErrorRendersThroughErrtext(t *testing.T) {
	e := &xmlsyn.Error{Name: "my file.xml", Line: 2, Path: "/r/a", Field: "element", Value: strings.Repeat("x", 100), Err: xmlsyn.ErrSyntax}
	assert.Equal(t, `"my file.xml":2: /r/a: element "`+strings.Repeat("x", errtext.MaxValue)+`"… is not well-formed XML`, e.Error())
	e = &xmlsyn.Error{Line: 3, Field: "attribute value", Value: "a\nb", Err: xmlsyn.ErrInvalidChar}
	assert.Equal(t, `line 3: attribute value "a\nb" contains a character not allowed in XML 1.0`, e.Error())
}
