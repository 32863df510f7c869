package edifactmap

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// segTemplate is one segment of an EDIFACT encode: a tag and elements whose
// values are constants or fields. A segment whose every field is empty is
// left out, unless always is set; `for` repeats it per list element.
type segTemplate struct {
	tag      string
	elements [][]engine.Node // element -> components (constNode or leafNode)
	when     *engine.CompiledField
	forList  *engine.Accessor
	always   bool
	hasLeaf  bool
}

func compileSegment(c *engine.Compiler, v any) (*segTemplate, error) {
	t := &segTemplate{}
	list, ok := v.([]any)
	if m, isMap := v.(yaml.MapSlice); isMap {
		for _, it := range m {
			switch it.Key {
			case "segment":
				list, ok = it.Value.([]any)
			case "when":
				s, _ := it.Value.(string)
				cf, err := c.CompileEncodeField(&spec.Field{Expr: s})
				if err != nil {
					return nil, err
				}
				t.when = cf
			case "for":
				s, _ := it.Value.(string)
				a, err := engine.CompileAccessor(s)
				if err != nil {
					return nil, err
				}
				t.forList = a
			case "always":
				t.always, _ = it.Value.(bool)
			default:
				return nil, fmt.Errorf("%w: unknown segment key %v", spec.ErrSpec, it.Key)
			}
		}
	}
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%w: a segment is a list starting with its tag", spec.ErrSpec)
	}
	t.tag = fmt.Sprint(list[0])
	for i, el := range list[1:] {
		comps, err := compileElement(c, el)
		if err != nil {
			return nil, fmt.Errorf("%s element %d: %w", t.tag, i+1, err)
		}
		t.elements = append(t.elements, comps)
	}
	for i, comps := range t.elements {
		for j, cn := range comps {
			if l, isLeaf := cn.(engine.LeafNode); isLeaf {
				t.hasLeaf = true
				l.Field.Label = t.name() + " " + elementName(t.tag, i+1, j+1, len(comps) > 1)
			}
		}
	}
	if t.when != nil {
		t.when.Label = t.name()
	}
	return t, nil
}

// name is the segment as a reader of the output would call it: its tag
// and qualifier, e.g. "NAD+FW".
func (t *segTemplate) name() string {
	if len(t.elements) > 0 && len(t.elements[0]) > 0 {
		if c, ok := t.elements[0][0].(engine.ConstNode); ok {
			if s, _ := c.Value.(string); s != "" {
				return t.tag + "+" + s
			}
		}
	}
	return t.tag
}

// fieldAt names element elem, component comp (1-based) of the template
// and the canonical path it reads.
func (t *segTemplate) fieldAt(elem, comp int) string {
	if elem < 1 || elem > len(t.elements) {
		return ""
	}
	comps := t.elements[elem-1]
	if comp < 1 {
		comp = 1
	}
	if comp <= len(comps) {
		if l, ok := comps[comp-1].(engine.LeafNode); ok {
			if len(l.Field.Spec.From) > 0 {
				return elementName(t.tag, elem, comp, len(comps) > 1) + " (" + l.Field.Spec.From[0] + ")"
			}
		}
	}
	return elementName(t.tag, elem, comp, len(comps) > 1)
}

// elementName names a position by the EDIFACT directory when it knows the
// segment ("C082.3055", "1225"), else by number ("element 2.3").
func elementName(tag string, elem, comp int, composite bool) string {
	if dir, ok := segmentDirectory[tag]; ok && elem <= len(dir) {
		el := dir[elem-1]
		if el.Components == nil {
			return el.ID
		}
		if comp <= len(el.Components) {
			return el.ID + "." + el.Components[comp-1]
		}
	}
	if composite {
		return fmt.Sprintf("element %d.%d", elem, comp)
	}
	return fmt.Sprintf("element %d", elem)
}

