package mappings_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/conformance"
)

// TestHandwrittenFSUMatchesEngine holds the Cargo-IMP baseline to the
// profile: on every good case of the cargonaut/fsu pack both decoders give
// the same events, ids included, with the dates placed from the pack's
// clock, and every bad case is refused by the hand-written decoder too.
func TestHandwrittenFSUMatchesEngine(t *testing.T) {
	h := &handFSU{received: conformance.Clock}
	good := matchHandwritten(t, handMatch{profile: "cargonaut/fsu", input: "input.fsu", decode: h.Decode, received: conformance.Clock, encodeOnly: true})
	assert.GreaterOrEqual(t, good, 20, "the pack has fewer good cases than expected")
}

// BenchmarkHandwrittenCargoIMP decodes, with the hand-written FSU
// baseline, the same input BenchmarkInbound gives the engine for
// cargonaut/fsu (the largest good case of the pack), placing dates from
// the time of decoding as the engine does without a receipt time, and
// reports the same figures.
func BenchmarkHandwrittenCargoIMP(b *testing.B) {
	input := largestValidInput(b, filepath.Join("..", "fixtures", "cargonaut", "fsu"))
	require.NotEmpty(b, input)
	h := &handFSU{received: time.Now}
	b.Run("cargonaut-fsu", func(b *testing.B) {
		data, err := os.ReadFile(input)
		require.NoError(b, err)
		benchHandwritten(b, data, h.Decode)
	})
}
