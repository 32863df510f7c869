package edifactmap

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// EDIFACT paths, as specs write them:
//
//	BGM.1225                 element 1225 of the first BGM outside the groups
//	RFF[BM].C506.1154        first RFF whose qualifier (element 1, component 1) is BM
//	EQD/DTM[36].C507         a DTM+36 inside the current EQD group; C507 whole
//	MEA[AAE,G].C174.6314     qualifiers on elements 1 and 2
//	RFF[BM|BH].C506.1154     alternatives
//	LOC[165].2.1             positions as numbers
//
// A path starting with the split tag (EQD when each is EQD[CN]) reads the
// current group; any other path reads the segments outside every group.
type edifactPaths struct {
	groupTag string // tag of the split (each), "" when none
	// ids numbers the selectors compiled, so that a message's header can
	// keep what each found (see headerFirst); nil numbers none.
	ids *atomic.Int32
	// compiled keeps the selectors by path, so that fields reading the
	// same path share one, and what it found (see groupFirst); nil keeps
	// none.
	compiled *sync.Map
}

// newEdifactPaths returns the path language of a profile whose split
// (each) names groupTag.
func newEdifactPaths(groupTag string) edifactPaths {
	return edifactPaths{groupTag: groupTag, ids: new(atomic.Int32), compiled: new(sync.Map)}
}

type edifactSelector struct {
	raw      string
	inGroup  bool
	tag      string
	key      uint32     // tag packed for fast comparison
	quals    [][]string // per element position: alternatives ("" = any)
	elem     int        // 0 = whole segment (its first element)
	comp     int        // 0 = whole composite
	elemName string
	ids      *atomic.Int32 // of the paths that compiled it, nil for none
	id       int32
}

// edGroup is one split item: segments [start, end) of the message, and
// the index of the message's segments by tag.
type edGroup struct {
	start, end int
	idx        *msgIndex
	set        *splitSet // that holds the group, nil when made alone
	// found keeps, by selector id, what First found in the group, as
	// edHeader.found does outside the groups; ids numbers the selectors.
	found []int32
	ids   *atomic.Int32
}

func (p edifactPaths) CompilePath(path string) (engine.Selector, error) {
	if p.compiled == nil {
		return p.compilePath(path)
	}
	if s, ok := p.compiled.Load(path); ok {
		return s.(engine.Selector), nil
	}
	s, err := p.compilePath(path)
	if err != nil {
		return nil, err
	}
	got, _ := p.compiled.LoadOrStore(path, s)
	return got.(engine.Selector), nil
}

// compilePath is CompilePath of a path not compiled before.
func (p edifactPaths) compilePath(path string) (engine.Selector, error) {
	s := &edifactSelector{raw: path}
	if p.ids != nil {
		s.ids, s.id = p.ids, p.ids.Add(1)-1
	}
	rest := path
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		head := rest[:i]
		if q := strings.IndexByte(head, '['); q >= 0 {
			head = head[:q]
		}
		if p.groupTag == "" || head != p.groupTag {
			return nil, fmt.Errorf("path %q: %q is not the split group (each: %s)", path, head, p.groupTag)
		}
		s.inGroup = true
		rest = rest[i+1:]
	}
	segPart, elemPart, _ := strings.Cut(rest, ".")
	if q := strings.IndexByte(segPart, '['); q >= 0 {
		if !strings.HasSuffix(segPart, "]") {
			return nil, fmt.Errorf("path %q: unclosed qualifier", path)
		}
		for _, alt := range strings.Split(segPart[q+1:len(segPart)-1], ",") {
			s.quals = append(s.quals, strings.Split(strings.TrimSpace(alt), "|"))
		}
		segPart = segPart[:q]
	}
	if len(segPart) != 3 || strings.ToUpper(segPart) != segPart {
		return nil, fmt.Errorf("path %q: %q is not a segment tag", path, segPart)
	}
	s.tag = segPart
	s.key = tagKey(segPart)
	if segPart == p.groupTag {
		s.inGroup = true
	}
	if elemPart != "" {
		e, c, ok := elementPosition(s.tag, strings.Split(elemPart, "."))
		if !ok {
			return nil, fmt.Errorf("path %q: %q is not an element of %s", path, elemPart, s.tag)
		}
		s.elem, s.comp, s.elemName = e, c, elemPart
	}
	return s, nil
}

