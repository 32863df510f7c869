package json

// Reuse keeps the maps of decoded objects, and the memory behind their
// strings, for the next document. A caller
// that is done with a document, and holds on to none of its objects,
// releases it; the next document decoded with the same Reuse fills those
// maps again instead of allocating its own. For a short message the maps
// are most of what decoding allocates.
//
// No value of a released document may be used: its objects are emptied,
// and a string or number taken from one may read as a later document's.
// A Reuse serves one decoding at a time.
type Reuse struct {
	maps []map[string]any // lent to the current document, in order, then free
	next int              // maps[:next] are lent
	// slabs hold the strings boxed into interfaces (box_unsafe.go), lent
	// as the maps are.
	slabs    [][]string
	nextSlab int
}

// Limits of what a Reuse keeps: documents with more objects, or objects
// with more members, allocate their own as without it.
const (
	reuseMaps    = 256
	reuseMembers = 1024
	reuseSlabs   = 16
)

// newMap returns an empty map for an object of n members: a released one
// when d reuses maps and one is free, else a new one.
func (d *decoder) newMap(n int) map[string]any {
	r := d.reuse
	if r == nil || n > reuseMembers {
		return make(map[string]any, n)
	}
	if r.next < len(r.maps) {
		m := r.maps[r.next]
		r.next++
		return m
	}
	m := make(map[string]any, n)
	if len(r.maps) < reuseMaps {
		r.maps = append(r.maps, m)
		r.next++
	}
	return m
}

// Release empties the objects of the documents decoded since the last
// Release and makes their maps free for the next document.
func (r *Reuse) Release() {
	for _, m := range r.maps[:r.next] {
		clear(m)
	}
	r.next = 0
	for _, s := range r.slabs[:r.nextSlab] {
		clear(s[:cap(s)])
	}
	r.nextSlab = 0
}
