package flat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/nexport/pcsgate/mappings/internal/printable"
)

// FixedReader reads fixed-width records, one per line.
//
// A record with a problem of its own (too short, too long, an unknown
// record type, bad text) yields an *Error and reading continues with the
// next line. Invalid options, the size limit and read errors end reading:
// every later call returns the same error.
type FixedReader struct {
	opts   FixedOptions
	schema *fixedSchema
	lr     lineReader
	err    error    // sticky
	offs   []int    // byte offset of each character of the current line
	values []string // the values of the last record of each layout, with ReuseRecord
}

// recordValues returns a slice for the values of a record of kind: a new
// one, or with ReuseRecord the one of the last record of that kind.
func (r *FixedReader) recordValues(kind *fixedKind) []string {
	n := len(kind.slots)
	if !r.opts.ReuseRecord {
		return make([]string, n)
	}
	if r.values == nil {
		r.values = make([]string, r.schema.slots)
	}
	return r.values[kind.off : kind.off+n : kind.off+n]
}

// NewFixedReader returns a reader of r. Invalid options are reported by the
// first call to Next.
func NewFixedReader(r io.Reader, opts FixedOptions) *FixedReader {
	s, err := opts.Compile()
	if err != nil {
		return &FixedReader{opts: opts, err: &Error{Name: opts.Name, Err: err}}
	}
	return s.NewReader(r, opts.Name)
}

// FixedSchema is FixedOptions checked and compiled once, to read many
// files with the same layouts without compiling them for each.
type FixedSchema struct {
	opts   FixedOptions
	schema *fixedSchema
}

// Compile checks the options, as Validate does, and compiles them.
func (o FixedOptions) Compile() (*FixedSchema, error) {
	schema, err := o.compile()
	if err != nil {
		return nil, err
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return &FixedSchema{opts: o, schema: schema}, nil
}

// Clear lets go of the input and of the values of the records read, and
// keeps the buffers for ResetReader.
func (r *FixedReader) Clear() {
	clear(r.values)
	values, offs := r.values, r.offs[:0]
	*r = FixedReader{values: values, offs: offs, schema: r.schema}
}

// NewReader returns a reader of r with the schema's options; name names
// the input in errors, in place of FixedOptions.Name.
func (s *FixedSchema) NewReader(r io.Reader, name string) *FixedReader {
	fr := &FixedReader{}
	s.ResetReader(fr, r, name)
	return fr
}

// ResetReader makes fr a reader of r with the schema's options, as
// NewReader does, keeping the buffers it has, for a caller that reads many
// small files one after the other. Records fr returned before are not
// changed, but with ReuseRecord their Values slices are the ones it fills
// again.
func (s *FixedSchema) ResetReader(fr *FixedReader, r io.Reader, name string) {
	values, offs := fr.values, fr.offs[:0]
	if fr.schema != s.schema {
		values = nil
	}
	*fr = FixedReader{opts: s.opts, schema: s.schema, values: values, offs: offs}
	fr.opts.Name = name
	fr.lr = newLineReader(r, fr.opts.MaxBytes, s.schema.enc)
}

// Next returns the next record, or io.EOF after the last one. Values are
// trimmed of their padding.
func (r *FixedReader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	var line []byte
	var text string
	for {
		l, err := r.lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Record{}, io.EOF
			}
			r.err = &Error{Name: r.opts.Name, Line: r.lr.line + 1, Err: err}
			return Record{}, r.err
		}
		if len(l) > maxFixedLine {
			r.err = &Error{Name: r.opts.Name, Line: r.lr.line, Err: describe(ErrTooLarge, fmt.Sprintf("line is longer than %d bytes", maxFixedLine))}
			return Record{}, r.err
		}
		line = trimEOL(l)
		text = r.lr.text(l)[:len(line)] // also of a skipped line, to keep to the chunk
		if r.opts.SkipBlank && isBlank(line) {
			continue
		}
		break
	}
	rec, err := r.parse(line, text)
	if err != nil {
		return Record{Line: r.lr.line}, err
	}
	return rec, nil
}

// label names the layout in messages: ` "D1"`, or nothing for the only
// layout of a file with one.
func (k *fixedKind) label() string {
	if k.key == "" {
		return ""
	}
	return fmt.Sprintf(" %q", k.key)
}

