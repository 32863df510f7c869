//go:build !purego

package json

import "unsafe"

// Putting a string into an interface allocates a copy of its header, one
// small allocation per string and number of a document: for a typical
// message that is half of what decoding allocates. The decoder instead
// keeps the headers in slabs and points each interface at its slot, which
// is what the runtime would have done with a separate allocation.
//
// This relies on the layout of an empty interface (type word, data pointer)
// and on strings being stored in interfaces indirectly, as the gc toolchain
// has always done; TestBoxedValues checks that the values behave as
// ordinary strings and Numbers do. Build with -tags purego for the plain
// equivalent in box_purego.go.

// eface is the layout of an empty interface.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

var (
	stringType = typeOf("")
	numberType = typeOf(Number(""))
)

func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// boxes hands out interfaces holding strings of one document.
type boxes struct {
	slab  []string
	next  int    // size of the next slab
	reuse *Reuse // lends released slabs, if set
}

// init sizes the first slab for a document of n bytes; slabs come from r
// when it has released ones.
func (b *boxes) init(n int, r *Reuse) {
	b.next = min(max(n/32, 16), 1024) // about one value per 32 bytes
	b.reuse = r
}

// str returns s as an interface holding a string.
func (b *boxes) str(s string) any { return b.box(s, stringType) }

// num returns s as an interface holding a Number.
func (b *boxes) num(s string) any { return b.box(s, numberType) }

// box returns s as an interface of the type typ (stringType or numberType).
func (b *boxes) box(s string, typ unsafe.Pointer) any {
	if len(b.slab) == cap(b.slab) {
		if b.next == 0 {
			b.next = 16
		}
		b.slab = b.reuse.slab(b.next)
		b.next = min(2*b.next, 1024)
	}
	b.slab = append(b.slab, s)
	var v any
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, unsafe.Pointer(&b.slab[len(b.slab)-1])
	return v
}

// source returns the text the decoded values are cut from: data itself when
// the caller shares it, else a copy.
func source(data []byte, share bool) string {
	if share {
		return unsafe.String(unsafe.SliceData(data), len(data))
	}
	return string(data)
}

// slab returns an empty slab of strings, a released one when r has one
// free (whatever its size), else a new one of capacity n.
func (r *Reuse) slab(n int) []string {
	if r == nil {
		return make([]string, 0, n)
	}
	if r.nextSlab < len(r.slabs) {
		s := r.slabs[r.nextSlab]
		r.nextSlab++
		return s[:0]
	}
	s := make([]string, 0, n)
	if len(r.slabs) < reuseSlabs {
		r.slabs = append(r.slabs, s)
		r.nextSlab++
	}
	return s
}
