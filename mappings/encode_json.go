package mappings

import (
	"fmt"
	"io"

	"github.com/nexport/pcsgate/canonical"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// jsonEncoder writes one JSON document per event, one per line (NDJSON).
type jsonEncoder struct {
	p   *Profile
	w   io.Writer
	buf []byte
}

func (je *jsonEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := je.p.accepts(e); err != nil {
			return err
		}
		b, err := je.p.EncodeDocument(e, je.buf[:0])
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

// EncodeDocument appends the JSON document for one event to dst.
func (p *Profile) EncodeDocument(e *canonical.ReleaseEvent, dst []byte) ([]byte, error) {
	ec := &encodeCtx{p: p, env: exprEnv{Event: e, Count: 1}}
	v, err := ec.build(p.enc.doc)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = jsonsyn.Object{}
	}
	out, err := jsonsyn.AppendValue(dst, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name(), err)
	}
	return out, nil
}

// build evaluates a document template; nil means "leave it out".
func (ec *encodeCtx) build(n node) (any, error) {
	switch x := n.(type) {
	case leafNode:
		v, err := ec.leaf(x.f)
		if err != nil {
			return nil, err
		}
		return jsonScalar(v), nil
	case constNode:
		return x.v, nil
	case objNode:
		obj := make(jsonsyn.Object, 0, len(x.keys))
		for i, k := range x.keys {
			v, err := ec.build(x.vals[i])
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			obj = append(obj, jsonsyn.Field{Key: k, Value: v})
		}
		if len(obj) == 0 {
			return nil, nil
		}
		return obj, nil
	case listNode:
		var list []any
		for _, it := range x.items {
			v, err := ec.build(it)
			if err != nil {
				return nil, err
			}
			if v != nil {
				list = append(list, v)
			}
		}
		if len(list) == 0 {
			return nil, nil
		}
		return list, nil
	}
	return nil, fmt.Errorf("unknown template node %T", n)
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
