package flat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CSVReader reads records from a delimited file.
//
// Next returns the records one by one. A record with a problem of its own
// (a wrong field count, a stray quote, a field too long, bad text) yields an
// *Error and reading continues with the next record. A problem that leaves
// the rest of the input unreadable (an unclosed quote, the size limit, a
// wrong header, a read error) is returned by every later call.
type CSVReader struct {
	opts    CSVOptions
	lr      lineReader
	delim   []byte
	quote   []byte // nil without quoting
	started bool
	err     error // sticky
	names   []string
	want    int // expected field count; 0 until known

	// the record being read
	buf     []byte
	ends    []int      // end of each field in buf
	starts  []position // where each field starts, kept for the header only
	header  bool       // reading the header line
	dropped int        // fields beyond MaxFields
	field   int        // bytes of the current field
	problem *Error     // first problem of the record
	values  []string   // the last record's values, with ReuseRecord
	noPlain bool       // read every line field by field, as tests compare

	plainHeader bool // the expected header line is taken as a whole if it is there
}

type position struct{ line, col int }

// NewCSVReader returns a reader of r. Invalid options are reported by the
// first call to Next.
func NewCSVReader(r io.Reader, opts CSVOptions) *CSVReader {
	s, err := opts.Compile()
	if err != nil {
		opts.setDefaults()
		return &CSVReader{opts: opts, err: &Error{Name: opts.Name, Err: err}}
	}
	return s.NewReader(r, opts.Name)
}

// CSVSchema is CSVOptions checked once, to read many files with the same
// options without checking them for each.
type CSVSchema struct {
	opts        CSVOptions
	enc         encoding
	delim       []byte
	quote       []byte // nil without quoting
	plainHeader bool   // the expected header line can be taken whole
}

