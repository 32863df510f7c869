package mappings

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// segTemplate is one segment of an EDIFACT encode: a tag and elements whose
// values are constants or fields. A segment whose every field is empty is
// left out, unless always is set; `for` repeats it per list element.
type segTemplate struct {
	tag      string
	elements [][]node // element -> components (constNode or leafNode)
	when     *compiledField
	forList  *accessor
	always   bool
	hasLeaf  bool
}

func (c *compiler) compileSegment(v any) (*segTemplate, error) {
	t := &segTemplate{}
	list, ok := v.([]any)
	if m, isMap := v.(yaml.MapSlice); isMap {
		for _, it := range m {
			switch it.Key {
			case "segment":
				list, ok = it.Value.([]any)
			case "when":
				s, _ := it.Value.(string)
				cf, err := c.compileField(&Field{Expr: s}, nil)
				if err != nil {
					return nil, err
				}
				t.when = cf
			case "for":
				s, _ := it.Value.(string)
				a, err := compileAccessor(s)
				if err != nil {
					return nil, err
				}
				t.forList = a
			case "always":
				t.always, _ = it.Value.(bool)
			default:
				return nil, fmt.Errorf("%w: unknown segment key %v", ErrSpec, it.Key)
			}
		}
	}
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("%w: a segment is a list starting with its tag", ErrSpec)
	}
	t.tag = fmt.Sprint(list[0])
	for i, el := range list[1:] {
		comps, err := c.compileElement(el)
		if err != nil {
			return nil, fmt.Errorf("%s element %d: %w", t.tag, i+1, err)
		}
		for _, cn := range comps {
			if _, isLeaf := cn.(leafNode); isLeaf {
				t.hasLeaf = true
			}
		}
		t.elements = append(t.elements, comps)
	}
	return t, nil
}

