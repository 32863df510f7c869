package edifact

import (
	"errors"
	"io"
)

// Report is what a syntax check found in one interchange, as a CONTRL
// tells its sender: the first problem of the envelope and the first
// problem of each message.
type Report struct {
	// Interchange is what its UNB says; with an unknown character set,
	// its values as received.
	Interchange *Interchange
	// Err is the first problem outside the messages (UNB, UNZ, a group, a
	// segment outside a message, input that ends early); nil when none.
	Err *Error
	// Messages are the messages begun, in order.
	Messages []MessageReport
}

// MessageReport is what a syntax check found in one message.
type MessageReport struct {
	Ref string    // UNH 0062
	ID  MessageID // UNH S009
	// Err is the message's first problem by position; nil when the
	// message was read without one.
	Err *Error
	// Pos is the position of Err's segment in the message, UNH being 1
	// (as CONTRL UCS 0096 counts); 0 when the problem has no segment.
	Pos int
}

// Rejected reports whether the interchange is rejected as a whole: its
// envelope has a problem, or none of its messages was read without one.
// An interchange without messages is accepted.
func (r *Report) Rejected() bool {
	if r.Err != nil {
		return true
	}
	for _, m := range r.Messages {
		if m.Err == nil {
			return false
		}
	}
	return len(r.Messages) > 0
}

// Check reads every interchange of in, as a Reader with opts does, and
// reports each one. Input before the first UNB (bare messages, garbage)
// has no report: no envelope names a sender to answer.
func Check(in io.Reader, opts ReaderOptions) []*Report {
	c := checker{rd: NewReader(in, opts)}
	_, err := c.rd.Interchange()
	c.note(nil, c.rd.begun, err)
	for {
		before := c.rd.begun
		m, err := c.rd.Next()
		if err == io.EOF {
			return c.out
		}
		c.note(m, before, err)
	}
}

// checker builds the reports of Check.
type checker struct {
	rd  *Reader
	out []*Report
}

// note files what one call of the reader returned: a message (or a
// problem of one) when it began a message, else envelope problems.
func (c *checker) note(m *Message, begunBefore int, err error) {
	rd := c.rd
	if rd.ic == nil {
		return
	}
	if len(c.out) == 0 || c.out[len(c.out)-1].Interchange != rd.ic {
		c.out = append(c.out, &Report{Interchange: rd.ic})
	}
	rep := c.out[len(c.out)-1]
	first := firstError(err)
	if rd.begun == begunBefore {
		if rep.Err == nil {
			rep.Err = first
		}
		return
	}
	mr := MessageReport{Err: first}
	if m != nil {
		mr.Ref, mr.ID = m.Ref, m.ID
	} else {
		// A message refused before it was whole (a character outside
		// the set, input that ends early): its UNH as received.
		mr.Ref = rd.msg.value(0, 1, 1)
		mr.ID = MessageID{Type: rd.msg.value(0, 2, 1), Version: rd.msg.value(0, 2, 2), Release: rd.msg.value(0, 2, 3),
			Agency: rd.msg.value(0, 2, 4), Assoc: rd.msg.value(0, 2, 5)}
	}
	if first != nil && first.Segment >= rd.unhPos {
		mr.Pos = first.Segment - rd.unhPos + 1
	}
	rep.Messages = append(rep.Messages, mr)
}

// firstError is the problem of err (an *Error or errors.Join of them) that
// comes first in the input: by segment, element and component, problems
// without a segment last. Nil when err is nil.
func firstError(err error) *Error {
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var first *Error
	for _, x := range errs {
		var e *Error
		if !errors.As(x, &e) {
			e = &Error{Err: x}
		}
		if first == nil || before(e, first) {
			first = e
		}
	}
	return first
}

// before reports whether a is at an earlier position than b.
func before(a, b *Error) bool {
	switch {
	case a.Segment == 0 || b.Segment == 0:
		return a.Segment != 0 && b.Segment == 0
	case a.Segment != b.Segment:
		return a.Segment < b.Segment
	case a.Element != b.Element:
		return a.Element < b.Element
	}
	return a.Component < b.Component
}