// Compile checks the options, as Validate does, and that the expected
// header names no column twice.
func (o CSVOptions) Compile() (*CSVSchema, error) {
	o.setDefaults()
	if o.NoQuote {
		o.Quote = 0
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := checkHeaderNames(o.Header); err != nil {
		return nil, err
	}
	s := &CSVSchema{opts: o, delim: runeBytes(o.Delimiter)}
	s.enc, _ = parseEncoding(o.Encoding)
	if o.Quote != 0 {
		s.quote = runeBytes(o.Quote)
	}
	s.plainHeader = headerIsPlain(&s.opts, s.delim, s.quote)
	return s, nil
}

// NewReader returns a reader of r with the schema's options; name names
// the input in errors, in place of CSVOptions.Name.
func (s *CSVSchema) NewReader(r io.Reader, name string) *CSVReader {
	cr := &CSVReader{opts: s.opts, lr: newLineReader(r, s.opts.MaxBytes, s.enc),
		delim: s.delim, quote: s.quote, plainHeader: s.plainHeader}
	cr.opts.Name = name
	// Room for a typical record, so that the first ones do not grow the
	// slices step by step.
	n := max(len(s.opts.Header), 16)
	cr.ends, cr.starts, cr.buf = make([]int, 0, n), make([]position, 0, n), make([]byte, 0, 256)
	return cr
}

// asciiBytes holds every ASCII character once, so that a delimiter or
// quote of one byte needs no slice of its own.
var asciiBytes = func() (b [128]byte) {
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// runeBytes returns the UTF-8 bytes of c; do not modify them.
func runeBytes(c rune) []byte {
	if c >= 0 && c < 128 {
		return asciiBytes[c : c+1 : c+1]
	}
	return utf8.AppendRune(nil, c)
}

// Header returns the field names: the header line (read now if need be),
// or CSVOptions.Header for a file without one. It returns nil when the file
// has neither; a problem reading the header is returned by Next.
func (r *CSVReader) Header() []string {
	r.start()
	return r.names
}

// Next returns the next record, or io.EOF after the last one.
func (r *CSVReader) Next() (Record, error) {
	r.start()
	if r.err != nil {
		return Record{}, r.err
	}
	values, line, err := r.readRecord()
	if err != nil {
		if !errors.Is(err, io.EOF) && r.problem == nil {
			r.err = err
		}
		return Record{Line: line}, err
	}
	if r.want == 0 {
		r.want = len(values)
	}
	if n := len(values) + r.dropped; n != r.want {
		against := "header has"
		if r.names == nil {
			against = "the first record has"
		}
		return Record{Line: line, Names: r.names, Values: values}, &Error{
			Name: r.opts.Name, Line: line,
			Err: describe(ErrRaggedRow, fmt.Sprintf("record has %d fields, %s %d", n, against, r.want)),
		}
	}
	return Record{Line: line, Names: r.names, Values: values}, nil
}

func (r *CSVReader) start() {
	if r.started || r.err != nil {
		return
	}
	r.started = true
	r.names = r.opts.Header
	if r.opts.NoHeader {
		r.want = len(r.names)
		return
	}
	r.header = true
	values, _, err := r.readRecord()
	r.header = false
	switch {
	case errors.Is(err, io.EOF):
		r.err = io.EOF
		return
	case err != nil:
		r.err = err
		return
	}
	if err := r.checkHeader(values); err != nil {
		r.err = err
		return
	}
	r.names, r.values = values, nil // the names keep the header's slice
	r.want = len(values)
}

// fatal records an error that ends reading.
func (r *CSVReader) fatal(line, col int, err error) error {
	e := &Error{Name: r.opts.Name, Line: line, Column: col, Err: err}
	r.err = e
	return e
}

// note records the first problem of the current record.
func (r *CSVReader) note(col int, err error) {
	if r.problem == nil {
		r.problem = &Error{Name: r.opts.Name, Line: r.lr.line, Column: col, Field: r.fieldName(), Err: err}
	}
}

func (r *CSVReader) fieldName() string {
	i := len(r.ends) + r.dropped
	if i < len(r.names) {
		return r.names[i]
	}
	return ""
}

// label names the current field in a message.
func (r *CSVReader) label() string { return fieldLabel(r.names, len(r.ends)+r.dropped) }

func column(line []byte, off int) int { return 1 + utf8.RuneCount(line[:off]) }

// readRecord reads one record, skipping blank and comment lines. It returns
// the values and the record's first line. A problem of the record alone is
// returned as an *Error in r.problem and as the error; fatal problems set r.err.
func (r *CSVReader) readRecord() ([]string, int, error) {
	var line []byte
	for {
		l, err := r.lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, 0, io.EOF
			}
			return nil, 0, r.fatal(r.lr.line+1, 0, err)
		}
		body := trimEOL(l)
		if len(body) == 0 {
			continue
		}
		if r.opts.Comment != 0 {
			if c, _ := utf8.DecodeRune(body); c == r.opts.Comment {
				continue
			}
		}
		line = l
		break
	}
	first := r.lr.line
	r.buf, r.ends, r.starts, r.dropped, r.problem = r.buf[:0], r.ends[:0], r.starts[:0], 0, nil
	if r.header && !r.noPlain && r.isExpectedHeader(trimEOL(line)) {
		return r.opts.Header, first, nil
	}
	if values, ok := r.splitPlain(line); ok {
		return values, first, nil
	}
	pos := 0
	for more := true; more; {
		var err error
		line, pos, more, err = r.readField(line, pos)
		if err != nil {
			return nil, first, err
		}
	}
	if r.problem != nil {
		return nil, first, r.problem
	}
	s := string(r.buf)
	values := r.valuesFor(len(r.ends))
	prev := 0
	for i, end := range r.ends {
		values[i] = s[prev:end]
		prev = end
	}
	return values, first, nil
}

// valuesFor returns a slice for n values: a new one, or with ReuseRecord
// the last record's.
func (r *CSVReader) valuesFor(n int) []string {
	if !r.opts.ReuseRecord {
		return make([]string, n)
	}
	if cap(r.values) < n {
		r.values = make([]string, n)
	}
	return r.values[:n]
}

// isExpectedHeader reports whether body is the expected header written
// plainly, its names joined by the delimiter, and the names hold nothing
// that reading them would refuse: such a header line is taken without
// reading it field by field.
func (r *CSVReader) isExpectedHeader(body []byte) bool {
	if !r.plainHeader {
		return false
	}
	for i, name := range r.opts.Header {
		if i > 0 {
			if !bytes.HasPrefix(body, r.delim) {
				return false
			}
			body = body[len(r.delim):]
		}
		if len(body) < len(name) || string(body[:len(name)]) != name {
			return false
		}
		body = body[len(name):]
	}
	return len(body) == 0
}

// headerIsPlain reports whether an expected header line could be read
// without a problem and without unquoting: within the limits, no quote,
// delimiter, NUL, line break or bad UTF-8 in a name.
func headerIsPlain(o *CSVOptions, delim, quote []byte) bool {
	if len(o.Header) == 0 || len(o.Header) > o.MaxFields || o.TrimSpace {
		return false
	}
	for _, name := range o.Header {
		b := []byte(name)
		if len(b) > o.MaxFieldBytes || bytes.Contains(b, delim) || quote != nil && bytes.Contains(b, quote) ||
			bytes.ContainsAny(b, "\x00\r\n") || invalidUTF8(b) >= 0 {
			return false
		}
	}
	return true
}

