package flat

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CSVWriter writes records to a delimited file. It quotes a value only when
// it must: when the value holds the delimiter, the quote, a line break or
// leading or trailing white space, when it is the only, empty value of its
// record, or when it could be taken for a comment or a byte order mark.
// Without quoting (NoQuote), such values are refused with ErrQuote, except
// for leading and trailing spaces, which are only refused with TrimSpace.
// Quotes inside are doubled. Values with NUL, invalid UTF-8 or characters
// the encoding cannot carry are refused, and so is a record whose field count
// differs from the header's: a CSVWriter never writes a file its CSVReader
// would read differently, except for the prefix of formula-like cells.
//
// Unless CSVOptions.AllowFormulas is set, a cell that a spreadsheet program
// would run as a formula is neutralised (see formulaLike): it gets a single
// quote before it and is quoted, so "=HYPERLINK(...)" is written as
// "'=HYPERLINK(...)" and read back so.
//
// Output is buffered; call Flush at the end.
type CSVWriter struct {
	w       *bufio.Writer
	opts    CSVOptions
	enc     encoding
	err     error // invalid options or a write error; sticky
	line    int   // lines written
	want    int   // field count of every record; 0 until known
	names   []string
	header  bool // the header was written
	delim   []byte
	quote   string // encoded quote, "" without quoting
	scratch []byte
}

// NewCSVWriter returns a writer to w. Invalid options are reported by the
// first write.
func NewCSVWriter(w io.Writer, opts CSVOptions) *CSVWriter {
	opts.setDefaults()
	if opts.NoQuote {
		opts.Quote = 0
	}
	enc, _ := parseEncoding(opts.Encoding)
	cw := &CSVWriter{w: bufio.NewWriter(w), opts: opts, enc: enc, names: opts.Header, want: len(opts.Header)}
	if err := opts.Validate(); err != nil {
		cw.err = &Error{Name: opts.Name, Err: err}
	}
	cw.delim = appendEncoded(nil, string(opts.Delimiter), enc)
	if opts.Quote != 0 {
		cw.quote = string(appendEncoded(nil, string(opts.Quote), enc))
	}
	return cw
}

// WriteHeader writes the header line: names, or CSVOptions.Header when
// names is nil. Later records must have as many fields.
func (w *CSVWriter) WriteHeader(names []string) error {
	if names == nil {
		names = w.opts.Header
	}
	if w.header || w.line > 0 {
		return &Error{Name: w.opts.Name, Line: w.line + 1, Err: describe(ErrHeader, "header must be the first line")}
	}
	if err := checkHeaderNames(names); err != nil {
		return &Error{Name: w.opts.Name, Line: 1, Err: describe(ErrHeader, strings.Replace(err.Error(), "expected header", "header", 1))}
	}
	w.names, w.want = names, len(names)
	if err := w.write(names); err != nil {
		return err
	}
	w.header = true
	return nil
}

// Write writes one record.
func (w *CSVWriter) Write(values []string) error {
	if w.want == 0 {
		w.want = len(values)
	}
	if len(values) != w.want {
		against := "header has"
		if w.names == nil {
			against = "the first record has"
		}
		return &Error{Name: w.opts.Name, Line: w.line + 1,
			Err: describe(ErrRaggedRow, fmt.Sprintf("record has %d fields, %s %d", len(values), against, w.want))}
	}
	return w.write(values)
}

// Flush writes buffered output to the underlying writer.
func (w *CSVWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = err
	}
	return w.err
}

