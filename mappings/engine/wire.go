package engine

// The engine sees every wire syntax through these few interfaces: a path
// language (selector), a way to cut a message into the items that become one
// event each (splitter), and positions for error messages. The syntax
// packages under mappings/syntax/ know nothing of them; the small adapters in
// this package (edifact_path.go, json_path.go, ...) bridge the two.

// Doc is one decoded message as the selectors see it.
type Doc struct {
	Root any // *edifact.Message, a JSON value, ...
	Item any // the current split item, or nil
	// Header is the syntax's view of the message outside the split items
	// (EDIFACT: the segments outside every group).
	Header any
	// Raw is the input as read (JSON), to find a value's line and column
	// when an error names it.
	Raw []byte
	// Plain turns root into what expressions see (JSON numbers as
	// numbers); nil when root is fine as it is.
	Plain func(any) any
	// plainRoot is root as expressions see it, made on first use.
	plainRoot any
	plainDone bool
}

// exprRoot is the document as expressions see it: JSON numbers become
// int or float64, so root.version > 1 compares numbers.
func (d *Doc) exprRoot() any {
	if !d.plainDone {
		d.plainRoot, d.plainDone = d.Root, true
		if d.Plain != nil {
			d.plainRoot = d.Plain(d.Root)
		}
	}
	return d.plainRoot
}

// Located is one selected value and where it was found.
type Located struct {
	W  Value
	At Position
}

// Value is a wire value without boxing: most values are plain strings, and
// putting each into an interface would cost an allocation per field.
type Value struct {
	S     string
	Parts []string // an EDIFACT composite, or a list (all)
	V     any      // anything else: JSON objects, numbers, expression results
	OK    bool
}

func Str(s string) Value { return Value{S: s, OK: s != ""} }
func Boxed(v any) Value {
	switch x := v.(type) {
	case nil:
		return Value{}
	case string:
		return Str(x)
	case []string:
		return Value{Parts: x, OK: len(x) > 0}
	}
	return Value{V: v, OK: true}
}

// Text is the value as one string (a composite gives its first non-empty
// component).
func (w Value) Text() string {
	switch {
	case w.V != nil:
		return Text(w.V)
	case w.Parts != nil:
		return Text(w.Parts)
	}
	return w.S
}

// box returns the value as an interface, for expressions and accessors.
func (w Value) box() any {
	switch {
	case !w.OK:
		return nil
	case w.V != nil:
		return w.V
	case w.Parts != nil:
		return w.Parts
	}
	return w.S
}

// Position says where in the input a value came from. It is cheap to make:
// the raw text is rendered only when an error needs it.
type Position struct {
	Line    int
	Col     int
	Segment string // EDIFACT tag, JSON path, XPath
	Field   string // element name
	Value   string // raw text as received (for error messages)
	Parts   []string
	// missing names the selector that found nothing, rendered lazily.
	missing Selector
	Doc     *Doc
	// Lazy renders from lazyArg what costs time to find (the segment as
	// sent, "DTM+7"; a JSON value's line and column), only when an error
	// needs it.
	Lazy    Resolver
	LazyArg any
}

// Resolver is a syntax's way to complete a position for an error message.
type Resolver interface {
	Resolve(p Position, arg any) Position
}

// resolve renders the lazy parts of a position for an error message.
func (p Position) resolve() Position {
	if p.missing != nil {
		q := p.missing.Where(p.Doc)
		return q
	}
	if p.Value == "" && p.Parts != nil {
		p.Value = joinParts(p.Parts)
	}
	if p.Lazy != nil {
		p = p.Lazy.Resolve(p, p.LazyArg)
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

// Selector reads values at one compiled wire path.
type Selector interface {
	// First returns the First value found, or ok=false.
	First(d *Doc) (Located, bool)
	// All returns every value found, in input order.
	All(d *Doc) []Located
	// Where describes the path for errors when nothing was found.
	Where(d *Doc) Position
}

// Splitter cuts a message into the items that become one event each.
type Splitter interface {
	Items(d *Doc) []any
}

// HeaderFinder is a path language whose paths read the part of a message
// outside the items it was split into (EDIFACT: the segments outside every
// group); Header returns that part, for Doc.Header.
type HeaderFinder interface {
	Header(d *Doc, items []any) any
}

// PathCompiler is a syntax's path language.
type PathCompiler interface {
	CompilePath(path string) (Selector, error)
	CompileEach(path string) (Splitter, error)
}
