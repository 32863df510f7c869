package mappings

// The engine sees every wire syntax through these few interfaces: a path
// language (selector), a way to cut a message into the items that become one
// event each (splitter), and positions for error messages. The syntax
// packages under mappings/syntax/ know nothing of them; the small adapters in
// this package (edifact_path.go, json_path.go, ...) bridge the two.

// doc is one decoded message as the selectors see it.
type doc struct {
	root any // *edifact.Message, a JSON value, ...
	item any // the current split item, or nil
	// header is the syntax's view of the message outside the split items
	// (EDIFACT: the segments outside every group).
	header any
	// raw is the input as read (JSON), to find a value's line and column
	// when an error names it.
	raw []byte
	// plain turns root into what expressions see (JSON numbers as
	// numbers); nil when root is fine as it is.
	plain func(any) any
	// plainRoot is root as expressions see it, made on first use.
	plainRoot any
	plainDone bool
}

// exprRoot is the document as expressions see it: JSON numbers become
// int or float64, so root.version > 1 compares numbers.
func (d *doc) exprRoot() any {
	if !d.plainDone {
		d.plainRoot, d.plainDone = d.root, true
		if d.plain != nil {
			d.plainRoot = d.plain(d.root)
		}
	}
	return d.plainRoot
}

// located is one selected value and where it was found.
type located struct {
	w  wv
	at position
}

// wv is a wire value without boxing: most values are plain strings, and
// putting each into an interface would cost an allocation per field.
type wv struct {
	s     string
	parts []string // an EDIFACT composite, or a list (all)
	v     any      // anything else: JSON objects, numbers, expression results
	ok    bool
}

func str(s string) wv { return wv{s: s, ok: s != ""} }
func boxed(v any) wv {
	switch x := v.(type) {
	case nil:
		return wv{}
	case string:
		return str(x)
	case []string:
		return wv{parts: x, ok: len(x) > 0}
	}
	return wv{v: v, ok: true}
}

// text is the value as one string (a composite gives its first non-empty
// component).
func (w wv) text() string {
	switch {
	case w.v != nil:
		return text(w.v)
	case w.parts != nil:
		return text(w.parts)
	}
	return w.s
}

// box returns the value as an interface, for expressions and accessors.
func (w wv) box() any {
	switch {
	case !w.ok:
		return nil
	case w.v != nil:
		return w.v
	case w.parts != nil:
		return w.parts
	}
	return w.s
}

// position says where in the input a value came from. It is cheap to make:
// the raw text is rendered only when an error needs it.
type position struct {
	line    int
	col     int
	segment string // EDIFACT tag, JSON path, XPath
	field   string // element name
	value   string // raw text as received (for error messages)
	parts   []string
	// missing names the selector that found nothing, rendered lazily.
	missing selector
	d       *doc
	// lazy renders from lazyArg what costs time to find (the segment as
	// sent, "DTM+7"; a JSON value's line and column), only when an error
	// needs it.
	lazy    resolver
	lazyArg any
}

// resolver is a syntax's way to complete a position for an error message.
type resolver interface {
	resolve(p position, arg any) position
}

// resolve renders the lazy parts of a position for an error message.
func (p position) resolve() position {
	if p.missing != nil {
		q := p.missing.where(p.d)
		return q
	}
	if p.value == "" && p.parts != nil {
		p.value = joinParts(p.parts)
	}
	if p.lazy != nil {
		p = p.lazy.resolve(p, p.lazyArg)
	}
	return p
}

func joinParts(parts []string) string {
	n := len(parts)
	for n > 0 && parts[n-1] == "" {
		n--
	}
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ":"
		}
		s += parts[i]
	}
	return s
}

// selector reads values at one compiled wire path.
type selector interface {
	// first returns the first value found, or ok=false.
	first(d *doc) (located, bool)
	// all returns every value found, in input order.
	all(d *doc) []located
	// where describes the path for errors when nothing was found.
	where(d *doc) position
}

// splitter cuts a message into the items that become one event each.
type splitter interface {
	items(d *doc) []any
}

// pathCompiler is a syntax's path language.
type pathCompiler interface {
	compilePath(path string) (selector, error)
	compileEach(path string) (splitter, error)
}