func compileElement(c *engine.Compiler, v any) ([]engine.Node, error) {
	if l, ok := v.([]any); ok {
		out := make([]engine.Node, 0, len(l))
		for _, it := range l {
			n, err := compileComponent(c, it)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		return out, nil
	}
	n, err := compileComponent(c, v)
	if err != nil {
		return nil, err
	}
	return []engine.Node{n}, nil
}

func compileComponent(c *engine.Compiler, v any) (engine.Node, error) {
	switch x := v.(type) {
	case yaml.MapSlice:
		f, err := engine.AsField(x)
		if err != nil {
			return nil, err
		}
		cf, err := c.CompileEncodeField(f)
		if err != nil {
			return nil, err
		}
		return engine.LeafNode{Field: cf}, nil
	case nil:
		return engine.ConstNode{Value: ""}, nil
	}
	return engine.ConstNode{Value: fmt.Sprint(v)}, nil
}

// edifactEncoder writes one interchange; each group of events becomes one
// message. A message is rendered and checked completely (every field, every
// character against the character set) before any of it is written, so a
// message that fails leaves nothing behind, and the interchange envelope is
// opened only around a complete message.
type edifactEncoder struct {
	p       *engine.Profile
	ce      *edifactEncoding
	w       *edifact.Writer
	wopts   edifact.WriterOptions
	trial   *edifact.Writer // writes to io.Discard: proves a message encodes
	opts    engine.EncodeOptions
	started bool
	msgs    int
	refs    map[string]int // message references used in this interchange
	segs    []pendingSegment
	// texts and elems hold the values and elements of the message being
	// rendered, which its pending segments slice; reused message after
	// message.
	texts []string
	elems [][]string
}

// messageID splits a profile's message id (type:version:release:agency:
// association) into UNH's parts; missing parts are empty.
func messageID(s string) edifact.MessageID {
	parts := strings.Split(s, ":")
	for len(parts) < 5 {
		parts = append(parts, "")
	}
	return edifact.MessageID{Type: parts[0], Version: parts[1], Release: parts[2], Agency: parts[3], Assoc: parts[4]}
}

// pendingSegment is one rendered segment waiting for its message to be
// complete; tmpl is where it came from, for error messages.
type pendingSegment struct {
	tag   string
	elems [][]string
	tmpl  *segTemplate
	event *canonical.ReleaseEvent
}

func newEdifactEncoder(p *engine.Profile, ce *edifactEncoding, w io.Writer, opts engine.EncodeOptions) *edifactEncoder {
	wopts := edifact.WriterOptions{Charset: ce.charset, UNA: ce.una, Newline: ce.newline, CheckElements: true}
	return &edifactEncoder{p: p, ce: ce, opts: opts, wopts: wopts, w: edifact.NewWriter(w, wopts)}
}

func (ee *edifactEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := ee.p.AcceptsIn(e, ee.opts.Name); err != nil {
			return err
		}
	}
	for start := 0; start < len(events); {
		end := start + 1
		for end < len(events) && ee.sameGroup(events[start], events[end]) {
			end++
		}
		if err := ee.message(events[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

func (ee *edifactEncoder) sameGroup(a, b *canonical.ReleaseEvent) bool {
	if len(ee.p.Enc.Group) == 0 {
		return false
	}
	for _, g := range ee.p.Enc.Group {
		if g.Text(a) != g.Text(b) {
			return false
		}
	}
	return true
}

// interchange renders the UNB of an interchange opened for first.
func (ee *edifactEncoder) interchange(first *canonical.ReleaseEvent) (edifact.Interchange, error) {
	ce := ee.ce
	ec := &engine.EncodeCtx{Profile: ee.p, Name: ee.opts.Name, Env: engine.ExprEnv{Event: first}}
	sender, recipient := "PCSGATE", "PARTNER"
	if ce.sender != nil {
		v, err := ec.Leaf(ce.sender)
		if err != nil {
			return edifact.Interchange{}, err
		}
		sender = engine.FirstNonEmpty(engine.Text(v), sender)
	}
	if ce.recipient != nil {
		v, err := ec.Leaf(ce.recipient)
		if err != nil {
			return edifact.Interchange{}, err
		}
		recipient = engine.FirstNonEmpty(engine.Text(v), recipient)
	}
	// The outbound endpoint names the installation itself.
	senderQual := ee.opts.SenderQualifier
	sender = engine.FirstNonEmpty(ee.opts.SenderID, sender)
	// UNB 0017/0019 is when the interchange was prepared: now, in the
	// port's local time like the DTMs.
	at := ee.opts.Now()
	if loc, err := engine.ZoneFor(ee.p.Zone, first); err == nil {
		at = at.In(loc)
	}
	return edifact.Interchange{
		Sender: sender, SenderQual: senderQual, Recipient: recipient,
		Date: at.Format("060102"), Time: at.Format("1504"),
		ControlRef: controlRef(first.Source.MessageRef + "|" + first.Key.String() + "|" + string(first.Type)),
	}, nil
}

// controlRef derives a 14-character interchange reference from the first
// event's message, release and type (not from the event id, which names the
// interchange it came in), so the same events always give the same
// interchange, also after a round trip.
func controlRef(id string) string {
	sum := sha256.Sum256([]byte(id))
	return strings.ToUpper(base32.StdEncoding.EncodeToString(sum[:])[:14])
}

// maxMessageRef is the length of UNH 0062 (an..14).
const maxMessageRef = 14

// messageRef keeps a message reference that fits UNH 0062: at most 14
// printable ASCII characters. Any other (a GUID from a JSON source, an
// SCR address, a reference numbered past 14 characters) gives way to 14
// characters derived from it, so the same source message always gets the
// same reference and a reference pcsgate wrote is kept when read again.
func messageRef(ref string) string {
	fits := len(ref) <= maxMessageRef
	for i := 0; fits && i < len(ref); i++ {
		fits = ref[i] >= 0x20 && ref[i] < 0x7F
	}
	if fits {
		return ref
	}
	sum := sha256.Sum256([]byte(ref))
	return base32.StdEncoding.EncodeToString(sum[:])[:maxMessageRef]
}

// message renders one message completely, proves it encodes, and only then
// writes it (opening the interchange first if needed).
func (ee *edifactEncoder) message(events []*canonical.ReleaseEvent) error {
	ce := ee.ce
	ec := &engine.EncodeCtx{Profile: ee.p, Name: ee.opts.Name, Env: engine.ExprEnv{Event: events[0], Count: len(events)}}
	ref := strconv.Itoa(ee.msgs + 1)
	if ce.ref != nil {
		v, err := ec.Leaf(ce.ref)
		if err != nil {
			return err
		}
		ref = engine.FirstNonEmpty(engine.Text(v), ref)
	}
	// References are unique within an interchange: when one source message
	// becomes several messages, number them.
	if n := ee.refs[ref]; n > 0 {
		ref = fmt.Sprintf("%s-%d", ref, n+1)
	}
	// The bookkeeping above is on references as the events name them; the
	// wire gets one that fits UNH 0062.
	wire := messageRef(ref)
	id := ce.msgID

	ee.segs, ee.texts, ee.elems = ee.segs[:0], ee.texts[:0], ee.elems[:0]
	if err := ee.segments(ec, ce.header); err != nil {
		return err
	}
	for _, e := range events {
		ec.Env.Event = e
		if err := ee.segments(ec, ce.each); err != nil {
			return err
		}
	}
	ec.Env.Event = events[0]
	if err := ee.segments(ec, ce.trailer); err != nil {
		return err
	}
	if err := ee.writeMessage(ee.trialWriter(), wire, id); err != nil {
		ee.trial = nil // its state is broken; the next message gets a new one
		return ee.writeError(ec, err)
	}
	if !ee.started {
		ic, err := ee.interchange(events[0])
		if err != nil {
			return err
		}
		if err := ee.w.BeginInterchange(ic); err != nil {
			return &engine.Error{File: ee.opts.Name, Message: events[0].Source.MessageRef, Event: engine.EventLabel(events[0]), Segment: "UNB", Err: err}
		}
		ee.started = true
		ee.refs = map[string]int{}
	}
	if err := ee.writeMessage(ee.w, wire, id); err != nil {
		return ee.writeError(ec, err)
	}
	base, _, _ := strings.Cut(ref, "-")
	if ref == base || ee.refs[base] == 0 {
		ee.refs[ref]++
	} else {
		ee.refs[base]++
	}
	ee.msgs++
	return nil
}

func (ee *edifactEncoder) trialWriter() *edifact.Writer {
	if ee.trial == nil {
		o := ee.wopts
		o.UNA = false
		ee.trial = edifact.NewWriter(io.Discard, o)
	}
	return ee.trial
}

// writeMessage writes the rendered segments as one message to w.
func (ee *edifactEncoder) writeMessage(w *edifact.Writer, ref string, id edifact.MessageID) error {
	if err := w.BeginMessage(ref, id); err != nil {
		return err
	}
	for i := range ee.segs {
		if err := w.WriteSegment(ee.segs[i].tag, ee.segs[i].elems); err != nil {
			return &segmentError{seg: &ee.segs[i], err: err}
		}
	}
	return w.EndMessage()
}

// segmentError ties a writer error to the rendered segment it came from.
type segmentError struct {
	seg *pendingSegment
	err error
}

func (e *segmentError) Error() string { return e.err.Error() }
func (e *segmentError) Unwrap() error { return e.err }

// writeError turns a writer error into one line naming the file, the
// message, the event and the field whose value could not be written.
func (ee *edifactEncoder) writeError(ec *engine.EncodeCtx, err error) error {
	out := &engine.Error{File: ee.opts.Name, Message: ec.Env.Event.Source.MessageRef, Event: engine.EventLabel(ec.Env.Event), Err: err}
	var se *segmentError
	if !errors.As(err, &se) {
		return out
	}
	out.Event = engine.EventLabel(se.seg.event)
	out.Message = se.seg.event.Source.MessageRef
	out.Segment = se.seg.tmpl.name()
	out.Err = se.err
	var we *edifact.Error
	if errors.As(se.err, &we) {
		out.Err = we.Err
		out.Value = we.Value
		out.Field = se.seg.tmpl.fieldAt(we.Element, we.Component)
		// A value longer than its data element allows is one the
		// target cannot carry, not a fault of the output.
		if errors.Is(we.Err, edifact.ErrRepresentation) {
			out.Err = fmt.Errorf("%w: %w", engine.ErrCannotCarry, we.Err)
		}
	}
	return out
}

func (ee *edifactEncoder) segments(ec *engine.EncodeCtx, ts []*segTemplate) error {
	for _, t := range ts {
		if t.when != nil {
			ok, err := engine.RunExpr(t.when.Expr, &ec.Env)
			if err != nil {
				err = engine.ExprField(err, func() string { return t.name() + " (when)" })
				return ec.Fail(nil, "", err)
			}
			if b, _ := ok.(bool); !b {
				continue
			}
		}
		if t.forList != nil {
			list, _ := t.forList.Get(ec.Env.Event).([]string)
			for _, it := range list {
				ec.Env.Item = it
				if err := ee.segment(ec, t); err != nil {
					return err
				}
			}
			ec.Env.Item = nil
			continue
		}
		if err := ee.segment(ec, t); err != nil {
			return err
		}
	}
	return nil
}

// segment renders one segment template. An element whose fields are all
// empty is left empty, constants (qualifiers, code list ids) included, so
// no composite says "code list 146" about an absent id; a segment whose
// fields are all empty is left out unless always is set.
func (ee *edifactEncoder) segment(ec *engine.EncodeCtx, t *segTemplate) error {
	nElems, nTexts := len(ee.elems), len(ee.texts)
	elems := grow(&ee.elems, len(t.elements))
	filled := false
	for i, comps := range t.elements {
		out := grow(&ee.texts, len(comps))
		hasLeaf, elemFilled := false, false
		for j, cn := range comps {
			switch x := cn.(type) {
			case engine.ConstNode:
				out[j] = x.Value.(string)
			case engine.LeafNode:
				hasLeaf = true
				v, ok, err := ec.LeafText(x.Field)
				if err != nil {
					return err
				}
				if ok {
					out[j] = v
					elemFilled = elemFilled || v != ""
				}
			}
		}
		if hasLeaf && !elemFilled && len(comps) > 1 {
			for j := range out {
				out[j] = ""
			}
		}
		filled = filled || elemFilled
		elems[i] = out
	}
	if t.hasLeaf && !filled && !t.always {
		ee.elems, ee.texts = ee.elems[:nElems], ee.texts[:nTexts]
		return nil
	}
	ee.segs = append(ee.segs, pendingSegment{tag: t.tag, elems: elems, tmpl: t, event: ec.Env.Event})
	return nil
}

// grow extends *buf by n zero elements and returns them. When *buf must
// move, the elements handed out before stay where they were, still valid.
func grow[T any](buf *[]T, n int) []T {
	b := *buf
	if cap(b)-len(b) < n {
		b = make([]T, len(b), max(2*cap(b), len(b)+n, 64))
	}
	*buf = b[:len(b)+n]
	out := (*buf)[len(b) : len(b)+n : len(b)+n]
	clear(out)
	return out
}

func (ee *edifactEncoder) Close() error {
	if !ee.started {
		return nil
	}
	if err := ee.w.EndInterchange(); err != nil {
		return &engine.Error{File: ee.opts.Name, Segment: "UNZ", Err: err}
	}
	return ee.w.Flush()
}