func (w *CSVWriter) write(values []string) error {
	if w.err != nil {
		return w.err
	}
	if len(values) == 0 {
		return &Error{Name: w.opts.Name, Line: w.line + 1, Err: describe(ErrRaggedRow, "record has no fields")}
	}
	b := w.scratch[:0]
	lines := 1
	for i, v := range values {
		neutralise := !w.opts.AllowFormulas && formulaLike(v)
		if neutralise {
			v = "'" + v
		}
		if err := w.check(i, v); err != nil {
			return err
		}
		if i > 0 {
			b = append(b, w.delim...)
		}
		if !(neutralise && w.opts.Quote != 0) && !w.needsQuote(v, i, len(values)) {
			b = appendEncoded(b, v, w.enc)
			continue
		}
		if w.opts.Quote == 0 {
			return &Error{Name: w.opts.Name, Line: w.line + 1, Field: w.name(i), Value: clip(v),
				Err: describe(ErrQuote, fmt.Sprintf("%s %s needs quoting, but quoting is off", fieldLabel(w.names, i), quote(v)))}
		}
		lines += strings.Count(v, "\n")
		b = append(b, w.quote...)
		b = appendQuoted(b, v, w.opts.Quote, w.enc)
		b = append(b, w.quote...)
	}
	if w.opts.CRLF {
		b = append(b, '\r')
	}
	b = append(b, '\n')
	w.scratch = b
	if _, err := w.w.Write(b); err != nil {
		w.err = err
		return err
	}
	w.line += lines
	return nil
}

func (w *CSVWriter) name(i int) string {
	if i < len(w.names) {
		return w.names[i]
	}
	return ""
}

// check refuses values the file cannot carry.
func (w *CSVWriter) check(i int, v string) error {
	fail := func(err error) error {
		return &Error{Name: w.opts.Name, Line: w.line + 1, Field: w.name(i), Value: clip(v),
			Err: describe(err, fmt.Sprintf("%s %s: %v", fieldLabel(w.names, i), quote(v), err))}
	}
	if strings.IndexByte(v, 0) >= 0 {
		return fail(describe(ErrControlChar, "NUL cannot be written"))
	}
	if _, err := encodeErr(v, w.enc); err != nil {
		return fail(err)
	}
	if len(v) > w.opts.MaxFieldBytes {
		return fail(describe(ErrFieldTooLong, fmt.Sprintf("longer than %d bytes", w.opts.MaxFieldBytes)))
	}
	return nil
}

// needsQuote reports whether the value at index i of n must be quoted for
// the reader to read it back unchanged.
func (w *CSVWriter) needsQuote(v string, i, n int) bool {
	if v == "" {
		return n == 1 // a lone empty value would be a blank line, which is skipped
	}
	if strings.ContainsRune(v, w.opts.Delimiter) || strings.ContainsAny(v, "\r\n") ||
		(w.opts.Quote != 0 && strings.ContainsRune(v, w.opts.Quote)) {
		return true
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	if (unicode.IsSpace(first) || unicode.IsSpace(last)) && (w.opts.Quote != 0 || w.opts.TrimSpace) {
		// Quoting keeps the spaces from any reader; without quoting they
		// are only lost to a reader that trims.
		return true
	}
	if i == 0 && (w.opts.Comment != 0 && first == w.opts.Comment || w.line == 0 && first == '\uFEFF') {
		return true
	}
	return false
}

// appendQuoted appends v in enc with every quote doubled.
func appendQuoted(b []byte, v string, q rune, enc encoding) []byte {
	for {
		i := strings.IndexRune(v, q)
		if i < 0 {
			return appendEncoded(b, v, enc)
		}
		size := utf8.RuneLen(q)
		b = appendEncoded(b, v[:i+size], enc)
		b = appendEncoded(b, v[i:i+size], enc)
		v = v[i+size:]
	}
}

// formulaLike reports whether a spreadsheet program could take v for a
// formula: it starts with one of the characters OWASP's CSV injection
// guidance lists ('=', '+', '-', '@', tab, carriage return) and is not a
// plain number.
//
// A plain number (an optional sign, digits with at most one '.' or ','
// between them, no exponent) is left alone: a spreadsheet reads it as that
// number, never as a formula that calls something, so "-12.5" stays a
// number in a numeric column instead of becoming the text "'-12.5". OWASP
// prefixes these too; we do not, because the risk is a function call or a
// reference, and a number has neither.
func formulaLike(v string) bool {
	if v == "" {
		return false
	}
	switch v[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !plainNumber(v[1:])
	}
	return false
}

// plainNumber reports whether s is digits with at most one '.' or ','
// between or before them: "12", "12.5", "0,75", ".5".
func plainNumber(s string) bool {
	digits, sep := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case (c == '.' || c == ',') && !sep && i < len(s)-1:
			sep = true
		default:
			return false
		}
	}
	return digits > 0
}
