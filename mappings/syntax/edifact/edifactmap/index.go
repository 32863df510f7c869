package edifactmap

import "github.com/nexport/pcsgate/mappings/syntax/edifact"

// msgIndex lists the segments of one message by tag, so that a selector
// visits only the segments of its own tag instead of the whole message.
// It is built once per message, when the message is split into groups,
// and shared by the groups and the header.
type msgIndex struct {
	tags  []uint32 // distinct tag keys, in order of first appearance
	spans []int32  // segments of tags[k] are order[spans[k]:spans[k+1]]
	order []int32  // segment numbers (from 0), by tag, ascending within a tag
	// slots finds a tag without a walk over tags: an open-addressed
	// table from slotOf(k) on, holding 1 + the position of k in tags; 0
	// is empty. Tags beyond the first maxSlotted are found by a walk.
	slots    [64]uint8
	overflow bool
	buf      []int32 // holds order, and the tag of each segment while building
}

// maxSlotted keeps a quarter of slots empty, so that probes stay short
// and always end.
const maxSlotted = 48

// slotOf hashes a tag key to one of 64 slots.
func slotOf(k uint32) uint32 { return (k * 0x9E3779B1) >> 26 }

// newMsgIndex indexes the segments of m by tag.
func newMsgIndex(m *edifact.Message) *msgIndex {
	x := &msgIndex{}
	x.build(m)
	return x
}

// build indexes the segments of m by tag into x, reusing the slices x
// holds from an earlier message.
func (x *msgIndex) build(m *edifact.Message) {
	n := len(m.Segments)
	buf := x.buf
	if cap(buf) < 2*n {
		buf = make([]int32, 2*n)
	}
	slot, order := buf[:n], buf[n:2*n]
	*x = msgIndex{tags: x.tags[:0], spans: x.spans[:0], order: order, buf: buf}
	if x.tags == nil {
		x.tags = make([]uint32, 0, 16)
	}
	for i := range m.Segments {
		k := tagKey(m.Segments[i].Tag)
		j := x.find(k)
		if j < 0 {
			j = len(x.tags)
			x.tags = append(x.tags, k)
			x.addSlot(k, j)
		}
		slot[i] = int32(j)
	}
	x.spans = append(x.spans[:0], make([]int32, len(x.tags)+1)...)
	for _, j := range slot {
		x.spans[j+1]++
	}
	for j := 1; j < len(x.spans); j++ {
		x.spans[j] += x.spans[j-1]
	}
	// Fill each tag's run from its start, spans[j] moving along as the
	// next free place; it ends where run j+1 starts, so shift back.
	for i, j := range slot {
		order[x.spans[j]] = int32(i)
		x.spans[j]++
	}
	copy(x.spans[1:], x.spans[:len(x.spans)-1])
	x.spans[0] = 0
}

// addSlot records that tag key k is tags[j].
func (x *msgIndex) addSlot(k uint32, j int) {
	if j >= maxSlotted {
		x.overflow = true
		return
	}
	s := slotOf(k)
	for x.slots[s] != 0 {
		s = (s + 1) & 63
	}
	x.slots[s] = uint8(j + 1)
}

// find returns the position of tag key k in x.tags, or -1.
func (x *msgIndex) find(k uint32) int {
	for s := slotOf(k); x.slots[s] != 0; s = (s + 1) & 63 {
		if j := int(x.slots[s]) - 1; x.tags[j] == k {
			return j
		}
	}
	if !x.overflow {
		return -1
	}
	for j, t := range x.tags[maxSlotted:] {
		if t == k {
			return maxSlotted + j
		}
	}
	return -1
}

// segments returns the numbers of the segments whose tag key is k, in
// input order.
func (x *msgIndex) segments(k uint32) []int32 {
	j := x.find(k)
	if j < 0 {
		return nil
	}
	return x.order[x.spans[j]:x.spans[j+1]]
}

// cursor walks the segments a selector may read, in input order: those
// of its tag in [from, to), without the ones skip marks.
type cursor struct {
	segs     []edifact.Segment
	list     []int32 // candidates by tag; nil with linear
	linear   bool    // no index: every segment in [from, to)
	i        int     // next place in list, or next segment when linear
	from, to int
	skip     []bool
	key      uint32
}

// next returns the next candidate segment, or nil after the last.
func (c *cursor) next() *edifact.Segment {
	if c.linear {
		for ; c.i < c.to; c.i++ {
			if c.skip != nil && c.skip[c.i] || tagKey(c.segs[c.i].Tag) != c.key {
				continue
			}
			c.i++
			return &c.segs[c.i-1]
		}
		return nil
	}
	for ; c.i < len(c.list); c.i++ {
		k := int(c.list[c.i])
		if k < c.from || c.skip != nil && c.skip[k] {
			continue
		}
		if k >= c.to {
			break
		}
		c.i++
		return &c.segs[k]
	}
	c.i = len(c.list)
	return nil
}
