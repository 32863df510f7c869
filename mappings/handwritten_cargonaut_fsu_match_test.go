package mappings_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/conformance"
)

// TestHandwrittenFSUMatchesEngine holds the Cargo-IMP baseline to the
// profile: on every good case of the cargonaut/fsu pack both decoders give
// the same events, ids included, with the dates placed from the pack's
// clock, and every bad case is refused by the hand-written decoder too.
func TestHandwrittenFSUMatchesEngine(t *testing.T) {
	reg := defaultRegistry(t)
	h := &handFSU{received: conformance.Clock}
	dirs, err := filepath.Glob(filepath.Join("..", "fixtures", "cargonaut", "fsu", "*"))
	require.NoError(t, err)
	good := 0
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, "input.fsu"))
		if os.IsNotExist(err) {
			continue // an encode-only case
		}
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
			want, lines := decode(t, reg, string(data), mappings.DecodeOptions{Name: "input.fsu", From: "cargonaut/fsu", CredentialKey: []byte("k"), ReceivedAt: conformance.Clock()})
			require.Empty(t, lines)
			assert.Equal(t, string(eventsJSON(t, want)), string(eventsJSON(t, got)))
		})
	}
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
