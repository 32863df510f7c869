package xmlmap

import (
	"math"
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/nexport/pcsgate/mappings/engine"

	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// XML paths are XPath 1.0 expressions, compiled once with the prefixes of
// the spec's options.namespaces bound to their URIs (so a document may use
// any prefix it likes). A relative path is read from the current `each`
// item, or from the root element when the profile has no `each`; an
// absolute path (/rel:Release/...) from the document, whatever the item.
// An element gives its text, an attribute its value; functions such as
// local-name(.), concat(...) or count(...) give their result.
type xmlPaths struct {
	ns map[string]string
	// slots are the absolute paths compiled so far, each with its slot in
	// a document's cache (see xmlNavs).
	slots *absSlots
}

// absSlots numbers the absolute paths of a profile. Fields that read the
// same path share its slot, so the path is walked once per document.
type absSlots struct {
	bySrc map[string]*xmlSelector // the first selector compiled for a path
}

// add gives s its slot and its owner.
func (a *absSlots) add(s *xmlSelector) {
	if first, ok := a.bySrc[s.src]; ok {
		s.slot, s.owner = first.slot, first
		return
	}
	if a.bySrc == nil {
		a.bySrc = map[string]*xmlSelector{}
	}
	s.slot, s.owner = len(a.bySrc), s
	a.bySrc[s.src] = s
}

// xmlSelector reads one path. Most paths (child steps, @attr, self::, ..,
// [@attr='value'], unions, concat() and local-name()) are walked on the
// tree directly by xmlsyn; the XPath library evaluates the others.
type xmlSelector struct {
	p   *xmlsyn.Path // walks the common paths directly
	x   *xpath.Expr  // evaluates any path
	src string
	abs bool // an absolute path: the same for every item of a document
	// direct is set when p walks the path without the XPath library.
	direct bool
	// slot is the selector's place in xmlNavs.abs when abs, else -1;
	// owner is the selector that fills it, the first compiled for src.
	slot  int
	owner *xmlSelector
}

func (x xmlPaths) compile(path string) (*xmlsyn.Path, *xpath.Expr, error) {
	// xmlsyn words the error for users and walks common paths; xpath
	// gives the evaluator that starts anywhere in the document.
	p, err := xmlsyn.CompilePath(path, x.ns)
	if err != nil {
		return nil, nil, err
	}
	ns := x.ns
	if ns == nil {
		ns = map[string]string{}
	}
	e, err := xpath.CompileWithNS(path, ns)
	return p, e, err
}

func (x xmlPaths) CompilePath(path string) (engine.Selector, error) {
	p, e, err := x.compile(path)
	if err != nil {
		return nil, err
	}
	s := &xmlSelector{p: p, x: e, src: path, direct: p.Direct(), slot: -1}
	if s.direct {
		s.abs = p.Absolute()
	} else {
		s.abs = strings.HasPrefix(path, "/") && !strings.Contains(path, "|")
	}
	if s.abs && x.slots != nil {
		x.slots.add(s)
	}
	return s, nil
}

func (x xmlPaths) CompileEach(path string) (engine.Splitter, error) {
	p, e, err := x.compile(path)
	if err != nil {
		return nil, err
	}
	return xmlSplitter{p: p, x: e}, nil
}

// Header keeps, per document, a navigator per split item (so fields of one
// item do not walk the tree again) and the first values of absolute paths
// (the same for every item).
// A document decodeXML reads has its cache from the start (see message).
func (x xmlPaths) Header(d *engine.Doc, items []any) any {
	if cache, ok := d.Header.(*xmlNavs); ok && cache != nil {
		return cache
	}
	n := 0
	if x.slots != nil {
		n = len(x.slots.bySrc)
	}
	return &xmlNavs{abs: make([]xmlFirst, n)}
}

type xmlNavs struct {
	navs map[*xmlquery.Node]*xmlquery.NodeNavigator
	abs  []xmlFirst // by xmlSelector.slot
	// items are what the splitter itemsOf gave for the document: secrets
	// and events are both read per item.
	items   []any
	itemsOf *xmlsyn.Path
}

// reset forgets the document, keeping the memory for the next one.
func (c *xmlNavs) reset() {
	clear(c.navs)
	clear(c.abs)
	clear(c.items)
	c.items, c.itemsOf = c.items[:0], nil
}

// xmlFirst is what First found for the selectors sel owns: the value and
// the node it is on.
type xmlFirst struct {
	sel  *xmlSelector // nil: not looked up yet
	node *xmlquery.Node
	val  string
	ok   bool
}

// xmlContext is the node relative paths start from.
func xmlContext(d *engine.Doc) *xmlquery.Node {
	if n, ok := d.Item.(*xmlquery.Node); ok && n != nil {
		return n
	}
	n, _ := d.Root.(*xmlquery.Node)
	return n
}

// navigator returns a navigator on the context node whose root is the
// document node, so absolute paths and .. work from any item.
func navigator(d *engine.Doc) *xmlquery.NodeNavigator {
	n := xmlContext(d)
	if n == nil {
		return nil
	}
	cache, _ := d.Header.(*xmlNavs)
	if cache != nil {
		if nav, ok := cache.navs[n]; ok {
			return nav.Copy().(*xmlquery.NodeNavigator)
		}
	}
	top := n
	for top.Parent != nil {
		top = top.Parent
	}
	nav := xmlquery.CreateXPathNavigator(top)
	var chain []*xmlquery.Node
	for c := n; c != top; c = c.Parent {
		chain = append(chain, c)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if !nav.MoveToChild() {
			return nil
		}
		for nav.Current() != chain[i] {
			if !nav.MoveToNext() {
				return nil
			}
		}
	}
	if cache != nil {
		if cache.navs == nil {
			cache.navs = make(map[*xmlquery.Node]*xmlquery.NodeNavigator)
		}
		cache.navs[n] = nav
		return nav.Copy().(*xmlquery.NodeNavigator)
	}
	return nav
}

// top is the document node above n.
func top(n *xmlquery.Node) *xmlquery.Node {
	for n != nil && n.Parent != nil {
		n = n.Parent
	}
	return n
}

// eval runs the expression; a panic inside the XPath library counts as
// "nothing found" and in xmlsyn.RecoveredPanics.
func (s *xmlSelector) eval(d *engine.Doc) any {
	nav := navigator(d)
	if nav == nil {
		return nil
	}
	return xmlsyn.Evaluate(s.x, nav)
}

func (s *xmlSelector) at(n *xmlquery.Node, t string) engine.Position {
	return engine.Position{Line: xmlsyn.Line(n), Segment: s.src, Value: t}
}

// First finds the first non-empty value of the path. An absolute path is
// looked up once per document and then read from the document's cache.
func (s *xmlSelector) First(d *engine.Doc) (engine.Located, bool) {
	n, t, ok := s.cached(d)
	if !ok {
		return engine.Located{}, false
	}
	return engine.Located{W: engine.Str(t), At: s.at(n, t)}, true
}

// FirstValue is First's value without its position, which the engine
// asks for only when an error needs it.
func (s *xmlSelector) FirstValue(d *engine.Doc) (engine.Value, bool) {
	_, t, ok := s.cached(d)
	if !ok {
		return engine.Value{}, false
	}
	return engine.Str(t), true
}

// FirstText is FirstValue for the engine's plain fields: every value of
// an XML path is text.
func (s *xmlSelector) FirstText(d *engine.Doc) (string, bool, bool) {
	_, t, ok := s.cached(d)
	return t, ok, true
}

// cached is find, read from the document's cache for an absolute path.
func (s *xmlSelector) cached(d *engine.Doc) (*xmlquery.Node, string, bool) {
	cache, _ := d.Header.(*xmlNavs)
	if cache == nil || s.slot < 0 {
		return s.find(d)
	}
	if s.slot >= len(cache.abs) {
		cache.abs = append(cache.abs, make([]xmlFirst, s.slot+1-len(cache.abs))...)
	}
	f := &cache.abs[s.slot]
	if f.sel != s.owner {
		f.node, f.val, f.ok = s.find(d)
		f.sel = s.owner
	}
	return f.node, f.val, f.ok
}

// find returns the first non-empty value of the path, trimmed, and the
// node it was read on.
func (s *xmlSelector) find(d *engine.Doc) (*xmlquery.Node, string, bool) {
	ctx := xmlContext(d)
	if h, t, found, ok := s.p.FirstValue(ctx, top(ctx)); ok {
		return h.Node, t, found
	}
	if v, ok := s.p.Text(ctx, top(ctx)); ok {
		t := strings.TrimSpace(v)
		return ctx, t, t != ""
	}
	switch v := s.eval(d).(type) {
	case *xpath.NodeIterator:
		for v.MoveNext() {
			if t := strings.TrimSpace(v.Current().Value()); t != "" {
				return iterNode(v), t, true
			}
		}
	case string:
		t := strings.TrimSpace(v)
		return ctx, t, t != ""
	case float64:
		if !math.IsNaN(v) {
			return ctx, strconv.FormatFloat(v, 'f', -1, 64), true
		}
	case bool:
		return ctx, strconv.FormatBool(v), true
	}
	return nil, "", false
}

// iterNode is the element the iterator stands on (an attribute's owner).
func iterNode(it *xpath.NodeIterator) *xmlquery.Node {
	if nav, ok := it.Current().(*xmlquery.NodeNavigator); ok {
		return nav.Current()
	}
	return nil
}

// EachValue hands over what All selects without the positions, which
// only an error needs.
func (s *xmlSelector) EachValue(d *engine.Doc, yield func(engine.Value)) {
	ctx := xmlContext(d)
	var buf [8]xmlsyn.Hit
	if hits, ok := s.p.Select(buf[:0], ctx, top(ctx)); ok {
		for _, h := range hits {
			if t := strings.TrimSpace(h.Value()); t != "" {
				yield(engine.Str(t))
			}
		}
		return
	}
	for _, l := range s.All(d) {
		yield(l.W)
	}
}

// AppendTexts is EachValue appending the texts to dst.
func (s *xmlSelector) AppendTexts(dst []string, d *engine.Doc) []string {
	ctx := xmlContext(d)
	var buf [8]xmlsyn.Hit
	if hits, ok := s.p.Select(buf[:0], ctx, top(ctx)); ok {
		for _, h := range hits {
			if t := strings.TrimSpace(h.Value()); t != "" {
				dst = append(dst, t)
			}
		}
		return dst
	}
	for _, l := range s.All(d) {
		if t := l.W.Text(); t != "" {
			dst = append(dst, t)
		}
	}
	return dst
}

func (s *xmlSelector) All(d *engine.Doc) []engine.Located {
	ctx := xmlContext(d)
	var buf [8]xmlsyn.Hit
	if hits, ok := s.p.Select(buf[:0], ctx, top(ctx)); ok {
		if len(hits) == 0 {
			return nil
		}
		out := make([]engine.Located, 0, len(hits))
		for _, h := range hits {
			if t := strings.TrimSpace(h.Value()); t != "" {
				out = append(out, engine.Located{W: engine.Str(t), At: s.at(h.Node, t)})
			}
		}
		return out
	}
	it, ok := s.eval(d).(*xpath.NodeIterator)
	if !ok {
		return nil
	}
	var out []engine.Located
	for it.MoveNext() {
		if t := strings.TrimSpace(it.Current().Value()); t != "" {
			out = append(out, engine.Located{W: engine.Str(t), At: s.at(iterNode(it), t)})
		}
	}
	return out
}

func (s *xmlSelector) Where(d *engine.Doc) engine.Position {
	ctx := xmlContext(d)
	if strings.HasPrefix(s.src, "/") {
		ctx, _ = d.Root.(*xmlquery.Node)
	}
	return engine.Position{Line: xmlsyn.Line(ctx), Segment: s.src}
}

// xmlSplitter selects the elements that become one event each.
type xmlSplitter struct {
	p *xmlsyn.Path
	x *xpath.Expr
}

// Items are found once per document when it has a cache: the engine asks
// for them to collect the secrets and again to decode.
func (s xmlSplitter) Items(d *engine.Doc) []any {
	cache, _ := d.Header.(*xmlNavs)
	switch {
	case cache == nil || cache.itemsOf != nil && cache.itemsOf != s.p:
		return s.items(d, nil)
	case cache.itemsOf == nil:
		cache.items = s.items(d, cache.items[:0])
		cache.itemsOf = s.p
	}
	return cache.items
}

// items appends the document's items to out.
func (s xmlSplitter) items(d *engine.Doc, out []any) []any {
	if root, _ := d.Root.(*xmlquery.Node); root != nil {
		var buf [8]xmlsyn.Hit
		if hits, ok := s.p.Select(buf[:0], root, top(root)); ok {
			for _, h := range hits {
				// The XPath library counts processing instructions as elements.
				if h.Attr < 0 && (h.Node.Type == xmlquery.ElementNode || h.Node.Type == xmlquery.ProcessingInstruction) {
					out = append(out, h.Node)
				}
			}
			return out
		}
	}
	nav := navigator(&engine.Doc{Root: d.Root})
	if nav == nil {
		return out
	}
	for _, n := range xmlsyn.EvaluateElements(s.x, nav) {
		out = append(out, n)
	}
	return out
}

// Interface guards.
var (
	_ engine.HeaderFinder  = xmlPaths{}
	_ engine.ValueFinder   = (*xmlSelector)(nil)
	_ engine.TextsAppender = (*xmlSelector)(nil)
)
