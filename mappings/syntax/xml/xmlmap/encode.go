package xmlmap

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// XML targets give a `document` like JSON targets, read as an element tree:
// its one top-level key is the root element; keys are element names (with
// the prefixes of options.namespaces), a key starting with @ is an
// attribute, #text is the text of an element that also has attributes or
// children, and a list repeats its key's element once per item. A leaf
// (from, const or expr) is the element's text. Absent leaves and elements
// left with nothing in them are left out. Every value is escaped by
// mappings/syntax/xml, which also refuses characters XML 1.0 cannot carry,
// so a spec cannot emit a broken document. One document per event.

// checkXMLDocument verifies the compiled template's shape and returns its
// root.
func checkXMLDocument(n engine.Node) (engine.ObjNode, error) {
	o, ok := n.(engine.ObjNode)
	if !ok || len(o.Keys) != 1 || strings.HasPrefix(o.Keys[0], "@") || o.Keys[0] == "#text" {
		return o, fmt.Errorf("%w: an xml document has exactly one top-level key, the root element", spec.ErrSpec)
	}
	if _, isList := o.Vals[0].(engine.ListNode); isList {
		return o, fmt.Errorf("%w: the root element %s cannot be a list", spec.ErrSpec, o.Keys[0])
	}
	return o, nil
}

// xmlEncoder writes one XML document per event.
type xmlEncoder struct {
	p    *engine.Profile
	root engine.ObjNode
	w    io.Writer
	name string
	opts xmlsyn.WriteOptions
	buf  bytes.Buffer
}

func newXMLEncoder(p *engine.Profile, root engine.ObjNode, w io.Writer, name string) *xmlEncoder {
	ns := namespaces(p)
	prefixes := make([]string, 0, len(ns))
	for k := range ns {
		prefixes = append(prefixes, k)
	}
	sort.Strings(prefixes)
	opts := xmlsyn.WriteOptions{Declaration: true, Indent: "  "}
	for _, k := range prefixes {
		opts.Namespaces = append(opts.Namespaces, xmlsyn.Namespace{Prefix: k, URI: ns[k]})
	}
	return &xmlEncoder{p: p, root: root, w: w, name: name, opts: opts}
}

func (xe *xmlEncoder) Encode(events []*canonical.ReleaseEvent) error {
	for _, e := range events {
		if err := xe.p.AcceptsIn(e, xe.name); err != nil {
			return err
		}
		root, err := xmlTree(xe.p, xe.root, e)
		if err != nil {
			return err
		}
		xe.buf.Reset()
		if err := xmlsyn.Write(&xe.buf, root, xe.opts); err != nil {
			return &engine.Error{File: xe.name, Message: e.Source.MessageRef, Err: err}
		}
		if _, err := xe.w.Write(xe.buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func (xe *xmlEncoder) Close() error { return nil }

// xmlTree evaluates the document template for one event.
func xmlTree(p *engine.Profile, o engine.ObjNode, e *canonical.ReleaseEvent) (*xmlsyn.Element, error) {
	ec := &engine.EncodeCtx{Profile: p, Env: engine.ExprEnv{Event: e, Count: 1}}
	el, _, err := xmlElement(ec, o.Keys[0], o.Vals[0])
	if err != nil {
		return nil, err
	}
	if el == nil {
		el = &xmlsyn.Element{Name: o.Keys[0]}
	}
	return el, nil
}

// xmlFill counts the fields of a template part: how many there are and
// how many gave a value. A part with fields none of which gave a value is
// left out, even if it holds constants (like an EDIFACT segment).
type xmlFill struct{ fields, filled int }

func (f *xmlFill) add(g xmlFill) { f.fields += g.fields; f.filled += g.filled }

func (f xmlFill) keep() bool { return f.filled > 0 || f.fields == 0 }

// xmlElement builds the element name from template n; nil when absent.
func xmlElement(ec *engine.EncodeCtx, name string, n engine.Node) (*xmlsyn.Element, xmlFill, error) {
	switch x := n.(type) {
	case engine.LeafNode, engine.ConstNode:
		s, fill, err := xmlText(ec, x)
		if err != nil || s == "" {
			return nil, fill, err
		}
		return &xmlsyn.Element{Name: name, Text: s}, fill, nil
	case engine.ObjNode:
		el := &xmlsyn.Element{Name: name}
		var fill xmlFill
		for i, k := range x.Keys {
			switch {
			case strings.HasPrefix(k, "@") || k == "#text":
				s, f, err := xmlText(ec, x.Vals[i])
				if err != nil {
					return nil, fill, err
				}
				fill.add(f)
				switch {
				case s == "":
				case k == "#text":
					el.Text = s
				default:
					el.Attrs = append(el.Attrs, xmlsyn.Attr{Name: k[1:], Value: s})
				}
			default:
				items := []engine.Node{x.Vals[i]}
				if l, isList := x.Vals[i].(engine.ListNode); isList {
					items = l.Items
				}
				for _, it := range items {
					child, f, err := xmlElement(ec, k, it)
					if err != nil {
						return nil, fill, err
					}
					fill.add(f)
					if child != nil {
						el.Children = append(el.Children, child)
					}
				}
			}
		}
		if !fill.keep() || el.Text == "" && len(el.Attrs) == 0 && len(el.Children) == 0 {
			return nil, fill, nil
		}
		return el, fill, nil
	}
	return nil, xmlFill{}, fmt.Errorf("%w: %s: an element is a field, a constant or a mapping", spec.ErrSpec, name)
}

// xmlText evaluates a leaf or constant as text; "" when absent.
func xmlText(ec *engine.EncodeCtx, n engine.Node) (string, xmlFill, error) {
	switch x := n.(type) {
	case engine.ConstNode:
		if x.Value == nil {
			return "", xmlFill{}, nil
		}
		return engine.ScalarText(x.Value), xmlFill{}, nil
	case engine.LeafNode:
		s, ok, err := ec.LeafText(x.Field)
		if err != nil || !ok {
			return "", xmlFill{fields: 1}, err
		}
		if s == "" {
			return "", xmlFill{fields: 1}, nil
		}
		return s, xmlFill{fields: 1, filled: 1}, nil
	}
	return "", xmlFill{}, fmt.Errorf("%w: an attribute or #text is a field or a constant", spec.ErrSpec)
}
