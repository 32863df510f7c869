package edifact

import "unicode/utf8"

// span is a byte range of builder.buf.
type span struct{ start, end int32 }

type segRec struct {
	tag         span
	elem, nElem int32 // range of builder.elems
	pos, line   int
}

type elemRec struct{ comp, nComp int32 } // range of builder.comps

// problem is the first character a builder refused.
type problem struct {
	pos, line  int
	tag        string
	elem, comp int
	msg        string
	value      string
	open       bool // value still to be filled in when the component ends
}

// builder unescapes and decodes raw segments into one byte buffer plus
// tables of spans, and turns them into Segments with a handful of
// allocations per message: one string holds all the text, sliced into
// tags and values. A segment that needs no unescaping or decoding is
// copied whole, separators and all. Its buffers are reused from message
// to message.
type builder struct {
	cs    *charset
	cls   *[256]uint8
	buf   []byte
	comps []span
	elems []elemRec
	segs  []segRec
	prob  *problem

	// parse state of the current segment
	compStart int
	firstComp int
}

func (b *builder) reset(cs *charset, cls *[256]uint8) {
	b.cs, b.cls = cs, cls
	b.buf = b.buf[:0]
	b.comps = b.comps[:0]
	b.elems = b.elems[:0]
	b.segs = b.segs[:0]
	b.prob = nil
}

// Memory a message takes once read, besides its text: per value (string
// header, span, and a share of its element) and per segment.
const (
	costPerValue   = 56
	costPerSegment = 64
)

// cost estimates the memory the segments held will take once read.
func (b *builder) cost() int {
	return len(b.buf) + costPerValue*len(b.comps) + costPerSegment*len(b.segs)
}

// add parses one raw segment whose first three bytes are a valid tag.
func (b *builder) add(data []byte, pos, line int) {
	st := int32(len(b.buf))
	b.segs = append(b.segs, segRec{tag: span{st, st + 3}, elem: int32(len(b.elems)), pos: pos, line: line})
	if len(data) <= 3 || !b.addPlain(data) {
		b.buf = append(b.buf, data[:3]...)
		if len(data) > 3 {
			b.parse(data[4:])
		}
	}
	sr := &b.segs[len(b.segs)-1]
	sr.nElem = int32(len(b.elems)) - sr.elem
}

// addPlain parses the data elements of a segment none of whose values
// needs unescaping or decoding: the segment is copied whole, tag and
// separators included, and its values are spans of the copy. At the
// first byte that needs more (a release character, a byte to decode or
// to check) it takes back what it added and reports false, for parse.
func (b *builder) addPlain(data []byte) bool {
	cls := b.cls
	base := int32(len(b.buf))
	nComps, nElems := len(b.comps), len(b.elems)
	b.firstComp = nComps
	compStart := base + 4
	for i := 4; i < len(data); i++ {
		switch cls[data[i]] {
		case clPlain:
		case clComp:
			b.comps = append(b.comps, span{compStart, base + int32(i)})
			compStart = base + int32(i) + 1
		case clElem:
			b.comps = append(b.comps, span{compStart, base + int32(i)})
			compStart = base + int32(i) + 1
			b.endElem()
		default:
			b.comps, b.elems = b.comps[:nComps], b.elems[:nElems]
			return false
		}
	}
	b.comps = append(b.comps, span{compStart, base + int32(len(data))})
	b.endElem()
	b.buf = append(b.buf, data...)
	b.dropEmptyElems()
	return true
}

// parse splits the data elements of a segment. The text grows in a local
// slice, stored back only around the rare characters that need char: a
// store of the slice into the builder on the heap costs a write barrier
// while the collector marks.
func (b *builder) parse(p []byte) {
	cls := b.cls
	buf := b.buf
	b.compStart = len(buf)
	b.firstComp = len(b.comps)
	i, n := 0, len(p)
	for i < n {
		j := i
		for j < n && cls[p[j]] == clPlain {
			j++
		}
		buf = append(buf, p[i:j]...)
		if j == n {
			break
		}
		switch c := cls[p[j]]; c {
		case clComp:
			b.endComp(buf)
			j++
		case clElem:
			b.endComp(buf)
			b.endElem()
			j++
		default:
			b.buf = buf
			if c == clRelease {
				if j++; j < n {
					j = b.char(p, j, b.cs.data[p[j]])
				}
			} else {
				j = b.char(p, j, c)
			}
			buf = b.buf
		}
		i = j
	}
	b.endComp(buf)
	b.endElem()
	b.buf = buf
	b.dropEmptyElems()
}

