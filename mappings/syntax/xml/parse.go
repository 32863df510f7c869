package xml

import (
	"bytes"
	stdxml "encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/antchfx/xmlquery"
	"golang.org/x/net/html/charset"
)

// Parse reads a whole document from r and returns its xmlquery tree,
// rooted at the document node.
//
// It reads at most opts.MaxBytes; a longer input is ErrTooLarge. The input
// is scanned for declarations, nesting depth and stray content before it is
// parsed (see the package documentation). Element nodes carry the line of
// their start tag in LineNumber; use Line for any node.
func Parse(r io.Reader, opts Options) (*xmlquery.Node, error) {
	opts.setDefaults()
	data, err := readAll(r, opts.MaxBytes+1)
	if err != nil {
		return nil, readError(opts.Name, err)
	}
	return parseBytes(data, opts)
}

// readAll is io.ReadAll of at most limit bytes. A reader that tells how
// much it holds already (a bufio.Reader over a short message) is read
// into one buffer of the right size.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	size := int64(512)
	switch h := r.(type) {
	case interface{ Len() int }:
		size = int64(h.Len()) + 1
	case interface{ Buffered() int }:
		size = int64(h.Buffered()) + 1
	}
	b := make([]byte, 0, min(max(size, 512), limit))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if int64(len(b)) >= limit {
			return b, nil
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
			if int64(cap(b)) > limit {
				b = b[:len(b):limit]
			}
		}
	}
}

// ParseBytes is Parse for a document already in memory.
func ParseBytes(data []byte, opts Options) (*xmlquery.Node, error) {
	opts.setDefaults()
	return parseBytes(data, opts)
}

func parseBytes(data []byte, opts Options) (*xmlquery.Node, error) {
	if int64(len(data)) > opts.MaxBytes {
		return nil, &Error{Name: opts.Name, Field: "document",
			Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, opts.MaxBytes)}
	}
	if doc := buildTree(data, opts.MaxDepth); doc != nil {
		return doc, nil
	}
	return parseGeneral(data, opts)
}

// parseGeneral reads any document through the guard and xmlquery: the
// documents buildTree leaves alone, and every document with an error, so
// errors are worded the same whichever way a document came.
func parseGeneral(data []byte, opts Options) (*xmlquery.Node, error) {
	g := newGuard(opts.MaxDepth, true)
	if _, err := g.feed(data); err != nil {
		return nil, named(opts.Name, err)
	}
	if err := g.finish(); err != nil {
		return nil, named(opts.Name, err)
	}
	doc, err := xmlquery.ParseWithOptions(bytes.NewReader(data), parserOptions())
	if err != nil {
		return nil, mapError(opts.Name, err)
	}
	setLines(doc, g.starts)
	return doc, nil
}

// parserOptions are the xmlquery options for every read: a strict decoder,
// no entities beyond the predefined five, ASCII-compatible encodings only.
func parserOptions() xmlquery.ParserOptions {
	return xmlquery.ParserOptions{Decoder: &xmlquery.DecoderOptions{
		Strict:        true,
		CharsetReader: charsetReader,
	}}
}

// asciiCompatible lists the encodings, by their WHATWG names, whose bytes
// below 0x80 are ASCII, so the guard sees the same markup the decoder does.
var asciiCompatible = map[string]bool{
	"utf-8": true, "windows-1250": true, "windows-1251": true, "windows-1252": true,
	"windows-1253": true, "windows-1254": true, "windows-1255": true, "windows-1256": true,
	"windows-1257": true, "windows-1258": true, "iso-8859-2": true, "iso-8859-3": true,
	"iso-8859-4": true, "iso-8859-5": true, "iso-8859-6": true, "iso-8859-7": true,
	"iso-8859-8": true, "iso-8859-10": true, "iso-8859-13": true, "iso-8859-14": true,
	"iso-8859-15": true, "iso-8859-16": true, "koi8-r": true, "koi8-u": true,
}

func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, name := charset.Lookup(label)
	if enc == nil || !asciiCompatible[name] {
		return nil, &Error{Line: 1, Field: "encoding", Value: label,
			Err: fmt.Errorf("%w: expected UTF-8, ISO 8859 or a Windows code page", ErrSyntax)}
	}
	return enc.NewDecoder().Reader(input), nil
}

// setLines copies the guard's start-tag lines onto the element nodes, which
// xmlquery creates one per start tag in the same order. If the counts ever
// differ the lines are left alone rather than set wrongly.
func setLines(doc *xmlquery.Node, starts []int32) {
	var elems []*xmlquery.Node
	walkElements(doc, func(n *xmlquery.Node) { elems = append(elems, n) })
	if len(elems) != len(starts) {
		return
	}
	for i, n := range elems {
		n.LineNumber = int(starts[i])
	}
}

func walkElements(n *xmlquery.Node, fn func(*xmlquery.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			fn(c)
			walkElements(c, fn)
		}
	}
}

// Line returns the line of n in its source document: the line of its start
// tag for an element, or of the nearest enclosing element for text and
// attribute nodes. It returns 0 when the line is unknown, for example for
// nodes from a Stream.
func Line(n *xmlquery.Node) int {
	for ; n != nil; n = n.Parent {
		if n.Type == xmlquery.ElementNode && n.LineNumber > 0 {
			return n.LineNumber
		}
	}
	return 0
}

// mapError turns a decoder or xmlquery error into an *Error naming the
// document.
func mapError(name string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return named(name, e)
	}
	var se *stdxml.SyntaxError
	if errors.As(err, &se) {
		return &Error{Name: name, Line: se.Line, Field: "document",
			Err: fmt.Errorf("%w: %s", ErrSyntax, se.Msg)}
	}
	var re *readErr
	if errors.As(err, &re) {
		return readError(name, re.err)
	}
	msg := strings.TrimPrefix(err.Error(), "xmlquery: ")
	msg = strings.TrimPrefix(msg, "invalid XML document, ")
	return &Error{Name: name, Field: "document", Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
}

// named fills in the document name of an *Error from the guard.
func named(name string, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Name == "" {
		c := *e
		c.Name = name
		return &c
	}
	return err
}

// readErr marks an error of the underlying reader, as opposed to one about
// the document's content.
type readErr struct{ err error }

func (r *readErr) Error() string { return r.err.Error() }
func (r *readErr) Unwrap() error { return r.err }

func readError(name string, err error) error {
	if name == "" {
		return fmt.Errorf("reading document: %w", err)
	}
	return fmt.Errorf("%s: reading document: %w", name, err)
}
