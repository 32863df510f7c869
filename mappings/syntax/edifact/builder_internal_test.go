package edifact

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// addBoth adds data, a segment after its tag and element separator, to
// one builder as add does and to another through parse alone, the path of
// segments that need unescaping or decoding, and fails unless both give
// the same segment and the same problem.
func addBoth(t *testing.T, cs *charset, d Delims, data []byte) {
	t.Helper()
	var tab [256]uint8
	segmentTable(&tab, cs, d)
	seg := append([]byte{'F', 'T', 'X', d.Element}, data...)

	var fast, slow builder
	fast.reset(cs, &tab)
	fast.add(seg, 1, 1)
	slow.reset(cs, &tab)
	slow.segs = append(slow.segs, segRec{tag: span{0, 3}, pos: 1, line: 1})
	slow.buf = append(slow.buf, seg[:3]...)
	slow.parse(seg[4:])
	slow.segs[0].nElem = int32(len(slow.elems))

	if !reflect.DeepEqual(fast.prob, slow.prob) {
		t.Fatalf("%s %q: problem %+v, want %+v", cs.name, seg, fast.prob, slow.prob)
	}
	if fast.prob != nil {
		return
	}
	got, want := fast.segments(new(segStore)), slow.segments(new(segStore))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q: %q, want %q", cs.name, seg, got[0].Elements, want[0].Elements)
	}
}

// A segment copied whole gives the values, and the problems, that
// unescaping it byte by byte gives, whatever bytes it holds: every byte
// value at every position of short segments around separators, and
// random segments of separators, release characters and other bytes.
func TestAddPlainMatchesParse(t *testing.T) {
	sets := []*charset{charsets["UNOA"], charsets["UNOB"], charsets["UNOC"], charsets["UNOY"], rawSet}
	delims := []Delims{DefaultDelims, isoLevelBDelims}
	for _, cs := range sets {
		for _, d := range delims {
			base := []byte{'A', d.Component, 'B', d.Element, d.Element, 'C', d.Component, d.Component, 'D', 'E', d.Element}
			for pos := range base {
				for v := range 256 {
					data := append([]byte(nil), base...)
					data[pos] = byte(v)
					addBoth(t, cs, d, data)
					addBoth(t, cs, d, data[:pos+1])
				}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			alphabet := []byte{'A', 'z', ' ', '0', d.Component, d.Element, d.Release, 0xe9, 0xc3, 0xa9, 0x01, 0x7f}
			for range 20000 {
				data := make([]byte, rng.IntN(28))
				for i := range data {
					data[i] = alphabet[rng.IntN(len(alphabet))]
				}
				addBoth(t, cs, d, data)
			}
		}
	}
}
