package flat

import (
	"errors"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Sentinel errors. Every error of this package wraps one of them, so callers
// can test with errors.Is.
var (
	// ErrRaggedRow reports a CSV record whose field count differs from the
	// header's (or, without a header, from the first record's).
	ErrRaggedRow = errors.New("record has the wrong number of fields")
	// ErrUnclosedQuote reports a quoted CSV field still open at the end of
	// the input. The rest of the input cannot be read.
	ErrUnclosedQuote = errors.New("quoted field is not closed")
	// ErrQuote reports a quote where none may be: a bare quote inside an
	// unquoted field, text after a closing quote, or a value the writer
	// would have to quote while quoting is off.
	ErrQuote = errors.New("has a misplaced quote")
	// ErrHeader reports a CSV header that differs from the expected one.
	ErrHeader = errors.New("header is not the expected one")
	// ErrTooLarge reports input over a size limit: the whole input, a line,
	// or the number of fields in a record.
	ErrTooLarge = errors.New("is too large")
	// ErrFieldTooLong reports a field longer than its limit: MaxFieldBytes
	// when reading CSV, the field's Length when writing fixed-width records.
	ErrFieldTooLong = errors.New("field is too long")
	// ErrShortRecord reports a fixed-width record shorter than its layout.
	ErrShortRecord = errors.New("record is too short")
	// ErrLongRecord reports a fixed-width record longer than its layout's
	// RecordLength.
	ErrLongRecord = errors.New("record is too long")
	// ErrUnknownRecordType reports a fixed-width record whose type field
	// names no layout.
	ErrUnknownRecordType = errors.New("record type is unknown")
	// ErrUnknownField reports a value for a field the layout does not have.
	ErrUnknownField = errors.New("field is unknown")
	// ErrEncoding reports text that is not valid in the input's encoding,
	// or a character the output's encoding cannot carry.
	ErrEncoding = errors.New("is not valid in the encoding")
	// ErrControlChar reports a control character in a value: NUL in CSV;
	// any C0 control other than TAB in fixed-width records.
	ErrControlChar = errors.New("contains a control character")
	// ErrLayout reports an invalid fixed-width layout or invalid options.
	ErrLayout = errors.New("is not a valid layout")
)

// Error is a problem at one place of a flat file. It renders as one line,
// for example:
//
//	partner.csv:7: record has 4 fields, header has 5
type Error struct {
	// Name names the input (a file name or message id); may be empty.
	Name string
	// Line is the 1-based line; 0 when the problem has no position.
	Line int
	// Column is the 1-based character position in the line; 0 when the
	// problem concerns the whole line.
	Column int
	// Field names the field concerned, when known.
	Field string
	// Value is the offending text as received, clipped.
	Value string
	// Err describes the problem and wraps one of the sentinel errors.
	Err error
}

// Error renders the problem on one line.
func (e *Error) Error() string {
	var b strings.Builder
	errtext.AppendPosition(&b, e.Name, e.Line, e.Column)
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, which wraps a sentinel.
func (e *Error) Unwrap() error { return e.Err }

// detail is an error worded for the user that still wraps its sentinel.
type detail struct {
	msg string
	err error
}

func (d *detail) Error() string { return d.msg }
func (d *detail) Unwrap() error { return d.err }

func describe(sentinel error, msg string) error { return &detail{msg: msg, err: sentinel} }

// clip bounds a value kept in an Error; errtext.Quote renders it the same
// whether clipped or not.
func clip(s string) string { return errtext.Clip(s, errtext.MaxValue) }

// quote renders a received value for a message: clipped and quoted.
func quote(s string) string { return errtext.Quote(s) }

// fieldLabel names a field for a message: its name, or its position.
func fieldLabel(names []string, i int) string {
	if i < len(names) && names[i] != "" {
		return "field " + errtext.Quote(names[i])
	}
	return "field " + strconv.Itoa(i+1)
}
