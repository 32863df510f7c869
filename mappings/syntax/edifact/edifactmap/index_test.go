package edifactmap

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

const indexMessage = "UNH+M1+COREOR:D:00B:UN:SMDG20'BGM+129+R1+9'RFF+RE:A1'LOC+11+NLAMS'" +
	"EQD+CN+C1'RFF+BM:B1'RFF+RE:G1'LOC+11+NLRTM'MEA+AAE+G+KGM:10'MEA+AAE+T+KGM:2'" +
	"EQD+CN+C2'RFF+BM:B2'LOC+99+NLAMS'CNT+16:2'RFF+ZZ:after'UNT+16+M1'"

// The index by tag finds what a walk over every segment finds, for every
// scope, and All keeps input order; what the header keeps per selector is
// what a fresh look finds, in every group.
func TestIndexMatchesLinearWalk(t *testing.T) {
	m, err := edifact.ParseMessage([]byte(indexMessage), edifact.ReaderOptions{})
	require.NoError(t, err)
	paths := newEdifactPaths("EQD")
	sp, err := paths.CompileEach("EQD[CN]")
	require.NoError(t, err)
	pathTexts := []string{"RFF.C506.1154", "RFF[RE].C506.1154", "RFF[ZZ].C506.1154", "LOC[11].2.1",
		"EQD/RFF[BM].C506.1154", "EQD/RFF.C506.1154", "EQD/LOC.2.1", "EQD/MEA[AAE,T].C174.6314",
		"EQD.C237.8260", "UNT.1", "DTM[7].C507.2380", "EQD/DTM.C507.2380"}
	// Compiled before the header is made, as a profile's are.
	sels := make([]engine.Selector, len(pathTexts))
	for i, p := range pathTexts {
		sels[i], err = paths.CompilePath(p)
		require.NoError(t, err, p)
	}
	d := &engine.Doc{Root: m}
	items := sp.Items(d)
	require.Len(t, items, 2)
	hdr := paths.Header(d, items).(*edHeader)
	require.Len(t, hdr.found, len(sels))
	linHdr := &edHeader{inGroup: hdr.inGroup}
	found := 0
	for i, sel := range sels {
		p := pathTexts[i]
		for _, it := range items {
			g := *it.(*edGroup)
			g.idx = nil
			fast := &engine.Doc{Root: m, Item: it, Header: hdr}
			slow := &engine.Doc{Root: m, Item: &g, Header: linHdr}
			assert.Equal(t, values(sel.All(slow)), values(sel.All(fast)), p)
			var all, each []engine.Value
			for _, l := range sel.All(slow) {
				all = append(all, l.W)
			}
			sel.(*edifactSelector).EachValue(fast, func(w engine.Value) { each = append(each, w) })
			assert.Equal(t, all, each, p)
			want, okWant := sel.First(slow)
			for range 2 {
				got, ok := sel.First(fast)
				require.Equal(t, okWant, ok, p)
				if ok {
					assert.Same(t, want.At.LazyArg.(*edifact.Segment), got.At.LazyArg.(*edifact.Segment), p)
					assert.Equal(t, want.W, got.W, p)
				}
			}
			found += len(sel.All(fast))
		}
	}
	assert.Equal(t, 22, found)
	kept := 0
	for _, f := range hdr.found {
		if f != 0 {
			kept++
		}
	}
	assert.Equal(t, 6, kept, "one lookup kept per header selector")
}

func values(ls []engine.Located) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.W.S+l.At.Value)
	}
	return out
}

// Every tag is found, also beyond the tags the table of slots holds, and
// a tag the message lacks is not.
func TestIndexFindsEveryTag(t *testing.T) {
	var b strings.Builder
	b.WriteString("UNH+M1+COREOR:D:00B:UN:SMDG20'")
	const n = 70
	for i := range n {
		fmt.Fprintf(&b, "Z%02d+%d'", i, i)
		fmt.Fprintf(&b, "RFF+X:%d'", i)
	}
	fmt.Fprintf(&b, "UNT+%d+M1'", 2*n+2)
	m, err := edifact.ParseMessage([]byte(b.String()), edifact.ReaderOptions{})
	require.NoError(t, err)
	x := newMsgIndex(m)
	require.Greater(t, len(x.tags), maxSlotted)
	for i := range n {
		tag := fmt.Sprintf("Z%02d", i)
		got := x.segments(tagKey(tag))
		require.Len(t, got, 1, tag)
		assert.Equal(t, tag, m.Segments[got[0]].Tag)
	}
	rffs := x.segments(tagKey("RFF"))
	require.Len(t, rffs, n)
	for i := 1; i < n; i++ {
		assert.Less(t, rffs[i-1], rffs[i])
	}
	assert.Empty(t, x.segments(tagKey("DTM")))
}
