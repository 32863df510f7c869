package jsonmap

import (
	"fmt"
	"io"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"

	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// jsonEncoder writes one JSON document per event, one per line (NDJSON).
type jsonEncoder struct {
	p    *engine.Profile
	doc  engine.Node
	w    io.Writer
	name string
	buf  []byte
	// sealKey opens sealed secrets where the profile declares them.
	sealKey []byte
}

func (je *jsonEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := je.p.AcceptsIn(e, je.name); err != nil {
			return err
		}
		b, err := encodeDocument(je.p, je.doc, e, je.buf[:0], je.name, je.sealKey)
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
func encodeDocument(p *engine.Profile, doc engine.Node, e *canonical.ReleaseEvent, dst []byte, name string, sealKey []byte) ([]byte, error) {
	ec := &engine.EncodeCtx{Profile: p, Name: name, Env: engine.ExprEnv{Event: e, Count: 1}, SealKey: sealKey}
	start := len(dst)
	out, wrote, err := appendNode(ec, dst, doc)
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
func appendNode(ec *engine.EncodeCtx, dst []byte, n engine.Node) ([]byte, bool, error) {
	switch x := n.(type) {
	case engine.LeafNode:
		if s := ec.CopiedText(x.Field); s != "" {
			out, err := jsonsyn.AppendString(dst, s)
			return out, err == nil, err
		}
		v, err := ec.Leaf(x.Field)
		if err != nil || v == nil {
			return dst, false, err
		}
		out, err := jsonsyn.AppendValue(dst, jsonScalar(v))
		if err != nil {
			return dst, false, ec.Fail(x.Field, "", fmt.Errorf("%w: %w", engine.ErrConvert, err))
		}
		return out, true, nil
	case engine.ConstNode:
		out, err := jsonsyn.AppendValue(dst, x.Value)
		return out, err == nil, err
	case engine.ObjNode:
		return appendMembers(ec, dst, '{', '}', x.Vals, x.Quoted)
	case engine.ListNode:
		return appendMembers(ec, dst, '[', ']', x.Items, nil)
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

// appendMembers writes an object's members (keys given) or a list's items
// between open and close, leaving out members that wrote nothing; it
// writes nothing when all of them were left out.
func appendMembers(ec *engine.EncodeCtx, dst []byte, open, close byte, nodes []engine.Node, keys [][]byte) ([]byte, bool, error) {
	start := len(dst)
	dst = append(dst, open)
	empty := true
	for i, node := range nodes {
		mark := len(dst)
		if !empty {
			dst = append(dst, ',')
		}
		if keys != nil {
			dst = append(append(dst, keys[i]...), ':')
		}
		var wrote bool
		var err error
		if dst, wrote, err = appendNode(ec, dst, node); err != nil {
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
	return append(dst, close), true, nil
}
