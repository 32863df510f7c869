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
}

// located is one selected value and where it was found.
type located struct {
	val any
	at  position
}

// position says where in the input a value came from.
type position struct {
	line    int
	segment string // EDIFACT tag, JSON path, XPath
	field   string // element name
	value   string // raw text as received (for error messages)
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
