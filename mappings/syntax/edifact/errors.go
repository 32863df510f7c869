package edifact

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Sentinel errors. Every error of this package wraps exactly one of them, so
// callers can test with errors.Is.
var (
	// ErrSegmentCount: UNT 0074 differs from the number of segments from
	// UNH to UNT inclusive.
	ErrSegmentCount = errors.New("segment count does not match")
	// ErrMessageCount: UNZ 0036 (or UNE 0060) differs from the number of
	// messages or groups sent.
	ErrMessageCount = errors.New("message count does not match")
	// ErrControlRef: a trailer's reference differs from its header's
	// (UNT/UNH, UNE/UNG, UNZ/UNB).
	ErrControlRef = errors.New("control reference does not match")
	// ErrUnterminated: the input ends inside a segment (no terminator).
	ErrUnterminated = errors.New("segment has no terminator")
	// ErrTruncated: the input ends, or a new envelope starts, before a
	// trailer (UNT, UNE, UNZ).
	ErrTruncated = errors.New("envelope is not closed")
	// ErrCharset: a character is outside the declared character set, or
	// the set is unknown.
	ErrCharset = errors.New("character is not in the character set")
	// ErrSyntax: the input is not EDIFACT (garbage, bad UNA, missing UNH,
	// a segment outside a message, a bad tag).
	ErrSyntax = errors.New("is not valid EDIFACT syntax")
	// ErrTooLarge: a segment or message exceeds a size limit.
	ErrTooLarge = errors.New("exceeds a size limit")
	// ErrRepresentation: a value is longer than its data element allows,
	// or not of its kind (digits for n, letters for a).
	ErrRepresentation = errors.New("value does not fit its data element")
)

// Error is a problem at a position in an EDIFACT interchange. Its text is
// one line, for example
//
//	coreor.edi:14: message DO134792 segment 14 UNT element 1 "21": segment count is 13
type Error struct {
	Name           string // file name, from ReaderOptions.Name
	InterchangeRef string // UNB 0020 of the interchange, if any
	MessageRef     string // UNH 0062 of the message, if any
	Segment        int    // 1-based segment number in the interchange; 0 if none
	Line           int    // 1-based line; 0 if unknown
	Tag            string // segment tag, e.g. "UNT"
	Element        int    // 1-based data element; 0 if none
	Component      int    // 1-based component; 0 if none
	Value          string // the value as received, clipped
	Err            error  // wraps one of the sentinels
	Fatal          bool   // reading cannot go on after this error
}

// Error renders the error on one line.
func (e *Error) Error() string {
	var b strings.Builder
	errtext.AppendPosition(&b, e.Name, e.Line, 0)
	var parts []string
	switch {
	case e.MessageRef != "":
		parts = append(parts, "message "+errtext.Safe(e.MessageRef))
	case e.InterchangeRef != "":
		parts = append(parts, "interchange "+errtext.Safe(e.InterchangeRef))
	}
	if e.Segment > 0 {
		parts = append(parts, "segment "+strconv.Itoa(e.Segment))
	}
	if e.Tag != "" {
		parts = append(parts, errtext.Safe(e.Tag))
	}
	if e.Element > 0 {
		parts = append(parts, "element "+strconv.Itoa(e.Element))
		if e.Component > 0 {
			parts = append(parts, "component "+strconv.Itoa(e.Component))
		}
	}
	if e.Value != "" || e.Element > 0 {
		parts = append(parts, errtext.Quote(e.Value))
	}
	b.WriteString(strings.Join(parts, " "))
	if len(parts) > 0 {
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the wrapped error, which wraps a sentinel.
func (e *Error) Unwrap() error { return e.Err }

// detail is an error text that wraps a sentinel without repeating it.
// code, when set, is the UN syntax error code (0085) of this very problem,
// more precise than its sentinel's (see SyntaxErrorCode).
type detail struct {
	sentinel error
	msg      string
	code     string
}

func (d *detail) Error() string { return d.msg }
func (d *detail) Unwrap() error { return d.sentinel }

// wrapf returns an error reading format that wraps sentinel.
func wrapf(sentinel error, format string, args ...any) error {
	return &detail{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// wrapc is wrapf with the UN syntax error code of the problem.
func wrapc(sentinel error, code, format string, args ...any) error {
	return &detail{sentinel: sentinel, msg: fmt.Sprintf(format, args...), code: code}
}

// clip bounds a value or reference kept in an Error; errtext.Quote renders
// it the same whether clipped or not.
func clip(s string) string { return errtext.Clip(s, errtext.MaxValue) }

// clipBytes is clip for raw input; it copies no more of b than it keeps, and
// keeps invalid UTF-8 so the quoted value shows the bytes as received.
func clipBytes(b []byte) string { return clip(string(b[:min(len(b), errtext.MaxValue+1)])) }
