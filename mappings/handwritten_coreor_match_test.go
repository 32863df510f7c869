package mappings_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHandwrittenCOREORMatchesEngine holds the EDIFACT baseline to the
// profile: on every good case of the portbase/coreor pack both decoders
// give the same events, ids included (the hand-written one derives them
// with canonical.NewEventID), and every bad case is refused by the
// hand-written decoder too.
func TestHandwrittenCOREORMatchesEngine(t *testing.T) {
	h, err := newHandCOREOR()
	require.NoError(t, err)
	good := matchHandwritten(t, handMatch{profile: "portbase/coreor", input: "input.edi", decode: h.Decode})
	assert.GreaterOrEqual(t, good, 15, "the pack has fewer good cases than expected")
}

// BenchmarkHandwrittenEDIFACT decodes, with the hand-written COREOR
// baseline, the same input BenchmarkInbound gives the engine for
// portbase/coreor (the largest good case of the pack), and reports the
// same figures.
func BenchmarkHandwrittenEDIFACT(b *testing.B) {
	input := largestValidInput(b, filepath.Join("..", "fixtures", "portbase", "coreor"))
	require.NotEmpty(b, input)
	h, err := newHandCOREOR()
	require.NoError(b, err)
	b.Run("portbase-coreor", func(b *testing.B) {
		data, err := os.ReadFile(input)
		require.NoError(b, err)
		benchHandwritten(b, data, h.Decode)
	})
}
