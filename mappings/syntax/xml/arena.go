package xml

import (
	"io"
	"sync"

	"github.com/antchfx/xmlquery"
)

// A Tree is a parsed document whose memory can be given back for the next
// document once nothing refers to its nodes any more. A reader that
// decodes document after document (see mappings/syntax/xml/xmlmap) so
// allocates its nodes once rather than per document, which spares the
// garbage collector most of what parsing costs it.
type Tree struct {
	// Doc is the document node, as Parse returns it.
	Doc *xmlquery.Node
	a   *arena
}

// ParseTree is Parse into a Tree. Call Release when done with the nodes;
// strings taken from them stay valid after Release.
func ParseTree(r io.Reader, opts Options) (*Tree, error) {
	opts.setDefaults()
	data, err := readAll(r, opts.MaxBytes+1)
	if err != nil {
		return nil, readError(opts.Name, err)
	}
	if int64(len(data)) <= opts.MaxBytes {
		a := arenas.Get().(*arena)
		// data is ours, read above and never written again.
		if doc := buildTreeIn(ownedString(data), opts.MaxDepth, a); doc != nil {
			return &Tree{Doc: doc, a: a}, nil
		}
		a.release()
		doc, err := parseGeneral(data, opts)
		if err != nil {
			return nil, err
		}
		return &Tree{Doc: doc}, nil
	}
	_, err = parseBytes(data, opts)
	return nil, err
}

// Release gives the tree's memory back for reuse. The nodes must not be
// used afterwards: they are cleared and handed to the next document.
func (t *Tree) Release() {
	if t == nil || t.a == nil {
		return
	}
	t.Doc = nil
	t.a.release()
	t.a = nil
}

// arenas holds the memory of released trees.
var arenas = sync.Pool{New: func() any { return new(arena) }}

// arena is the memory a builder lends: one slab of nodes, the attributes
// of all elements, and the builder's stacks. used is how much of the
// slabs the last document took, to be cleared on release.
type arena struct {
	nodes  []xmlquery.Node
	used   int
	attrs  []xmlquery.Attr
	open   []openElement
	ns     []binding
	spaces []spaceName
	buf    []byte
}

// lend gives b the arena's memory, with room for at least want nodes.
func (a *arena) lend(b *builder, want int) {
	if cap(a.nodes) < want {
		a.nodes = make([]xmlquery.Node, want)
	}
	b.nodes = a.nodes[:cap(a.nodes)]
	b.attrs = a.attrs[:0]
	b.open, b.ns, b.spaces, b.buf = a.open[:0], a.ns[:0], a.spaces[:0], a.buf[:0]
}

// keep takes back from b what it grew, noting how many of the slab's
// nodes it used. Nodes b allocated beyond the slab are left to the
// garbage collector.
func (a *arena) keep(b *builder) {
	a.used = len(a.nodes)
	if len(b.nodes) <= len(a.nodes) && (len(b.nodes) == 0 || &b.nodes[len(b.nodes)-1] == &a.nodes[len(a.nodes)-1]) {
		a.used = len(a.nodes) - len(b.nodes)
	}
	a.attrs = b.attrs
	a.open, a.ns, a.spaces, a.buf = b.open, b.ns, b.spaces, b.buf
}

// release clears what the last document used, so that the arena holds on
// to no node or string of it, and pools the arena.
func (a *arena) release() {
	clear(a.nodes[:a.used])
	a.used = 0
	clear(a.attrs[:cap(a.attrs)])
	a.attrs = a.attrs[:0]
	clear(a.open[:cap(a.open)])
	clear(a.ns[:cap(a.ns)])
	clear(a.spaces[:cap(a.spaces)])
	arenas.Put(a)
}
