package mappings_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

// handwrittenFlat names the hand-written flat decoders by profile, with
// their pack's input file name.
var handwrittenFlat = []struct {
	profile, input string
	decode         func([]byte) ([]*canonical.ReleaseEvent, error)
}{
	{"partner/release-csv", "input.csv", decodeReleaseCSV},
	{"partner/release-fixed", "input.txt", decodeReleaseFixed},
}

// TestHandwrittenFlatMatchesEngine holds the flat baselines to their
// profiles: on every good case of each pack both decoders give the same
// events, ids included, and every case with an expected error (a file
// mixing good and bad rows too) is refused by the hand-written decoder.
func TestHandwrittenFlatMatchesEngine(t *testing.T) {
	for _, hw := range handwrittenFlat {
		t.Run(hw.profile, func(t *testing.T) {
			good := matchHandwritten(t, handMatch{profile: hw.profile, input: hw.input, decode: hw.decode})
			assert.GreaterOrEqual(t, good, 7, "the %s pack has fewer good cases than expected", hw.profile)
		})
	}
}

// BenchmarkHandwrittenFlat decodes, with the hand-written flat baselines,
// the same inputs BenchmarkInbound gives the engine (the largest good case
// of each pack), and reports the same figures.
func BenchmarkHandwrittenFlat(b *testing.B) {
	for _, hw := range handwrittenFlat {
		input := largestValidInput(b, filepath.Join("..", "fixtures", hw.profile))
		require.NotEmpty(b, input)
		b.Run(filepath.Dir(hw.profile)+"-"+filepath.Base(hw.profile), func(b *testing.B) {
			data, err := os.ReadFile(input)
			require.NoError(b, err)
			benchHandwritten(b, data, hw.decode)
		})
	}
}