func (c *compiler) compileElement(v any) ([]node, error) {
	if l, ok := v.([]any); ok {
		out := make([]node, 0, len(l))
		for _, it := range l {
			n, err := c.compileComponent(it)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		return out, nil
	}
	n, err := c.compileComponent(v)
	if err != nil {
		return nil, err
	}
	return []node{n}, nil
}

func (c *compiler) compileComponent(v any) (node, error) {
	switch x := v.(type) {
	case yaml.MapSlice:
		f, err := asField(x)
		if err != nil {
			return nil, err
		}
		cf, err := c.compileField(f, nil)
		if err != nil {
			return nil, err
		}
		return leafNode{f: cf}, nil
	case nil:
		return constNode{v: ""}, nil
	}
	return constNode{v: fmt.Sprint(v)}, nil
}

// edifactEncoder writes one interchange; each group of events becomes one
// message.
type edifactEncoder struct {
	p       *Profile
	w       *edifact.Writer
	opts    EncodeOptions
	started bool
	msgs    int
	refs    map[string]int // message references used in this interchange
}

func newEdifactEncoder(p *Profile, w io.Writer, opts EncodeOptions) *edifactEncoder {
	ce := p.enc
	return &edifactEncoder{p: p, opts: opts, w: edifact.NewWriter(w, edifact.WriterOptions{
		Charset: ce.charset, UNA: ce.una, Newline: ce.newline,
	})}
}

func (ee *edifactEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := ee.p.accepts(e); err != nil {
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
	if len(ee.p.enc.group) == 0 {
		return false
	}
	for _, g := range ee.p.enc.group {
		if text(g.get(a)) != text(g.get(b)) {
			return false
		}
	}
	return true
}

func (ee *edifactEncoder) begin(first *canonical.ReleaseEvent) error {
	ce := ee.p.enc
	ec := &encodeCtx{p: ee.p, env: exprEnv{Event: first}}
	sender, recipient := "PCSGATE", "PARTNER"
	if ce.sender != nil {
		v, err := ec.leaf(ce.sender)
		if err != nil {
			return err
		}
		sender = firstNonEmpty(text(v), sender)
	}
	if ce.recipient != nil {
		v, err := ec.leaf(ce.recipient)
		if err != nil {
			return err
		}
		recipient = firstNonEmpty(text(v), recipient)
	}
	// UNB 0017/0019 is when the interchange was prepared: now, in the
	// port's local time like the DTMs.
	at := ee.opts.Now()
	if loc, err := zoneFor(ee.p.zone, first); err == nil {
		at = at.In(loc)
	}
	ee.started = true
	ee.refs = map[string]int{}
	return ee.w.BeginInterchange(edifact.Interchange{
		Sender: sender, Recipient: recipient,
		Date: at.Format("060102"), Time: at.Format("1504"),
		ControlRef: controlRef(first.Source.MessageRef + "|" + first.Key.String() + "|" + string(first.Type)),
	})
}

// controlRef derives a 14-character interchange reference from the first
// event's message, release and type (not from the event id, which names the
// interchange it came in), so the same events always give the same
// interchange, also after a round trip.
func controlRef(id string) string {
	sum := sha256.Sum256([]byte(id))
	return strings.ToUpper(base32.StdEncoding.EncodeToString(sum[:])[:14])
}

func (ee *edifactEncoder) message(events []*canonical.ReleaseEvent) error {
	if !ee.started {
		if err := ee.begin(events[0]); err != nil {
			return err
		}
	}
	ce := ee.p.enc
	ec := &encodeCtx{p: ee.p, env: exprEnv{Event: events[0], Count: len(events)}}
	ee.msgs++
	ref := fmt.Sprintf("%d", ee.msgs)
	if ce.ref != nil {
		v, err := ec.leaf(ce.ref)
		if err != nil {
			return err
		}
		ref = firstNonEmpty(text(v), ref)
	}
	// References are unique within an interchange: when one source message
	// becomes several messages, number them.
	if n := ee.refs[ref]; n > 0 {
		ee.refs[ref] = n + 1
		ref = fmt.Sprintf("%s-%d", ref, n+1)
	} else {
		ee.refs[ref] = 1
	}
	parts := strings.Split(ce.msgID, ":")
	for len(parts) < 5 {
		parts = append(parts, "")
	}
	id := edifact.MessageID{Type: parts[0], Version: parts[1], Release: parts[2], Agency: parts[3], Assoc: parts[4]}
	if err := ee.w.BeginMessage(ref, id); err != nil {
		return err
	}
	if err := ee.segments(ec, ce.header); err != nil {
		return err
	}
	for _, e := range events {
		ec.env.Event = e
		if err := ee.segments(ec, ce.each); err != nil {
			return err
		}
	}
	ec.env.Event = events[0]
	if err := ee.segments(ec, ce.trailer); err != nil {
		return err
	}
	return ee.w.EndMessage()
}

func (ee *edifactEncoder) segments(ec *encodeCtx, ts []*segTemplate) error {
	for _, t := range ts {
		if t.when != nil {
			ok, err := runExpr(t.when.expr, &ec.env)
			if err != nil {
				return ec.err(t.when, err)
			}
			if b, _ := ok.(bool); !b {
				continue
			}
		}
		if t.forList != nil {
			list, _ := t.forList.get(ec.env.Event).([]string)
			for _, it := range list {
				ec.env.Item = it
				if err := ee.segment(ec, t); err != nil {
					return err
				}
			}
			ec.env.Item = nil
			continue
		}
		if err := ee.segment(ec, t); err != nil {
			return err
		}
	}
	return nil
}

func (ee *edifactEncoder) segment(ec *encodeCtx, t *segTemplate) error {
	elems := make([][]string, len(t.elements))
	filled := false
	for i, comps := range t.elements {
		out := make([]string, len(comps))
		for j, cn := range comps {
			switch x := cn.(type) {
			case constNode:
				out[j] = x.v.(string)
			case leafNode:
				v, err := ec.leaf(x.f)
				if err != nil {
					return err
				}
				if v != nil {
					out[j] = scalarText(v)
					filled = filled || out[j] != ""
				}
			}
		}
		elems[i] = out
	}
	if t.hasLeaf && !filled && !t.always {
		return nil
	}
	if err := ee.w.WriteSegment(t.tag, elems); err != nil {
		return &Error{Message: ec.env.Event.Source.MessageRef, Segment: t.tag, Err: err}
	}
	return nil
}

func (ee *edifactEncoder) Close() error {
	if !ee.started {
		return nil
	}
	if err := ee.w.EndInterchange(); err != nil {
		return err
	}
	return ee.w.Flush()
}
