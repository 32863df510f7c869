package xml

import (
	"errors"
	"fmt"
	"io"

	"github.com/antchfx/xmlquery"
)

// Stream yields the elements of a large document that match an XPath, one at
// a time, without holding the whole document in memory. It applies the same
// checks as Parse as the bytes arrive. A Stream is not safe for concurrent use.
type Stream struct {
	sp   *xmlquery.StreamParser
	in   *guardedReader
	name string
	err  error
}

// NewStream prepares to read the elements of r that match elementXPath, for
// example "/Releases/Release" or "//rel:Release". Prefixes in elementXPath
// are compared with the prefixes written in the document, not bound to
// namespace URIs; check the namespace of each element with CheckNamespace or
// a Path if it matters.
//
// opts.MaxBytes bounds the bytes read to produce one element, counted from
// the previous one and including up to a few KiB the parser reads ahead;
// opts.MaxDepth bounds nesting as in Parse.
func NewStream(r io.Reader, elementXPath string, opts Options) (*Stream, error) {
	opts.setDefaults()
	in := &guardedReader{r: r, g: newGuard(opts.MaxDepth, false), budget: opts.MaxBytes}
	sp, err := xmlquery.CreateStreamParserWithOptions(in, parserOptions(), elementXPath)
	if err != nil {
		return nil, &Error{Name: opts.Name, Field: "stream path", Value: elementXPath, Err: ErrXPath}
	}
	return &Stream{sp: sp, in: in, name: opts.Name}, nil
}

// Next returns the next matching element, or io.EOF after the last one. The
// element is detached from the document once Next is called again, but
// stays valid for the caller. Nodes from a Stream carry no line numbers.
// After an error, Next keeps returning that error.
func (s *Stream) Next() (*xmlquery.Node, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.in.used = 0
	n, err := s.sp.Read()
	if err != nil {
		if errors.Is(err, io.EOF) && s.in.err == nil {
			s.err = io.EOF
		} else {
			s.err = mapError(s.name, err)
		}
		return nil, s.err
	}
	return n, nil
}

// guardedReader runs the guard over every byte before the decoder sees it
// and enforces the per-element byte budget.
type guardedReader struct {
	r      io.Reader
	g      *guard
	budget int64 // bytes allowed per element
	used   int64 // bytes read since the last element was returned
	err    error // sticky error: the first problem found
}

func (gr *guardedReader) Read(p []byte) (int, error) {
	if gr.err != nil {
		return 0, gr.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Never read more than one byte past the budget, so a document that
	// never yields cannot make the parser hold more than that.
	if rem := gr.budget - gr.used + 1; int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := gr.r.Read(p)
	if n > 0 {
		gr.used += int64(n)
		if gr.used > gr.budget {
			gr.err = &Error{Line: gr.g.line, Field: "element",
				Err: fmt.Errorf("%w: more than %d bytes since the previous element", ErrTooLarge, gr.budget)}
			return 0, gr.err
		}
		if k, gerr := gr.g.feed(p[:n]); gerr != nil {
			gr.err = gerr
			return k, gerr
		}
	}
	switch {
	case err == io.EOF:
		if ferr := gr.g.finish(); ferr != nil {
			gr.err = ferr
			return n, ferr
		}
		return n, io.EOF
	case err != nil:
		gr.err = &readErr{err: err}
		return n, gr.err
	}
	return n, nil
}
