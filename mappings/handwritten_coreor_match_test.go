package mappings_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// TestHandwrittenCOREORMatchesEngine holds the EDIFACT baseline to the
// profile: on every good case of the portbase/coreor pack both decoders
// give the same events, ids included (the hand-written one derives them
// with canonical.NewEventID), and every bad case is refused by the
// hand-written decoder too.
func TestHandwrittenCOREORMatchesEngine(t *testing.T) {
	reg := defaultRegistry(t)
	h, err := newHandCOREOR()
	require.NoError(t, err)
	dirs, err := filepath.Glob(filepath.Join("..", "fixtures", "portbase", "coreor", "*"))
	require.NoError(t, err)
	good := 0
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, "input.edi"))
		require.NoError(t, err)
		_, statErr := os.Stat(filepath.Join(dir, "expected.err"))
		bad := statErr == nil
		if !bad {
			good++
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got, herr := h.Decode(data)
			if bad {
				assert.Error(t, herr, "the hand-written decoder takes a case the profile refuses")
				return
			}
			require.NoError(t, herr)
			want, lines := decode(t, reg, string(data), mappings.DecodeOptions{Name: "input.edi", From: "portbase/coreor", CredentialKey: []byte("k")})
			require.Empty(t, lines)
			assert.Equal(t, string(eventsJSON(t, want)), string(eventsJSON(t, got)))
		})
	}
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
