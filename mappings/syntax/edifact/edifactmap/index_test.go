package edifactmap

import (
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
// scope, and All keeps input order.
func TestIndexMatchesLinearWalk(t *testing.T) {
	m, err := edifact.ParseMessage([]byte(indexMessage), edifact.ReaderOptions{})
	require.NoError(t, err)
	paths := edifactPaths{groupTag: "EQD"}
	sp, err := paths.CompileEach("EQD[CN]")
	require.NoError(t, err)
	d := &engine.Doc{Root: m}
	items := sp.Items(d)
	require.Len(t, items, 2)
	hdr := paths.Header(d, items).(*edHeader)
	linHdr := &edHeader{inGroup: hdr.inGroup}
	found := 0
	for _, p := range []string{"RFF.C506.1154", "RFF[RE].C506.1154", "RFF[ZZ].C506.1154", "LOC[11].2.1",
		"EQD/RFF[BM].C506.1154", "EQD/RFF.C506.1154", "EQD/LOC.2.1", "EQD/MEA[AAE,T].C174.6314",
		"EQD.C237.8260", "UNT.1", "DTM[7].C507.2380", "EQD/DTM.C507.2380"} {
		sel, err := paths.CompilePath(p)
		require.NoError(t, err, p)
		for _, it := range items {
			g := *it.(*edGroup)
			g.idx = nil
			fast := &engine.Doc{Root: m, Item: it, Header: hdr}
			slow := &engine.Doc{Root: m, Item: &g, Header: linHdr}
			assert.Equal(t, values(sel.All(slow)), values(sel.All(fast)), p)
			want, okWant := sel.First(slow)
			got, ok := sel.First(fast)
			assert.Equal(t, okWant, ok, p)
			assert.Equal(t, want.W.S, got.W.S, p)
			found += len(sel.All(fast))
		}
	}
	assert.Equal(t, 22, found)
}

func values(ls []engine.Located) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.W.S+l.At.Value)
	}
	return out
}
