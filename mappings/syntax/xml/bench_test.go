package xml_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/require"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

func BenchmarkParse(b *testing.B) {
	data := readTestdata(b, "sone-release.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xmlsyn.ParseBytes(data, xmlsyn.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParsePaths parses a release and reads the ten fields a mapping
// typically needs, with paths compiled once.
func BenchmarkParsePaths(b *testing.B) {
	data := readTestdata(b, "sone-release.xml")
	exprs := []string{
		"/r:Release/r:Header/r:MessageId", "/r:Release/r:Header/r:Function", "/r:Release/r:Port/@locode",
		"/r:Release/r:Carrier", "/r:Release/r:BillOfLading", "/r:Release/r:Container/@number",
		"/r:Release/r:Container/r:SizeType", "/r:Release/r:BAD/r:ValidUntil",
		"/r:Release/r:BAD/r:DeliverTo/p:Party/p:Id[@scheme='EORI']", "/r:Release/r:ExitAuthorisation/r:Credential/@handle",
	}
	paths := make([]*xmlsyn.Path, len(exprs))
	for i, e := range exprs {
		p, err := xmlsyn.CompilePath(e, soneNS)
		require.NoError(b, err)
		paths[i] = p
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := xmlsyn.ParseBytes(data, xmlsyn.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range paths {
			if _, ok := p.String(doc); !ok {
				b.Fatalf("%s: no match", p.Source())
			}
		}
	}
}

// BenchmarkStream reads a generated document of 10,000 releases (about
// 1.4 MB) element by element.
func BenchmarkStream(b *testing.B) {
	const elements = 10000
	b.ReportAllocs()
	for b.Loop() {
		s, err := xmlsyn.NewStream(newReleases(elements), "/rel:Releases/rel:Release", xmlsyn.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := s.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(elements*b.N)/b.Elapsed().Seconds(), "elements/s")
}

func BenchmarkWrite(b *testing.B) {
	root := sampleRelease()
	opts := xmlsyn.WriteOptions{Namespaces: releaseNS, Indent: "  "}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := xmlsyn.Write(&buf, root, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLatin1 is a release declared ISO-8859-1, which the
// one-pass reader leaves to the guard, encoding/xml and xmlquery.
func BenchmarkParseLatin1(b *testing.B) {
	data := readTestdata(b, "sone-release.xml")
	data = bytes.Replace(data, []byte(`encoding="UTF-8"`), []byte(`encoding="ISO-8859-1"`), 1)
	data = bytes.ReplaceAll(data, []byte("é"), []byte("\xe9"))
	data = bytes.ReplaceAll(data, []byte("ô"), []byte("\xf4"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xmlsyn.ParseBytes(data, xmlsyn.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseBaseline is xmlquery alone on the same document, to
// compare Parse with.
func BenchmarkParseBaseline(b *testing.B) {
	data := readTestdata(b, "sone-release.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := xmlquery.Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
