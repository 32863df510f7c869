package mappings

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinels of the mapping engine. Every error a mapping reports wraps one,
// so callers and tests can use errors.Is.
var (
	ErrRequired       = errors.New("is required but missing")
	ErrNoCode         = errors.New("is not in the code list")
	ErrConvert        = errors.New("cannot be read")
	ErrNoProfile      = errors.New("no profile matches")
	ErrUnknownProfile = errors.New("is not a known profile")
	ErrCannotCarry    = errors.New("cannot be carried by the target profile")
	ErrDirection      = errors.New("profile cannot be used in this direction")
	ErrExpr           = errors.New("expression failed")
	ErrInput          = errors.New("input rejected")
	ErrCheck          = errors.New("fails the message check")
)

// Error is one problem with one message, addressed as precisely as the input
// allows. It renders as one line:
//
//	coreor.edi:14: EQD C237.8260 "CSQU3054381" has a wrong ISO 6346 check digit: got 1, expected 3
type Error struct {
	File    string // input name
	Line    int    // 1-based line; for one-line EDIFACT the segment number
	Message string // message reference (UNH 0062) or document id, when known
	Segment string // EDIFACT tag, JSON path, XPath or Cargo-IMP line tag
	Field   string // element / field name, e.g. C237.8260, or the canonical path
	Value   string // as received, clipped, secrets masked
	Err     error  // wraps a sentinel
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Message != "" {
		b.WriteString("message ")
		b.WriteString(e.Message)
		b.WriteString(": ")
	}
	if e.Segment != "" {
		b.WriteString(e.Segment)
		b.WriteByte(' ')
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteByte(' ')
	}
	if e.Value != "" {
		b.WriteString(strconv.Quote(clip(e.Value)))
		b.WriteByte(' ')
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return strings.TrimSpace(b.String())
}

func (e *Error) Unwrap() error { return e.Err }

func clip(s string) string {
	if len(s) <= 48 {
		return s
	}
	r := []rune(s)
	if len(r) <= 48 {
		return s
	}
	return string(r[:45]) + "..."
}

// Lines splits a (joined) error into its one-line messages, the way the CLI
// prints them.
func Lines(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		for _, l := range strings.Split(err.Error(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	walk(err)
	return out
}
