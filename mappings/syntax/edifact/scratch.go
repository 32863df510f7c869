package edifact

import "sync"

// scratch is the working memory of one Reader: the buffers of its two
// builders and of its source, and its byte-class tables. A Reader that reaches the end of its input
// gives them back, so the next Reader starts with buffers already grown
// instead of growing its own from nothing: a decode of a small interchange
// then allocates little besides the message it returns.
type scratch struct {
	msg, env builderBufs
	// envSegs holds the envelope segment last read, which the Reader
	// uses before it reads the next.
	envSegs segStore
	src     []byte
	tab     [256]uint8 // byte classes of the character set under the delimiters
	raw     [256]uint8 // byte classes of rawSet under the delimiters, for a first look at UNB
}

// builderBufs are the reusable slices of a builder.
type builderBufs struct {
	buf   []byte
	comps []span
	elems []elemRec
	segs  []segRec
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// take moves the slices of bb into b.
func (b *builder) take(bb *builderBufs) {
	b.buf, b.comps, b.elems, b.segs = bb.buf[:0], bb.comps[:0], bb.elems[:0], bb.segs[:0]
}

// give moves the slices of b into bb, leaving b without buffers.
func (b *builder) give(bb *builderBufs) {
	*bb = builderBufs{buf: b.buf[:0], comps: b.comps[:0], elems: b.elems[:0], segs: b.segs[:0]}
	b.buf, b.comps, b.elems, b.segs = nil, nil, nil, nil
}

// takeScratch gives r the buffers of a pooled scratch.
func (r *Reader) takeScratch() {
	r.sc = scratchPool.Get().(*scratch)
	r.msg.take(&r.sc.msg)
	r.env.take(&r.sc.env)
}

// releaseScratch hands the buffers of r back to the pool. It is called
// once the input is read to its end, when no Message or error still
// refers to them (Messages and errors hold copies of what they show).
func (r *Reader) releaseScratch() {
	sc := r.sc
	if sc == nil {
		return
	}
	r.sc = nil
	r.msg.give(&sc.msg)
	r.env.give(&sc.env)
	sc.src = r.src.release()
	sc.envSegs.clear()
	scratchPool.Put(sc)
}
