package cargoimp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Sentinel errors, phrased as predicates about the value in *Error.
var (
	// ErrAWBCheckDigit reports an AWB whose last digit is not its serial
	// number modulo 7.
	ErrAWBCheckDigit = errors.New("has a wrong check digit")
	// ErrStatusCode reports a status line led by a code this package does
	// not know.
	ErrStatusCode = errors.New("is not a known FSU status code")
	// ErrTruncated reports a required line or field that is missing, for
	// example a consignment line cut short.
	ErrTruncated = errors.New("is missing")
	// ErrSyntax reports a field or line that does not have the form
	// Cargo-IMP requires.
	ErrSyntax = errors.New("is not valid Cargo-IMP")
	// ErrTooLarge reports input longer than Options.MaxBytes.
	ErrTooLarge = errors.New("is too large")
	// ErrDate reports a day and month that ResolveDate cannot place within
	// six months of the reference time.
	ErrDate = errors.New("cannot be placed within six months of the reference date")
)

// Error is one problem in a Cargo-IMP message. It renders as one line:
//
//	fsu.txt:2: AWB "020-12345670" has a wrong check digit: got 0, expected 5
type Error struct {
	Name  string // input name from Options.Name; may be empty
	Line  int    // 1-based line; 0 when unknown
	Field string // e.g. "AWB", "RCS date/time", "status code"
	Value string // the value as received; clipped when rendered
	Err   error  // wraps one of the sentinels
}

// Error renders the problem on one line.
func (e *Error) Error() string {
	var b strings.Builder
	errtext.AppendPosition(&b, e.Name, e.Line, 0)
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteByte(' ')
		if e.Value != "" {
			b.WriteString(errtext.Quote(e.Value))
			b.WriteByte(' ')
		}
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the wrapped sentinel error.
func (e *Error) Unwrap() error { return e.Err }

// detail wraps sentinel with an explanation.
func detail(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