func (p edifactPaths) CompileEach(path string) (engine.Splitter, error) {
	sel, err := edifactPaths{}.CompilePath(path)
	if err != nil {
		return nil, err
	}
	s := sel.(*edifactSelector)
	if s.elem != 0 {
		return nil, fmt.Errorf("each %q: name a segment (with qualifiers), not an element", path)
	}
	return edifactSplitter{head: s}, nil
}

// groupTagOf returns the tag of an each expression ("EQD[CN]" -> "EQD").
func groupTagOf(each string) string {
	if q := strings.IndexByte(each, '['); q >= 0 {
		return each[:q]
	}
	return each
}

type edifactSplitter struct{ head *edifactSelector }

// endsGroup reports whether a segment of tag closes a group even when no
// next group head follows: CNT and UNT.
func endsGroup(tag string) bool { return tag == "CNT" || tag == "UNT" }

// Items cuts the message into its groups, each from a head to the next
// head or group end; the groups share one index of the message by tag.
func (sp edifactSplitter) Items(d *engine.Doc) []any {
	m := d.Root.(*edifact.Message)
	n := 0
	for i := range m.Segments {
		if sp.isHead(&m.Segments[i]) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	set := splitPool.Get().(*splitSet)
	groups := set.groups[:0]
	open := false
	for i := range m.Segments {
		seg := &m.Segments[i]
		if sp.isHead(seg) {
			if open {
				groups[len(groups)-1].end = i
			}
			groups = append(groups, edGroup{start: i})
			open = true
			continue
		}
		if open && endsGroup(seg.Tag) {
			groups[len(groups)-1].end = i
			open = false
		}
	}
	if open {
		groups[len(groups)-1].end = len(m.Segments)
	}
	set.idx.build(m)
	set.groups = groups
	// Pointers into one slice: boxing them costs no allocation.
	out := set.items[:0]
	for i := range groups {
		groups[i].idx, groups[i].set = &set.idx, set
		out = append(out, &groups[i])
	}
	set.items = out
	return out
}

// splitSet is the memory of splitting one message: its groups, the items
// handed to the engine, the index by tag and the header. It is pooled:
// a message decoded without a problem gives it back (release), since
// nothing refers to it then.
type splitSet struct {
	groups []edGroup
	items  []any
	idx    msgIndex
	hdr    edHeader
	gfound []int32 // the groups' found, one after the other
}

var splitPool = sync.Pool{New: func() any { return new(splitSet) }}

// release gives the set back to the pool.
func (s *splitSet) release() {
	clear(s.items)
	s.hdr.idx = nil
	splitPool.Put(s)
}

// isHead reports whether seg opens a group.
func (sp edifactSplitter) isHead(seg *edifact.Segment) bool {
	return seg.Tag == sp.head.tag && sp.head.matches(seg)
}

// edHeader marks the segments outside every group, and shares the
// groups' index of the message.
type edHeader struct {
	inGroup []bool
	idx     *msgIndex
	// found keeps, by selector id, what First found outside the groups,
	// the same for every group: 0 not yet looked up, -1 nothing, else
	// 1 + the segment's number.
	found []int32
	ids   *atomic.Int32
	set   *splitSet // that holds the header, nil when made alone
}

func edifactHeader(m *edifact.Message, groups []any, ids *atomic.Int32) *edHeader {
	var set *splitSet
	if len(groups) > 0 {
		set = groups[0].(*edGroup).set
	}
	if set == nil {
		set = &splitSet{}
	}
	h := &set.hdr
	h.set = set
	h.inGroup = resized(h.inGroup, len(m.Segments))
	h.ids, h.found = ids, h.found[:0]
	if ids != nil {
		n := int(ids.Load())
		h.found = resized(h.found, n)
		set.gfound = resized(set.gfound, n*len(groups))
		for i, g := range groups {
			gr := g.(*edGroup)
			gr.found, gr.ids = set.gfound[i*n:(i+1)*n:(i+1)*n], ids
		}
	}
	for _, g := range groups {
		gr := g.(*edGroup)
		h.idx = gr.idx
		for i := gr.start; i < gr.end; i++ {
			h.inGroup[i] = true
		}
	}
	return h
}

// resized returns s with n zero elements, reusing its array when big
// enough.
func resized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (s *edifactSelector) matches(seg *edifact.Segment) bool {
	for i, alts := range s.quals {
		got := seg.Value(i+1, 1)
		ok := false
		for _, a := range alts {
			if a == got || a == "*" {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// cursor returns a walk over the segments of the selector's tag in its
// scope: the current group, or the segments outside every group (the
// whole message while no header is known). ok is false when the document
// is not an EDIFACT message or no group is current for a group path.
func (s *edifactSelector) cursor(d *engine.Doc) (c cursor, ok bool) {
	m, ok := d.Root.(*edifact.Message)
	if !ok {
		return c, false
	}
	c = cursor{segs: m.Segments, to: len(m.Segments), key: s.key}
	var idx *msgIndex
	if s.inGroup {
		g, ok := d.Item.(*edGroup)
		if !ok {
			return c, false
		}
		c.from, c.to, idx = g.start, g.end, g.idx
	} else if h, _ := d.Header.(*edHeader); h != nil {
		c.skip, idx = h.inGroup, h.idx
	}
	if idx == nil {
		c.linear, c.i = true, c.from
		return c, true
	}
	c.list = idx.segments(s.key)
	return c, true
}

func (s *edifactSelector) value(seg *edifact.Segment) engine.Value {
	switch {
	case s.elem == 0:
		return engine.Str(seg.Value(1, 1))
	case s.comp == 0:
		c := seg.Composite(s.elem)
		for _, x := range c {
			if x != "" {
				return engine.Value{Parts: c, OK: true}
			}
		}
		return engine.Value{}
	default:
		return engine.Str(seg.Value(s.elem, s.comp))
	}
}

func (s *edifactSelector) locate(seg *edifact.Segment, w engine.Value) engine.Located {
	return engine.Located{W: w, At: engine.Position{Line: seg.Line, Segment: seg.Tag, Field: s.elemName, Value: w.S, Parts: w.Parts, Lazy: s, LazyArg: seg}}
}

func (s *edifactSelector) First(d *engine.Doc) (l engine.Located, ok bool) {
	m, ok := d.Root.(*edifact.Message)
	if !ok {
		return l, false
	}
	k := s.firstIndex(m, d)
	if k < 0 {
		return l, false
	}
	// Filled in place: Located is large, and a copy of it costs.
	seg := &m.Segments[k]
	l.W = s.value(seg)
	l.At = engine.Position{Line: seg.Line, Segment: seg.Tag, Field: s.elemName, Value: l.W.S, Parts: l.W.Parts, Lazy: s, LazyArg: seg}
	return l, true
}

// FirstValue is First's value without its position, which the engine
// asks for only when an error needs it.
func (s *edifactSelector) FirstValue(d *engine.Doc) (engine.Value, bool) {
	m, ok := d.Root.(*edifact.Message)
	if !ok {
		return engine.Value{}, false
	}
	k := s.firstIndex(m, d)
	if k < 0 {
		return engine.Value{}, false
	}
	return s.value(&m.Segments[k]), true
}

// FirstText is FirstValue for the engine's plain fields: an element or a
// component is text, a whole composite is not (FirstValue gives its parts).
func (s *edifactSelector) FirstText(d *engine.Doc) (string, bool, bool) {
	m, ok := d.Root.(*edifact.Message)
	if !ok {
		return "", false, false
	}
	k := s.firstIndex(m, d)
	switch {
	case k < 0:
		return "", false, false
	case s.elem == 0:
		return m.Segments[k].Value(1, 1), true, true
	case s.comp == 0:
		return "", true, false
	}
	return m.Segments[k].Value(s.elem, s.comp), true, true
}

// firstIndex returns the number of the first segment in scope that
// matches and has a value, or -1; the scopes are those of cursor.
func (s *edifactSelector) firstIndex(m *edifact.Message, d *engine.Doc) int {
	if s.inGroup {
		g, ok := d.Item.(*edGroup)
		if !ok {
			return -1
		}
		if g.idx == nil {
			return s.firstLinear(m.Segments, g.start, g.end, nil)
		}
		return s.groupFirst(m, g)
	}
	h, _ := d.Header.(*edHeader)
	switch {
	case h == nil:
		return s.firstLinear(m.Segments, 0, len(m.Segments), nil)
	case h.idx == nil:
		return s.firstLinear(m.Segments, 0, len(m.Segments), h.inGroup)
	}
	return s.headerFirst(m, h)
}

// groupFirst is firstIndex in the group g, looked up once per group:
// fields reading the same path share a selector.
func (s *edifactSelector) groupFirst(m *edifact.Message, g *edGroup) int {
	known := s.ids != nil && s.ids == g.ids && int(s.id) < len(g.found)
	if known {
		switch f := g.found[s.id]; {
		case f < 0:
			return -1
		case f > 0:
			return int(f) - 1
		}
	}
	k := s.firstListed(m.Segments, g.idx.segments(s.key), g.start, g.end, nil)
	if known {
		g.found[s.id] = int32(k + 1)
		if k < 0 {
			g.found[s.id] = -1
		}
	}
	return k
}

// headerFirst is firstIndex outside every group, looked up once per
// message: each group reads the same header.
func (s *edifactSelector) headerFirst(m *edifact.Message, h *edHeader) int {
	known := s.ids != nil && s.ids == h.ids && int(s.id) < len(h.found)
	if known {
		switch f := h.found[s.id]; {
		case f < 0:
			return -1
		case f > 0:
			return int(f) - 1
		}
	}
	k := s.firstListed(m.Segments, h.idx.segments(s.key), 0, len(m.Segments), h.inGroup)
	if known {
		h.found[s.id] = int32(k + 1)
		if k < 0 {
			h.found[s.id] = -1
		}
	}
	return k
}

// firstListed is firstIndex over the segments of list in [from, to)
// that skip does not mark.
func (s *edifactSelector) firstListed(segs []edifact.Segment, list []int32, from, to int, skip []bool) int {
	for _, k32 := range list {
		k := int(k32)
		if k < from || skip != nil && skip[k] {
			continue
		}
		if k >= to {
			break
		}
		if s.matches(&segs[k]) && s.hasValue(&segs[k]) {
			return k
		}
	}
	return -1
}

// firstLinear is firstIndex over every segment in [from, to) that skip
// does not mark.
func (s *edifactSelector) firstLinear(segs []edifact.Segment, from, to int, skip []bool) int {
	for k := from; k < to; k++ {
		if skip != nil && skip[k] || tagKey(segs[k].Tag) != s.key {
			continue
		}
		if s.matches(&segs[k]) && s.hasValue(&segs[k]) {
			return k
		}
	}
	return -1
}

// hasValue reports whether value(seg) is OK, without making it.
func (s *edifactSelector) hasValue(seg *edifact.Segment) bool {
	switch {
	case s.elem == 0:
		return seg.Value(1, 1) != ""
	case s.comp == 0:
		for _, x := range seg.Composite(s.elem) {
			if x != "" {
				return true
			}
		}
		return false
	}
	return seg.Value(s.elem, s.comp) != ""
}

func (s *edifactSelector) All(d *engine.Doc) []engine.Located {
	c, ok := s.cursor(d)
	if !ok {
		return nil
	}
	var out []engine.Located
	for seg := c.next(); seg != nil; seg = c.next() {
		if !s.matches(seg) {
			continue
		}
		if w := s.value(seg); w.OK {
			out = append(out, s.locate(seg, w))
		}
	}
	return out
}

// EachValue is All's values without their positions, which an `all`
// field does not need.
func (s *edifactSelector) EachValue(d *engine.Doc, yield func(engine.Value)) {
	c, ok := s.cursor(d)
	if !ok {
		return
	}
	for seg := c.next(); seg != nil; seg = c.next() {
		if !s.matches(seg) {
			continue
		}
		if w := s.value(seg); w.OK {
			yield(w)
		}
	}
}

// AppendTexts is EachValue appending the non-empty texts to dst, without
// the callback an `all` field would otherwise allocate.
func (s *edifactSelector) AppendTexts(dst []string, d *engine.Doc) []string {
	c, ok := s.cursor(d)
	if !ok {
		return dst
	}
	for seg := c.next(); seg != nil; seg = c.next() {
		if !s.matches(seg) {
			continue
		}
		if w := s.value(seg); w.OK {
			if t := w.Text(); t != "" {
				dst = append(dst, t)
			}
		}
	}
	return dst
}

func (s *edifactSelector) Where(d *engine.Doc) engine.Position {
	p := engine.Position{Segment: s.tag, Field: s.elemName}
	if s.inGroup {
		if g, ok := d.Item.(*edGroup); ok {
			m := d.Root.(*edifact.Message)
			p.Line = m.Segments[g.start].Line
			p.Segment = m.Segments[g.start].Tag + " group: " + s.tag
		}
	} else if m, ok := d.Root.(*edifact.Message); ok && len(m.Segments) > 0 {
		p.Line = m.Segments[0].Line
		p.Segment = "message: " + s.tag
	}
	if len(s.quals) > 0 {
		p.Segment += "+" + strings.Join(s.quals[0], "|")
	}
	return p
}

// sentName names a segment as sent, with the qualifiers the selector
// matched on: "DTM+7", "MEA+AAE+G"; the bare tag when it has none.
// Resolve names the segment as sent ("DTM+7") for an error message.
func (s *edifactSelector) Resolve(p engine.Position, arg any) engine.Position {
	p.Segment = s.sentName(arg.(*edifact.Segment))
	return p
}

func (s *edifactSelector) sentName(seg *edifact.Segment) string {
	if len(s.quals) == 0 {
		return seg.Tag
	}
	var b strings.Builder
	b.WriteString(seg.Tag)
	for i := range s.quals {
		b.WriteByte('+')
		b.WriteString(seg.Value(i+1, 1))
	}
	return b.String()
}

// header marks the segments outside the split groups (see decodeDoc).
func (p edifactPaths) Header(d *engine.Doc, items []any) any {
	m, ok := d.Root.(*edifact.Message)
	if !ok {
		return nil
	}
	return edifactHeader(m, items, p.ids)
}

// tagKey packs a three-letter segment tag into an integer; other lengths
// give 0, which no compiled selector uses.
func tagKey(t string) uint32 {
	if len(t) != 3 {
		return 0
	}
	return uint32(t[0])<<16 | uint32(t[1])<<8 | uint32(t[2])
}

var (
	_ engine.HeaderFinder  = edifactPaths{}
	_ engine.TextsAppender = (*edifactSelector)(nil)
	_ engine.TextFinder    = (*edifactSelector)(nil)
)