// dropEmptyElems drops the trailing empty elements of the segment being
// added: they carry nothing.
func (b *builder) dropEmptyElems() {
	for first := b.segs[len(b.segs)-1].elem; len(b.elems) > int(first); {
		e := b.elems[len(b.elems)-1]
		if e.nComp != 1 || b.comps[e.comp].start != b.comps[e.comp].end {
			break
		}
		b.elems = b.elems[:len(b.elems)-1]
		b.comps = b.comps[:len(b.comps)-1]
	}
}

// char appends the data character at p[j] of class c and returns the
// index after it.
func (b *builder) char(p []byte, j int, c uint8) int {
	switch c {
	case clPlain, clComp, clElem, clRelease:
		b.buf = append(b.buf, p[j])
		return j + 1
	case clDecode:
		b.buf = utf8.AppendRune(b.buf, b.cs.runes[p[j]])
		return j + 1
	case clUTF8:
		r, size := utf8.DecodeRune(p[j:])
		if (r == utf8.RuneError && size <= 1) || r < 0xA0 {
			b.bad(p[j:], max(size, 1))
			return j + max(size, 1)
		}
		b.buf = append(b.buf, p[j:j+size]...)
		return j + size
	}
	b.bad(p[j:], 1)
	return j + 1
}

// bad records the first refused character, the first n bytes of p. They
// are kept as received, so the error quotes them; a message with a
// problem is never handed out.
func (b *builder) bad(p []byte, n int) {
	if b.prob == nil {
		sr := &b.segs[len(b.segs)-1]
		b.prob = &problem{
			pos: sr.pos, line: sr.line, tag: string(b.buf[sr.tag.start:sr.tag.end]),
			elem: len(b.elems) - int(sr.elem) + 1, comp: len(b.comps) - b.firstComp + 1,
			msg: b.cs.badChar(p), open: true,
		}
	}
	b.buf = append(b.buf, p[:n]...)
}

// endComp ends the component at the end of buf, the text so far.
func (b *builder) endComp(buf []byte) {
	b.comps = append(b.comps, span{int32(b.compStart), int32(len(buf))})
	if b.prob != nil && b.prob.open {
		b.prob.value = clip(string(buf[b.compStart:]))
		b.prob.open = false
	}
	b.compStart = len(buf)
}

func (b *builder) endElem() {
	n := len(b.comps) - b.firstComp
	for n > 1 && b.comps[b.firstComp+n-1].start == b.comps[b.firstComp+n-1].end {
		n--
	}
	b.comps = b.comps[:b.firstComp+n]
	b.elems = append(b.elems, elemRec{int32(b.firstComp), int32(n)})
	b.firstComp = len(b.comps)
}

// segments turns everything added since reset into Segments that share
// one string and no memory with the builder. The slices come from st when
// they are big enough, else they are made and kept in st.
func (b *builder) segments(st *segStore) []Segment {
	text := string(b.buf)
	spans := b.comps
	comps := st.takeComps(len(spans))[:len(spans)]
	for i, sp := range spans {
		comps[i] = text[uint32(sp.start):uint32(sp.end)]
	}
	recs := b.elems
	elems := st.takeElems(len(recs))[:len(recs)]
	for i, e := range recs {
		start, end := uint32(e.comp), uint32(e.comp+e.nComp)
		elems[i] = comps[start:end:end]
	}
	segs := st.takeSegs(len(b.segs))
	for i, sr := range b.segs {
		s := &segs[i]
		s.Tag = text[sr.tag.start:sr.tag.end]
		s.Elements = nil
		if sr.nElem > 0 {
			end := sr.elem + sr.nElem
			s.Elements = elems[sr.elem:end:end]
		}
		s.Pos, s.Line = sr.pos, sr.line
	}
	return segs
}

// value returns component comp of element elem (1-based) of the i-th
// segment added, or "".
func (b *builder) value(i, elem, comp int) string {
	s := b.segs[i]
	if elem < 1 || elem > int(s.nElem) {
		return ""
	}
	e := b.elems[int(s.elem)+elem-1]
	if comp < 1 || comp > int(e.nComp) {
		return ""
	}
	sp := b.comps[int(e.comp)+comp-1]
	return string(b.buf[sp.start:sp.end])
}
