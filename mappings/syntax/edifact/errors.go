package edifact

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nexport/pcsgate/mappings/internal/msgtext"
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
	name := safe(e.Name)
	switch {
	case name != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", name, e.Line)
	case name != "":
		b.WriteString(name + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	var parts []string
	switch {
	case e.MessageRef != "":
		parts = append(parts, "message "+safe(e.MessageRef))
	case e.InterchangeRef != "":
		parts = append(parts, "interchange "+safe(e.InterchangeRef))
	}
	if e.Segment > 0 {
		parts = append(parts, "segment "+strconv.Itoa(e.Segment))
	}
	if e.Tag != "" {
		parts = append(parts, safe(e.Tag))
	}
	if e.Element > 0 {
		parts = append(parts, "element "+strconv.Itoa(e.Element))
		if e.Component > 0 {
			parts = append(parts, "component "+strconv.Itoa(e.Component))
		}
	}
	if e.Value != "" || e.Element > 0 {
		parts = append(parts, strconv.Quote(e.Value))
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

// safe returns s as is when it is printable and has no spaces or quotes,
// else quoted, so a reference or name cannot break the line.
func safe(s string) string {
	for _, r := range s {
		if r <= ' ' || r == '"' || r == 0x7F || r == utf8.RuneError || !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// detail is an error text that wraps a sentinel without repeating it.
type detail struct {
	sentinel error
	msg      string
}

func (d *detail) Error() string { return d.msg }
func (d *detail) Unwrap() error { return d.sentinel }

// wrapf returns an error reading format that wraps sentinel.
func wrapf(sentinel error, format string, args ...any) error {
	return &detail{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

// maxValue is how many characters of a value an error quotes.
const maxValue = 40

// clip shortens s to maxValue characters, marking the cut with "…".
func clip(s string) string { return msgtext.Clip(s, maxValue, "…") }

// clipBytes clips raw input for an error; invalid UTF-8 is kept so the
// quoted value shows the bytes as received.
func clipBytes(b []byte) string {
	if len(b) > 4*maxValue {
		b = b[:4*maxValue]
	}
	s := string(b)
	if utf8.ValidString(s) {
		return clip(s)
	}
	if len(s) > maxValue {
		return s[:maxValue] + "…"
	}
	return s
}
