package edifact

import (
	"errors"
	"io"
	"strconv"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// openUNA takes the delimiters of a UNA and reads the UNB (or bare UNH)
// that must follow.
func (r *Reader) openUNA(una raw) error {
	d, err := parseUNA(una.data)
	if err != nil {
		return r.fatal(&Error{Line: una.line, Tag: "UNA", Value: clipBytes(una.data), Err: err})
	}
	r.d = d
	r.setCharset(r.cs)
	seg, err := r.src.next(&r.d)
	switch {
	case errors.Is(err, io.EOF) && !seg.una:
		return r.fatal(&Error{Line: seg.line, Tag: "UNA", Err: wrapf(ErrTruncated, "input ends after UNA, expected UNB")})
	case err != nil:
		return r.fatalRaw(seg, err)
	case seg.una || !r.startTag(seg.data):
		return r.fatal(r.at(seg, "", wrapf(ErrSyntax, "expected UNB after UNA"), clipBytes(seg.data)))
	case string(seg.data[:3]) == "UNB":
		return r.openUNB(seg, true)
	}
	r.src.unread()
	return nil
}

// openUNB opens an interchange. The character set is read first with
// every byte accepted, then UNB is read again in its own set.
func (r *Reader) openUNB(seg raw, una bool) error {
	r.pos = 1
	r.index, r.groups, r.group, r.stray = 0, 0, nil, false
	r.env.reset(rawSet, segmentTable(&r.sc.raw, rawSet, r.d))
	r.env.add(seg.data, 1, seg.line)
	cs, err := lookupCharset(r.env.value(0, 1, 1))
	if err != nil {
		// The interchange is known though unreadable, so that its
		// sender can be told (see Check).
		unb := r.env.segments(&r.sc.envSegs)[0]
		r.ic = interchangeOf(&unb, r.d, una)
		e := r.at(seg, "UNB", err, unb.Value(1, 1))
		e.Element, e.Component = 1, 1
		return r.fatal(e)
	}
	r.setCharset(cs)
	r.env.reset(r.cs, r.cls)
	r.env.add(seg.data, 1, seg.line)
	if p := r.env.prob; p != nil {
		return r.fatal(r.problemError(p))
	}
	unb := r.env.segments(&r.sc.envSegs)[0]
	r.ic = interchangeOf(&unb, r.d, una)
	r.inIC = true
	// A value too long for its element leaves the interchange readable:
	// the error is not fatal.
	return errors.Join(joinErrors(nil, r.checkSegment(&unb))...)
}

// interchangeOf is what a UNB says of its interchange.
func interchangeOf(unb *Segment, d Delims, una bool) *Interchange {
	return &Interchange{
		Charset: unb.Value(1, 1), SyntaxVersion: unb.Value(1, 2),
		Sender: unb.Value(2, 1), SenderQual: unb.Value(2, 2),
		Recipient: unb.Value(3, 1), RecipientQual: unb.Value(3, 2),
		Date: unb.Value(4, 1), Time: unb.Value(4, 2),
		ControlRef: unb.Value(5, 1), Delims: d, UNA: una,
	}
}

// envelope reads a service segment outside a message.
func (r *Reader) envelope(seg raw) (Segment, *Error) {
	r.pos++
	r.env.reset(r.cs, r.cls)
	r.env.add(seg.data, r.pos, seg.line)
	if p := r.env.prob; p != nil {
		return Segment{}, r.problemError(p)
	}
	return r.env.segments(&r.sc.envSegs)[0], nil
}

func (r *Reader) openUNG(seg raw) error {
	var errs []error
	if r.group != nil {
		errs = append(errs, r.errAt(r.pos+1, seg.line, "UNG", 0, "",
			wrapf(ErrTruncated, "group %s has no UNE before the next UNG", r.group.ref)))
		r.group = nil
	}
	ung, perr := r.envelope(seg)
	if perr != nil {
		return errors.Join(append(errs, perr)...)
	}
	if !r.inIC {
		errs = append(errs, r.errAt(ung.Pos, ung.Line, "UNG", 0, "", wrapc(ErrSyntax, CodeOutside, "UNG outside an interchange, expected UNB first")))
	}
	r.groups++
	r.group = &group{ref: ung.Value(5, 1), pos: ung.Pos, line: ung.Line}
	return errors.Join(joinErrors(errs, r.checkSegment(&ung))...)
}

func (r *Reader) closeUNE(seg raw) error {
	une, perr := r.envelope(seg)
	if perr != nil {
		return perr
	}
	g := r.group
	r.group = nil
	if g == nil {
		return r.errAt(une.Pos, une.Line, "UNE", 0, "", wrapc(ErrSyntax, CodeOutside, "UNE without UNG"))
	}
	errs := joinErrors(nil, r.checkSegment(&une))
	if n, ok := count(une.Value(1, 1)); !ok || n != g.count {
		errs = append(errs, r.errAt(une.Pos, une.Line, "UNE", 1, une.Value(1, 1), wrapf(ErrMessageCount, "message count is %d", g.count)))
	}
	if ref := une.Value(2, 1); ref != g.ref {
		errs = append(errs, r.errAt(une.Pos, une.Line, "UNE", 2, ref, wrapf(ErrControlRef, "expected the UNG group reference %s", errtext.Quote(g.ref))))
	}
	return errors.Join(errs...)
}

func (r *Reader) closeUNZ(seg raw) error {
	unz, perr := r.envelope(seg)
	if perr != nil {
		return perr
	}
	if !r.inIC {
		return r.errAt(unz.Pos, unz.Line, "UNZ", 0, "", wrapc(ErrSyntax, CodeOutside, "UNZ without UNB"))
	}
	errs := joinErrors(nil, r.checkSegment(&unz))
	if r.group != nil {
		errs = append(errs, r.errAt(unz.Pos, unz.Line, "UNZ", 0, "", wrapf(ErrTruncated, "group %s has no UNE", clip(r.group.ref))))
		r.group = nil
	}
	want, what := r.index, "message"
	if r.groups > 0 {
		want, what = r.groups, "group"
	}
	if n, ok := count(unz.Value(1, 1)); !ok || n != want {
		errs = append(errs, r.errAt(unz.Pos, unz.Line, "UNZ", 1, unz.Value(1, 1), wrapf(ErrMessageCount, "%s count is %d", what, want)))
	}
	if ref := unz.Value(2, 1); ref != r.ic.ControlRef {
		errs = append(errs, r.errAt(unz.Pos, unz.Line, "UNZ", 2, ref, wrapf(ErrControlRef, "expected the UNB control reference %s", errtext.Quote(r.ic.ControlRef))))
	}
	r.inIC = false
	r.pos = 0
	return errors.Join(errs...)
}

// closeTruncated ends an interchange that a new UNA or UNB interrupts.
func (r *Reader) closeTruncated(seg raw, tag string) error {
	err := r.errAt(r.pos+1, seg.line, tag, 0, "", wrapf(ErrTruncated, "interchange has no UNZ before the next %s", tag))
	r.inIC = false
	r.pos = 0
	return err
}

// count reads a count such as UNT 0074; leading zeros are fine.
func count(s string) (int, bool) {
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && s[0] != '+' && s[0] != '-'
}
