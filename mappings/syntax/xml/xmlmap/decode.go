package xmlmap

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/antchfx/xmlquery"
	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// An XML input is one document: it is read whole (within the profile's
// max_bytes and max_depth), strictly (no DTD, no entities: see
// mappings/syntax/xml), and recognised by its root element, written in
// match.root as {namespace-uri}LocalName. Optionally match.path (an XPath)
// and match.values tell apart documents that share a root element.

// decodeXML reads one XML document and emits its events.
func decodeXML(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	xopts := xmlsyn.Options{Name: opts.Name, MaxBytes: 16 << 20}
	if fixed != nil {
		xopts.MaxBytes = fixed.MaxBytes
		if fixed.Spec.Options != nil {
			xopts.MaxDepth = fixed.Spec.Options.MaxDepth
		}
	}
	tree, err := xmlsyn.ParseTree(br, xopts)
	if err != nil {
		opts.Unread(fixed)
		return err
	}
	// Events and errors keep strings of the document, never its nodes.
	defer tree.Release()
	root := xmlRoot(tree.Doc)
	if root == nil {
		opts.Unread(fixed)
		return &engine.Error{File: opts.Name, Line: 1, Err: fmt.Errorf("%w: the document has no root element", engine.ErrInput)}
	}
	p := fixed
	if p == nil {
		if p, err = detectXML(r, root); err != nil {
			opts.Unread(nil)
			return &engine.Error{File: opts.Name, Line: root.LineNumber, Segment: "root element", Value: clark(root), Err: err}
		}
	} else if !matchesXML(p, root) {
		opts.Unread(fixed)
		return &engine.Error{File: opts.Name, Line: root.LineNumber, Segment: "root element", Value: clark(root),
			Err: fmt.Errorf("%w: %s reads %s", xmlsyn.ErrNamespace, p.Name(), xmlMatchText(p))}
	}
	m := messages.Get().(*message)
	defer m.release()
	events, derr := m.decode(p, root, opts)
	if len(events) > 0 {
		if err := emit(engine.Batch{Profile: p, Ref: events[0].Source.MessageRef, Events: events}); err != nil {
			return err
		}
	}
	return derr
}

// message is what decoding one document takes besides its tree, pooled:
// the decoding context, the document as the engine sees it and its cache.
// Nothing of it outlives decodeXML; events and errors keep strings only.
type message struct {
	dc    engine.DecodeCtx
	doc   engine.Doc
	cache xmlNavs
}

var messages = sync.Pool{New: func() any { return new(message) }}

// decode turns the document below root into events with profile p.
func (m *message) decode(p *engine.Profile, root *xmlquery.Node, opts *engine.DecodeOptions) ([]*canonical.ReleaseEvent, error) {
	m.dc = engine.DecodeCtx{Profile: p, File: opts.Name, Opts: opts}
	m.doc = engine.Doc{Root: root, Header: &m.cache}
	// Name the document in errors by its reference, when the spec reads one.
	for _, cf := range p.Dec.Fields {
		if cf.Spec.Target == "source.messageRef" && len(cf.From) > 0 {
			if l, ok := cf.From[0].First(&m.doc); ok {
				m.dc.Ref = l.W.Text()
			}
			break
		}
	}
	return m.dc.DecodeDoc(&m.doc, canonical.Source{PCS: p.Spec.PCS(), Profile: p.Name()})
}

// release forgets the document and pools m.
func (m *message) release() {
	m.dc = engine.DecodeCtx{}
	m.doc = engine.Doc{}
	m.cache.reset()
	messages.Put(m)
}

// xmlRoot returns the root element below the document node.
func xmlRoot(top *xmlquery.Node) *xmlquery.Node {
	if top == nil {
		return nil
	}
	if top.Type == xmlquery.ElementNode {
		return top
	}
	for c := top.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xmlquery.ElementNode {
			return c
		}
	}
	return nil
}

// clark renders an element's name as {uri}local.
func clark(n *xmlquery.Node) string {
	if n.NamespaceURI == "" {
		return n.Data
	}
	return "{" + n.NamespaceURI + "}" + n.Data
}

// isClark reports whether clark(n) is name, without building it.
func isClark(n *xmlquery.Node, name string) bool {
	if n.NamespaceURI == "" {
		return n.Data == name
	}
	uri, local := n.NamespaceURI, n.Data
	return len(name) == len(uri)+len(local)+2 && name[0] == '{' && name[1+len(uri)] == '}' &&
		name[1:1+len(uri)] == uri && name[2+len(uri):] == local
}

// matchesXML reports whether the profile reads documents with this root.
func matchesXML(p *engine.Profile, root *xmlquery.Node) bool {
	m := p.Spec.Match
	if !engine.IsSyntax[Syntax](p) || p.Dec == nil || m == nil || m.Root == "" {
		return false
	}
	if !isClark(root, m.Root) {
		return false
	}
	if m.Path == "" {
		return true
	}
	path, err := xmlsyn.CompilePath(m.Path, namespaces(p))
	if err != nil {
		return false
	}
	v, ok := path.String(root)
	return ok && (len(m.Values) == 0 || slices.Contains(m.Values, v))
}

func xmlMatchText(p *engine.Profile) string {
	m := p.Spec.Match
	if m == nil || m.Root == "" {
		return "nothing (no match.root)"
	}
	s := m.Root
	if m.Path != "" {
		s += " with " + m.Path
		if len(m.Values) > 0 {
			s += " in " + strings.Join(m.Values, ", ")
		}
	}
	return s
}

// namespaces are the spec's prefix bindings.
func namespaces(p *engine.Profile) map[string]string {
	if p.Spec.Options == nil {
		return nil
	}
	return p.Spec.Options.Namespaces
}

// detectXML picks the one profile whose match names the root element.
// Overlays (extends) never win detection: name them with --from.
func detectXML(r *engine.Registry, root *xmlquery.Node) (*engine.Profile, error) {
	var found []*engine.Profile
	for _, p := range r.Profiles() {
		if p.Spec.Extends == "" && matchesXML(p, root) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("%w: no profile reads this root element; name one with --from", engine.ErrNoProfile)
	}
	names := make([]string, len(found))
	for i, p := range found {
		names[i] = p.Name()
	}
	return nil, fmt.Errorf("%w: several profiles read this root element (%s); name one with --from", engine.ErrNoProfile, strings.Join(names, ", "))
}
