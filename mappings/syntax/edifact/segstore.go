package edifact

import "sync"

// segStore holds the memory of a message's segments besides their text:
// the segments, their elements and their components. A message a caller
// is done with can hand it back (Message.Recycle), so that the next
// message read takes it instead of allocating its own.
type segStore struct {
	comps []string
	elems [][]string
	segs  []Segment
}

var segStorePool = sync.Pool{New: func() any { return new(segStore) }}

// takeComps returns n components, reusing the store's when big enough.
func (st *segStore) takeComps(n int) []string {
	if cap(st.comps) < n {
		st.comps = make([]string, n)
	}
	return st.comps[:n]
}

// takeElems returns n elements, reusing the store's when big enough.
func (st *segStore) takeElems(n int) [][]string {
	if cap(st.elems) < n {
		st.elems = make([][]string, n)
	}
	return st.elems[:n]
}

// takeSegs returns n segments, reusing the store's when big enough.
func (st *segStore) takeSegs(n int) []Segment {
	if cap(st.segs) < n {
		st.segs = make([]Segment, n)
	}
	return st.segs[:n]
}

// clear drops what the store refers to; it is done only for a store
// left unused for long (the reader's envelope store).
func (st *segStore) clear() {
	clear(st.segs[:cap(st.segs)])
	clear(st.elems[:cap(st.elems)])
	clear(st.comps[:cap(st.comps)])
}

// Recycle hands the memory of m's segments to the messages read next, by
// any Reader; m is left without segments. Call it only once nothing
// refers any longer to m.Segments, to one of its segments or to the
// slice of an element; the values themselves, strings, stay valid. With
// keepComponents the slices of components (Segment.Elements[i]) are
// left to the caller, who may still hold some.
func (m *Message) Recycle(keepComponents bool) {
	st := m.store
	if st == nil {
		return
	}
	m.store, m.Segments = nil, nil
	if keepComponents {
		st.comps = nil
	}
	// The store is not cleared, which would cost more than the rest of
	// recycling: until the next message overwrites them, its slices may
	// keep the text of one earlier message alive.
	segStorePool.Put(st)
}