// splitPlain reads a data line that has nothing to unquote, trim or
// refuse, the usual one, by cutting it at its delimiters: no quote, no NUL,
// valid text, no field over the limits. It reports false for any other
// line, which readField reads field by field.
func (r *CSVReader) splitPlain(line []byte) ([]string, bool) {
	if r.noPlain || r.header || r.opts.TrimSpace || len(r.delim) != 1 || len(r.quote) > 1 {
		return nil, false
	}
	body := trimEOL(line)
	if len(body) > r.opts.MaxFieldBytes || len(r.quote) == 1 && bytes.IndexByte(body, r.quote[0]) >= 0 ||
		bytes.IndexByte(body, 0) >= 0 || invalidUTF8(body) >= 0 {
		return nil, false
	}
	d := r.delim[0]
	n := bytes.Count(body, r.delim) + 1
	if n > r.opts.MaxFields {
		return nil, false
	}
	s := string(body)
	values := r.valuesFor(n)
	for i := range n - 1 {
		j := strings.IndexByte(s, d)
		values[i], s = s[:j], s[j+1:]
	}
	values[n-1] = s
	return values, true
}

func (r *CSVReader) isTrimmable(c rune) bool {
	return c != r.opts.Delimiter && c != '\r' && c != '\n' && unicode.IsSpace(c)
}

// skipSpace skips trimmable white space at pos when TrimSpace is on.
func (r *CSVReader) skipSpace(line []byte, pos int) int {
	if !r.opts.TrimSpace {
		return pos
	}
	for pos < len(line) {
		c, size := utf8.DecodeRune(line[pos:])
		if !r.isTrimmable(c) {
			break
		}
		pos += size
	}
	return pos
}

// readField reads the field at pos and returns where the next one starts
// (possibly on a later line) and whether one follows.
func (r *CSVReader) readField(line []byte, pos int) ([]byte, int, bool, error) {
	if len(r.ends)+r.dropped >= r.opts.MaxFields && r.dropped == 0 {
		r.note(column(line, pos), describe(ErrTooLarge, fmt.Sprintf("record has more than %d fields", r.opts.MaxFields)))
	}
	pos = r.skipSpace(line, pos)
	r.field = 0
	if r.quote != nil && bytes.HasPrefix(line[pos:], r.quote) {
		return r.readQuoted(line, pos)
	}
	rest := trimEOL(line[pos:])
	i := bytes.Index(rest, r.delim)
	field := rest
	if i >= 0 {
		field = rest[:i]
	}
	if r.quote != nil {
		if j := bytes.Index(field, r.quote); j >= 0 {
			r.note(column(line, pos+j), describe(ErrQuote,
				fmt.Sprintf("%s has a bare %q in an unquoted value %s; quote the value and double the quote", r.label(), r.opts.Quote, quote(string(field)))))
		}
	}
	if r.opts.TrimSpace {
		field = bytes.TrimRightFunc(field, r.isTrimmable)
	}
	r.appendField(line, pos, field)
	r.endField(line, pos)
	if i < 0 {
		return line, len(line), false, nil
	}
	return line, pos + i + len(r.delim), true, nil
}

// readQuoted reads a quoted field whose quote is at pos.
func (r *CSVReader) readQuoted(line []byte, pos int) ([]byte, int, bool, error) {
	// The column is counted only when needed: for the header, or when the
	// field runs onto another line and might never be closed.
	open := position{r.lr.line, 0}
	openOff := pos
	if r.header {
		open.col = column(line, pos)
		r.starts = append(r.starts, open)
	}
	pos += len(r.quote)
	for {
		i := bytes.Index(line[pos:], r.quote)
		if i < 0 {
			if open.col == 0 {
				open.col = column(line, openOff)
			}
			r.appendField(line, pos, line[pos:])
			next, err := r.lr.next()
			if errors.Is(err, io.EOF) {
				return nil, 0, false, r.fatal(open.line, open.col, describe(ErrUnclosedQuote,
					fmt.Sprintf("%s opens a quote that is not closed by the end of the input", r.label())))
			}
			if err != nil {
				return nil, 0, false, r.fatal(r.lr.line+1, 0, err)
			}
			line, pos = next, 0
			continue
		}
		r.appendField(line, pos, line[pos:pos+i])
		pos += i + len(r.quote)
		if bytes.HasPrefix(line[pos:], r.quote) {
			r.appendField(line, pos, r.quote)
			pos += len(r.quote)
			continue
		}
		break
	}
	pos = r.skipSpace(line, pos)
	rest := line[pos:]
	switch {
	case bytes.HasPrefix(rest, r.delim):
		r.finishField()
		return line, pos + len(r.delim), true, nil
	case len(trimEOL(rest)) == 0:
		r.finishField()
		return line, len(line), false, nil
	}
	r.note(column(line, pos), describe(ErrQuote, fmt.Sprintf("%s has %s after its closing quote, expected %q or the end of the line",
		r.label(), quote(string(trimEOL(rest))), r.opts.Delimiter)))
	r.finishField()
	return line, len(line), false, nil
}

