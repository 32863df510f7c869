package mappings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

// TestHandwrittenSoneReleaseMatchesEngine holds the S)ONE baseline to the
// profile: on every good case of the sone/release pack both decoders give
// the same events, ids and credential handles included, and every bad case
// is refused by the hand-written decoder too (it refuses the whole
// document where the engine keeps the sections without error).
func TestHandwrittenSoneReleaseMatchesEngine(t *testing.T) {
	good := matchHandwritten(t, handMatch{profile: "sone/release", input: "input.xml", decode: newHandSone([]byte("k")).Decode})
	assert.GreaterOrEqual(t, good, 9, "the pack has fewer good cases than expected")
}

// BenchmarkHandwrittenXML decodes, with the hand-written XML baselines,
// the inputs BenchmarkInbound gives the engine for sone/release and
// cargonaut/xfsu (the largest good case of each pack), and reports the
// same figures.
func BenchmarkHandwrittenXML(b *testing.B) {
	for _, c := range []struct {
		profile string
		decode  func([]byte) ([]*canonical.ReleaseEvent, error)
	}{
		{"sone/release", newHandSone([]byte("k")).Decode},
		{"cargonaut/xfsu", newHandXFSU().Decode},
	} {
		input := largestValidInput(b, filepath.Join("..", "fixtures", filepath.FromSlash(c.profile)))
		require.NotEmpty(b, input)
		b.Run(strings.ReplaceAll(c.profile, "/", "-"), func(b *testing.B) {
			data, err := os.ReadFile(input)
			require.NoError(b, err)
			benchHandwritten(b, data, c.decode)
		})
	}
}