// bom is the UTF-8 byte order mark.
var bom = []byte("\xEF\xBB\xBF")

func isBlank[T string | []byte](b T) bool {
	for i := range len(b) {
		if b[i] != ' ' {
			return false
		}
	}
	return true
}

func (r *FixedReader) fail(col int, field, value string, err error) *Error {
	return &Error{Name: r.opts.Name, Line: r.lr.line, Column: col, Field: field, Value: clip(value), Err: err}
}

// checkLine refuses a line that is not UTF-8 text (in a UTF-8 file), holds
// a control character or a byte order mark, and reports whether it is
// plain ASCII, one byte per character. A line of ASCII without control
// characters, the usual one, is settled in one pass.
func (r *FixedReader) checkLine(line []byte) (ascii bool, err error) {
	if printable.ASCII(line) {
		return true, nil
	}
	ascii, ctl := true, -1
	for j, c := range line {
		if c >= 0x80 {
			ascii = false
			break
		}
		if (c < 0x20 && c != '\t' || c == 0x7F) && ctl < 0 {
			ctl = j
		}
	}
	if ascii && ctl < 0 {
		return true, nil
	}
	if r.schema.enc == encUTF8 {
		if j := invalidUTF8(line); j >= 0 {
			return false, r.fail(1+utf8.RuneCount(line[:j]), "", "", describe(ErrEncoding,
				fmt.Sprintf("byte 0x%02X is not UTF-8 text (is the file ISO 8859-1?)", line[j])))
		}
	}
	for j, c := range line {
		if c < 0x20 && c != '\t' || c == 0x7F {
			return false, r.fail(1+utf8.RuneCount(line[:j]), "", "", describe(ErrControlChar,
				fmt.Sprintf("record contains control character %q", c)))
		}
	}
	if j := bytes.Index(line, bom); j >= 0 {
		return false, r.fail(1+utf8.RuneCount(line[:j]), "", "", describe(ErrEncoding,
			"record contains U+FEFF, a byte order mark, which has no place inside a file"))
	}
	return ascii || utf8.RuneCount(line) == len(line), nil
}

// parse splits one line (without its terminator), also given as text,
// into a record.
func (r *FixedReader) parse(line []byte, text string) (Record, error) {
	ascii, err := r.checkLine(line)
	if err != nil {
		return Record{}, err
	}
	r.offs = r.offs[:0]
	n := len(text)
	if !ascii {
		for i := range text {
			r.offs = append(r.offs, i)
		}
		n = len(r.offs)
	}
	// at returns the text of characters [from, to); what lies beyond the
	// end of a short record reads as padding, so it is left out.
	at := func(from, to int) string {
		switch {
		case from >= n:
			return ""
		case ascii:
			return text[from:min(to, n)]
		case to >= n:
			return text[r.offs[from]:]
		default:
			return text[r.offs[from]:r.offs[to]]
		}
	}

	kind := r.schema.single
	if kind == nil {
		ts := &r.schema.typeSlot
		if n < ts.start+ts.width && !r.opts.PadShort {
			return Record{}, r.fail(0, "", "", describe(ErrShortRecord,
				fmt.Sprintf("record is %d characters, the record type needs %d", n, ts.start+ts.width)))
		}
		typ := ts.trim(at(ts.start, ts.start+ts.width))
		if kind = r.schema.kinds[typ]; kind == nil {
			return Record{}, r.fail(ts.start+1, ts.name, typ, describe(ErrUnknownRecordType,
				fmt.Sprintf("record type %s is not one of %s", quote(typ), r.schema.types)))
		}
	}
	switch {
	case n < kind.need && !r.opts.PadShort:
		return Record{}, r.fail(0, "", "", describe(ErrShortRecord,
			fmt.Sprintf("record is %d characters, layout%s needs %d", n, kind.label(), kind.need)))
	case kind.exact && n > kind.need:
		return Record{}, r.fail(kind.need+1, "", "", describe(ErrLongRecord,
			fmt.Sprintf("record is %d characters, layout%s has %d", n, kind.label(), kind.need)))
	}
	values := r.recordValues(kind)
	for i := range kind.slots {
		sl := &kind.slots[i]
		values[i] = sl.trim(at(sl.start, sl.start+sl.width))
	}
	return Record{Line: r.lr.line, Type: kind.key, Names: kind.names, Values: values}, nil
}
