package mappings

import (
	"fmt"
	"io"

	"github.com/nexport/pcsgate/canonical"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// jsonEncoder writes one JSON document per event, one per line (NDJSON).
type jsonEncoder struct {
	p    *Profile
	doc  node
	w    io.Writer
	name string
	buf  []byte
}

func (je *jsonEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := je.p.acceptsIn(e, je.name); err != nil {
			return err
		}
		b, err := je.p.encodeDocument(je.doc, e, je.buf[:0], je.name)
		if err != nil {
			return err
		}
		b = append(b, '\n')
		if _, err := je.w.Write(b); err != nil {
			return err
		}
		je.buf = b
	}
	return nil
}

func (je *jsonEncoder) Close() error { return nil }

// encodeDocument appends the JSON document of template doc for one event
// to dst. The template is walked and written straight into dst: keys in
// spec order, absent leaves and empty objects left out, no intermediate
// tree.
func (p *Profile) encodeDocument(doc node, e *canonical.ReleaseEvent, dst []byte, name string) ([]byte, error) {
	ec := &encodeCtx{p: p, name: name, env: exprEnv{Event: e, Count: 1}}
	start := len(dst)
	out, wrote, err := ec.appendNode(dst, doc)
	if err != nil {
		return nil, err
	}
	if !wrote {
		out = append(out[:start], "{}"...)
	}
	return out, nil
}

// appendNode writes one template node; wrote=false means it was absent and
// nothing was appended.
func (ec *encodeCtx) appendNode(dst []byte, n node) ([]byte, bool, error) {
	switch x := n.(type) {
	case leafNode:
		if x.f.plain {
			for _, a := range x.f.fromCan {
				if s := a.getString(ec.env.Event); s != "" {
					out, err := jsonsyn.AppendString(dst, s)
					return out, err == nil, err
				}
			}
			if x.f.spec.Required {
				return dst, false, ec.fail(x.f, "", ErrRequired)
			}
			return dst, false, nil
		}
		v, err := ec.leaf(x.f)
		if err != nil || v == nil {
			return dst, false, err
		}
		out, err := jsonsyn.AppendValue(dst, jsonScalar(v))
		if err != nil {
			return dst, false, ec.fail(x.f, "", fmt.Errorf("%w: %w", ErrConvert, err))
		}
		return out, true, nil
	case constNode:
		out, err := jsonsyn.AppendValue(dst, x.v)
		return out, err == nil, err
	case objNode:
		start := len(dst)
		dst = append(dst, '{')
		empty := true
		for i := range x.keys {
			mark := len(dst)
			if !empty {
				dst = append(dst, ',')
			}
			dst = append(dst, x.quoted[i]...)
			dst = append(dst, ':')
			var wrote bool
			var err error
			if dst, wrote, err = ec.appendNode(dst, x.vals[i]); err != nil {
				return dst, false, err
			}
			if !wrote {
				dst = dst[:mark]
				continue
			}
			empty = false
		}
		if empty {
			return dst[:start], false, nil
		}
		return append(dst, '}'), true, nil
	case listNode:
		start := len(dst)
		dst = append(dst, '[')
		empty := true
		for _, it := range x.items {
			mark := len(dst)
			if !empty {
				dst = append(dst, ',')
			}
			var wrote bool
			var err error
			if dst, wrote, err = ec.appendNode(dst, it); err != nil {
				return dst, false, err
			}
			if !wrote {
				dst = dst[:mark]
				continue
			}
			empty = false
		}
		if empty {
			return dst[:start], false, nil
		}
		return append(dst, ']'), true, nil
	}
	return dst, false, fmt.Errorf("unknown template node %T", n)
}

// jsonScalar makes canonical values JSON-friendly.
func jsonScalar(v any) any {
	switch x := v.(type) {
	case canonical.EventType:
		return string(x)
	case canonical.MoveType:
		return string(x)
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []canonical.PartyID:
		out := make([]any, len(x))
		for i, id := range x {
			out[i] = jsonsyn.Object{{Key: "scheme", Value: id.Scheme}, {Key: "value", Value: id.Value}}
		}
		return out
	}
	return v
}
