package json

import (
	"errors"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers can test with errors.Is.
var (
	// ErrSyntax reports input that is not valid JSON (RFC 8259).
	ErrSyntax = errors.New("is not valid JSON")
	// ErrTooLarge reports a document larger than DecodeOptions.MaxBytes.
	ErrTooLarge = errors.New("is too large")
	// ErrTooDeep reports arrays and objects nested deeper than
	// DecodeOptions.MaxDepth.
	ErrTooDeep = errors.New("is nested too deeply")
	// ErrDuplicateKey reports an object that names the same key twice. Such
	// documents are rejected because different consumers pick different
	// copies, a classic way to smuggle a value past a check.
	ErrDuplicateKey = errors.New("is a duplicate key")
	// ErrUnsupported reports a value that cannot be written as JSON: NaN or
	// infinite numbers, invalid UTF-8, a malformed Number, cyclic data.
	ErrUnsupported = errors.New("cannot be written as JSON")
	// ErrPath reports a path expression that does not compile.
	ErrPath = errors.New("is not a valid path")
	// ErrOptions reports invalid DecodeOptions.
	ErrOptions = errors.New("is not a valid option")
)

// Error is a problem with one place in a JSON document. It renders as one
// line, for example:
//
//	notify.json:3:17: /data/parties/0: duplicate key "role"
type Error struct {
	// Name names the input (a file name or message id); may be empty.
	Name string
	// Line and Column are 1-based; Column counts characters, not bytes.
	// Both are 0 when the problem has no position (a document too large).
	Line, Column int
	// Pointer is the JSON pointer (RFC 6901) of the value concerned, when
	// known; "" for the document root.
	Pointer string
	// Value is the offending text as received, clipped.
	Value string
	// Err describes the problem and wraps one of the sentinel errors.
	Err error
}

// Error renders the problem on one line: position, pointer, description.
func (e *Error) Error() string {
	var b strings.Builder
	errtext.AppendPosition(&b, e.Name, e.Line, e.Column)
	if e.Pointer != "" {
		b.WriteString(errtext.Safe(e.Pointer))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, which wraps a sentinel.
func (e *Error) Unwrap() error { return e.Err }

// detail is an error whose text is written for the user while errors.Is still
// finds the sentinel it carries.
type detail struct {
	msg string
	err error
}

func (d *detail) Error() string { return d.msg }
func (d *detail) Unwrap() error { return d.err }

func describe(sentinel error, msg string) error { return &detail{msg: msg, err: sentinel} }

// quote renders a received value for an error message: clipped and quoted.
func quote(s string) string { return errtext.Quote(s) }

// quoteBytes is quote for raw input; it copies no more of b than it shows.
func quoteBytes(b []byte) string {
	return errtext.Quote(string(b[:min(len(b), errtext.MaxValue+1)]))
}
