package engine

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
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
	Column  int    // 1-based column (JSON inputs), 0 when unknown
	Message string // message reference (UNH 0062) or document id, when known
	Event   string // the event concerned (encode), e.g. "container CSQU3054383"
	Segment string // EDIFACT tag, JSON path, XPath or Cargo-IMP line tag
	Field   string // element / field name, e.g. C237.8260, or the canonical path
	Value   string // as received, clipped; empty when Secret
	Err     error  // wraps a sentinel
	// Secret: the problem is about the value of a secret field, or its
	// value held a secret. Value is then left empty, and the line names
	// the field and ends "(value not shown: secret)".
	Secret bool

	// elem and targets are Field's parts in decode: the element read and
	// the canonical paths it fills, so one bad value read by two fields is
	// reported once, naming both.
	elem    string
	targets []string
}

// dedupe drops repeated problems of one message: the same value at the
// same place failing the same way is one line, naming every field that
// read it. Other errors pass unchanged, in their order.
func dedupe(errs []error) []error {
	seen := map[string]*Error{}
	out := errs[:0:0]
	var flat []error
	for _, err := range errs {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			flat = append(flat, j.Unwrap()...)
			continue
		}
		flat = append(flat, err)
	}
	for _, err := range flat {
		e, ok := err.(*Error)
		if !ok || len(e.targets) == 0 {
			out = append(out, err)
			continue
		}
		key := e.File + "\x00" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + "\x00" + e.Message + "\x00" +
			e.Segment + "\x00" + e.elem + "\x00" + e.Value + "\x00" + errText(e.Err)
		if first, dup := seen[key]; dup {
			for _, t := range e.targets {
				if !slices.Contains(first.targets, t) {
					first.targets = append(first.targets, t)
				}
			}
			first.Field = fieldLabel(first.elem, first.Segment, first.targets)
			continue
		}
		seen[key] = e
		out = append(out, err)
	}
	return out
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// fieldLabel renders an element and the canonical paths it fills:
// "C507 (gate.at, occurredAt)"; without an element, the paths alone (in
// parentheses when a segment or JSON path names the place).
func fieldLabel(elem, segment string, targets []string) string {
	t := strings.Join(targets, ", ")
	switch {
	case t == "":
		return elem
	case elem != "":
		return elem + " (" + t + ")"
	case segment != "":
		return "(" + t + ")"
	}
	return t
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		errtext.AppendPosition(&b, e.File, e.Line, e.Column)
	}
	if e.Message != "" || e.Event != "" {
		if e.Message != "" {
			b.WriteString("message ")
			b.WriteString(e.Message)
		}
		if e.Event != "" {
			if e.Message != "" {
				b.WriteByte(' ')
			}
			b.WriteString(e.Event)
		}
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
	if e.Value != "" && !e.Secret {
		b.WriteString(errtext.Quote(e.Value))
		b.WriteByte(' ')
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Secret {
		b.WriteString(" " + secretNote)
	}
	// One problem, one line: a wrapped error from elsewhere may not know.
	return errtext.OneLine(b.String())
}

func (e *Error) Unwrap() error { return e.Err }

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
