package edifact

import (
	"errors"
	"io"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// readMessage reads one message from its UNH to its UNT.
func (r *Reader) readMessage(unh raw) (*Message, error) {
	r.index++
	r.begun++
	if r.group != nil {
		r.group.count++
	}
	r.pos++
	r.unhPos = r.pos
	b := &r.msg
	b.reset(r.cs, r.cls)
	b.add(unh.data, r.pos, unh.line)
	for {
		seg, err := r.src.next(&r.d)
		if err != nil {
			if errors.Is(err, io.EOF) && !seg.una {
				return nil, r.fatal(&Error{MessageRef: r.msgRef(), Line: seg.line, Err: wrapf(ErrTruncated, "input ends before UNT")})
			}
			e := r.rawError(seg, err)
			e.MessageRef = r.msgRef()
			return nil, r.fatal(e)
		}
		if seg.una {
			r.src.unread()
			return nil, r.msgTruncated(r.msgRef(), seg, "UNA")
		}
		if !r.validTag(seg.data) {
			e := r.at(seg, "", wrapf(ErrSyntax, "expected a segment tag of three letters or digits"), clipBytes(seg.data))
			e.MessageRef = r.msgRef()
			return nil, r.fatal(e)
		}
		switch string(seg.data[:3]) {
		case "UNH", "UNB", "UNG", "UNE", "UNZ":
			r.src.unread()
			return nil, r.msgTruncated(r.msgRef(), seg, string(seg.data[:3]))
		}
		if len(b.segs) >= r.opts.MaxMessageSegments {
			e := r.at(seg, string(seg.data[:3]), wrapf(ErrTooLarge, "message has more than %d segments", r.opts.MaxMessageSegments), "")
			e.MessageRef = r.msgRef()
			return nil, r.fatal(e)
		}
		r.pos++
		b.add(seg.data, r.pos, seg.line)
		if b.cost() > r.opts.MaxMessageBytes {
			e := r.errAt(r.pos, seg.line, string(seg.data[:3]), 0, "", wrapf(ErrTooLarge, "message takes more than %d bytes once read", r.opts.MaxMessageBytes))
			e.MessageRef = r.msgRef()
			return nil, r.fatal(e)
		}
		if string(seg.data[:3]) == "UNT" {
			break
		}
	}
	if p := b.prob; p != nil {
		e := r.problemError(p)
		e.MessageRef = r.msgRef()
		return nil, e
	}
	st := segStorePool.Get().(*segStore)
	segs := b.segments(st)
	m := &Message{Ref: segs[0].Value(1, 1), ID: messageID(&segs[0]), Index: r.index, Segments: segs, store: st}
	if r.inIC {
		m.Interchange = r.ic
	}
	return m, r.checkMessage(m)
}

// checkMessage compares UNT with UNH and the segments read.
func (r *Reader) checkMessage(m *Message) error {
	var errs []error
	add := func(s *Segment, elem int, err error) {
		e := r.errAt(s.Pos, s.Line, s.Tag, elem, s.Value(elem, 1), err)
		e.MessageRef = clip(m.Ref)
		errs = append(errs, e)
	}
	unh, unt := &m.Segments[0], &m.Segments[len(m.Segments)-1]
	if m.Ref == "" {
		add(unh, 1, wrapc(ErrSyntax, CodeMissing, "message reference is missing"))
	}
	if m.ID.Type == "" {
		add(unh, 2, wrapc(ErrSyntax, CodeMissing, "message type is missing"))
	}
	if n, ok := count(unt.Value(1, 1)); !ok || n != len(m.Segments) {
		add(unt, 1, wrapf(ErrSegmentCount, "segment count is %d", len(m.Segments)))
	}
	if unt.Value(2, 1) != m.Ref {
		add(unt, 2, wrapf(ErrControlRef, "expected the UNH message reference %s", errtext.Quote(m.Ref)))
	}
	for i := range m.Segments {
		for _, e := range r.checkSegment(&m.Segments[i]) {
			e.MessageRef = clip(m.Ref)
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}

// checkSegment checks the values of s against the Directory when the
// reader is asked to; it returns one error per value that breaks its
// data element's representation.
func (r *Reader) checkSegment(s *Segment) []*Error {
	if !r.opts.CheckElements {
		return nil
	}
	var out []*Error
	checkElements(s.Tag, s.Elements, func(elem, comp int, err error) {
		e := r.errAt(s.Pos, s.Line, s.Tag, elem, s.Value(elem, max(comp, 1)), err)
		e.Component = comp
		out = append(out, e)
	})
	return out
}

// joinErrors joins the errors of checkSegment to errs.
func joinErrors(errs []error, found []*Error) []error {
	for _, e := range found {
		errs = append(errs, e)
	}
	return errs
}

// msgRef is the reference of the message being read, for errors.
func (r *Reader) msgRef() string { return clip(r.msg.value(0, 1, 1)) }

// msgTruncated reports a message that a new envelope interrupts.
func (r *Reader) msgTruncated(ref string, seg raw, tag string) error {
	e := r.errAt(r.pos+1, seg.line, tag, 0, "", wrapf(ErrTruncated, "message has no UNT before this %s", tag))
	e.MessageRef = r.msgRef()
	return e
}

// errAt builds a non-fatal error at a position.
func (r *Reader) errAt(pos, line int, tag string, elem int, value string, err error) *Error {
	e := &Error{Name: r.opts.Name, Segment: pos, Line: line, Tag: tag, Element: elem, Value: clip(value), Err: err}
	if r.inIC && r.ic != nil {
		e.InterchangeRef = clip(r.ic.ControlRef)
	}
	return e
}

// at builds an error at the raw segment about to be consumed.
func (r *Reader) at(seg raw, tag string, err error, value string) *Error {
	e := r.errAt(r.pos+1, seg.line, tag, 0, "", err)
	e.Value = value
	return e
}

// rawError turns an error of the source into an *Error at seg.
func (r *Reader) rawError(seg raw, err error) *Error {
	tag := ""
	switch {
	case seg.una:
		tag = "UNA"
	case r.validTag(seg.data):
		tag = string(seg.data[:3])
	}
	return r.at(seg, tag, err, clipBytes(seg.data))
}

// fatalRaw ends reading with an error of the source.
func (r *Reader) fatalRaw(seg raw, err error) error {
	return r.fatal(r.rawError(seg, err))
}

// fatal marks e fatal and ends reading.
func (r *Reader) fatal(e *Error) error {
	e.Fatal = true
	if e.Name == "" {
		e.Name = r.opts.Name
	}
	if e.InterchangeRef == "" && r.inIC && r.ic != nil {
		e.InterchangeRef = clip(r.ic.ControlRef)
	}
	r.done = true
	return e
}

// problemError turns a refused character into an error.
func (r *Reader) problemError(p *problem) *Error {
	e := r.errAt(p.pos, p.line, p.tag, p.elem, p.value, wrapf(ErrCharset, "%s", p.msg))
	e.Component = p.comp
	return e
}
