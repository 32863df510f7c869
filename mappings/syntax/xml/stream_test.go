package xml_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/antchfx/xmlquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// releases generates a document of n release elements on the fly, so a test
// can stream far more than it ever holds in memory.
type releases struct {
	n, i int
	buf  []byte
	done bool
}

func newReleases(n int) *releases {
	return &releases{n: n, buf: []byte(`<?xml version="1.0"?>` + "\n" +
		`<rel:Releases xmlns:rel="urn:pcsgate:sone:release:1">` + "\n" +
		`<rel:Header><rel:Sender>C123</rel:Sender></rel:Header>` + "\n")}
}

func (r *releases) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case r.done:
			return 0, io.EOF
		case r.i == r.n:
			r.buf = []byte("</rel:Releases>\n")
			r.done = true
		default:
			r.buf = fmt.Appendf(nil, "  <rel:Release seq=\"%d\">\n    <rel:Container>CSQU3054383</rel:Container>\n"+
				"    <rel:BAD>BAD-%06d</rel:BAD>\n  </rel:Release>\n", r.i, r.i)
			r.i++
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func TestStreamYieldsEveryElementInBoundedTree(t *testing.T) {
	const n = 3000
	s, err := xmlsyn.NewStream(newReleases(n), "/rel:Releases/rel:Release",
		xmlsyn.Options{MaxBytes: 16 << 10, Name: "big.xml"})
	require.NoError(t, err)
	bad, err := xmlsyn.CompilePath("rel:BAD", map[string]string{"rel": "urn:pcsgate:sone:release:1"})
	require.NoError(t, err)

	count, maxKept := 0, 0
	for {
		el, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		got, ok := bad.String(el)
		require.True(t, ok)
		require.Equal(t, fmt.Sprintf("BAD-%06d", count), got)
		require.Equal(t, fmt.Sprint(count), el.SelectAttr("seq"))
		maxKept = max(maxKept, countElements(el.Parent))
		count++
	}
	assert.Equal(t, n, count)
	assert.LessOrEqual(t, maxKept, 2, "earlier releases must be dropped from the tree")
	_, err = s.Next()
	assert.ErrorIs(t, err, io.EOF, "Next keeps returning io.EOF")
}

func countElements(n *xmlquery.Node) int {
	c := 0
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == xmlquery.ElementNode {
			c++
		}
	}
	return c
}

func TestStreamRejects(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		opts     xmlsyn.Options
		sentinel error
		line     int
	}{
		{
			name: "doctype after some elements", sentinel: xmlsyn.ErrDTD, line: 3,
			in: "<r>\n<i>1</i>\n<!DOCTYPE x><i>2</i></r>",
		},
		{
			name: "too deep", sentinel: xmlsyn.ErrTooDeep, line: 2, opts: xmlsyn.Options{MaxDepth: 3},
			in: "<r><i>1</i>\n<i><a><b>x</b></a></i></r>",
		},
		{
			name: "malformed", sentinel: xmlsyn.ErrSyntax, line: 2,
			in: "<r><i>1</i>\n<i>2</j></r>",
		},
		{
			name: "truncated", sentinel: xmlsyn.ErrSyntax, line: 2,
			in: "<r><i>1</i>\n<i>2",
		},
		{
			name: "element larger than the budget", sentinel: xmlsyn.ErrTooLarge, line: 1,
			opts: xmlsyn.Options{MaxBytes: 256},
			in:   "<r><i>" + strings.Repeat("x", 1000) + "</i></r>",
		},
		{
			name: "no root", sentinel: xmlsyn.ErrSyntax, line: 1, in: "  ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := xmlsyn.NewStream(strings.NewReader(tt.in), "/r/i", tt.opts)
			require.NoError(t, err)
			var last error
			for range 10 {
				if _, last = s.Next(); last != nil {
					break
				}
			}
			require.ErrorIs(t, last, tt.sentinel)
			var e *xmlsyn.Error
			require.ErrorAs(t, last, &e)
			assert.Equal(t, tt.line, e.Line)
			_, again := s.Next()
			assert.Equal(t, last, again, "the error is sticky")
		})
	}
}

func TestStreamReadError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("<r><i>1</i>"), &failing{err: boom})
	s, err := xmlsyn.NewStream(r, "/r/i", xmlsyn.Options{Name: "feed.xml"})
	require.NoError(t, err)
	el, err := s.Next()
	require.NoError(t, err)
	assert.Equal(t, "1", el.InnerText())
	_, err = s.Next()
	require.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, xmlsyn.ErrSyntax)
	assert.Equal(t, "feed.xml: reading document: connection reset", err.Error())
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

func TestNewStreamRejectsBadXPath(t *testing.T) {
	_, err := xmlsyn.NewStream(strings.NewReader("<r/>"), "/r[", xmlsyn.Options{Name: "x.xml"})
	require.ErrorIs(t, err, xmlsyn.ErrXPath)
	assert.Equal(t, `x.xml: stream path "/r[" is not a valid XPath expression`, err.Error())
}