// appendField adds data, found at off in line, to the current field,
// checking its limit and its characters.
func (r *CSVReader) appendField(line []byte, off int, data []byte) {
	if len(r.ends)+r.dropped >= r.opts.MaxFields {
		return
	}
	if r.field+len(data) > r.opts.MaxFieldBytes {
		if r.field <= r.opts.MaxFieldBytes {
			r.note(column(line, off), describe(ErrFieldTooLong, fmt.Sprintf("%s is longer than %d bytes: %s",
				r.label(), r.opts.MaxFieldBytes, quote(string(r.buf[len(r.buf)-r.field:])+string(data)))))
		}
		r.field = r.opts.MaxFieldBytes + 1
		return
	}
	if j := invalidUTF8(data); j >= 0 {
		r.note(column(line, off+j), describe(ErrEncoding, fmt.Sprintf("%s has byte 0x%02X, which is not UTF-8 text (is the file ISO 8859-1?)", r.label(), data[j])))
	}
	if j := bytes.IndexByte(data, 0); j >= 0 {
		r.note(column(line, off+j), describe(ErrControlChar, r.label()+" contains NUL"))
	}
	r.buf = append(r.buf, data...)
	r.field += len(data)
}

// endField closes an unquoted field that started at pos.
func (r *CSVReader) endField(line []byte, pos int) {
	if len(r.ends)+r.dropped >= r.opts.MaxFields {
		r.dropped++
		return
	}
	if r.header {
		r.starts = append(r.starts, position{r.lr.line, column(line, pos)})
	}
	r.ends = append(r.ends, len(r.buf))
}

// finishField closes a quoted field, whose start is already recorded.
func (r *CSVReader) finishField() {
	if len(r.ends)+r.dropped >= r.opts.MaxFields {
		r.starts = r.starts[:min(len(r.starts), len(r.ends))]
		r.dropped++
		return
	}
	r.ends = append(r.ends, len(r.buf))
}

// checkHeaderNames rejects an expected header that repeats a name.
func checkHeaderNames(names []string) error {
	for i, n := range names {
		for j := range i {
			if n != "" && names[j] == n {
				return describe(ErrLayout, fmt.Sprintf("expected header repeats %q in columns %d and %d", n, j+1, i+1))
			}
		}
	}
	return nil
}

// checkHeader compares the header line with the expected header.
func (r *CSVReader) checkHeader(got []string) error {
	fail := func(i int, msg string) error {
		e := &Error{Name: r.opts.Name, Line: r.starts[0].line, Err: describe(ErrHeader, msg)}
		if i < len(r.starts) {
			e.Line, e.Column = r.starts[i].line, r.starts[i].col
			e.Value = got[i]
		}
		return e
	}
	if want := r.opts.Header; want != nil {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				return fail(i, fmt.Sprintf("header column %d is %s, expected %s", i+1, quote(got[i]), quote(want[i])))
			}
		}
		switch {
		case len(got) < len(want):
			return fail(len(got), fmt.Sprintf("header has %d columns, expected %d: %s is missing", len(got), len(want), quote(want[len(got)])))
		case len(got) > len(want):
			return fail(len(want), fmt.Sprintf("header column %d %s is not expected, the header has %d columns", len(want)+1, quote(got[len(want)]), len(want)))
		}
	}
	for i, n := range got {
		for j := range i {
			if n != "" && got[j] == n {
				return fail(i, fmt.Sprintf("header column %d %s repeats column %s", i+1, quote(n), strconv.Itoa(j+1)))
			}
		}
	}
	return nil
}
