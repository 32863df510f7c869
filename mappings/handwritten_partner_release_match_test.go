package mappings_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
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
	reg := defaultRegistry(t)
	for _, hw := range handwrittenFlat {
		dirs, err := filepath.Glob(filepath.Join("..", "fixtures", hw.profile, "*"))
		require.NoError(t, err)
		good := 0
		for _, dir := range dirs {
			data, err := os.ReadFile(filepath.Join(dir, hw.input))
			require.NoError(t, err)
			_, statErr := os.Stat(filepath.Join(dir, "expected.err"))
			bad := statErr == nil
			if !bad {
				good++
			}
			t.Run(hw.profile+"/"+filepath.Base(dir), func(t *testing.T) {
				got, herr := hw.decode(data)
				if bad {
					assert.Error(t, herr, "the hand-written decoder takes a case the profile refuses")
					return
				}
				require.NoError(t, herr)
				want, lines := decode(t, reg, string(data), mappings.DecodeOptions{Name: hw.input, From: hw.profile, CredentialKey: []byte("k")})
				require.Empty(t, lines)
				assert.Equal(t, string(eventsJSON(t, want)), string(eventsJSON(t, got)))
			})
		}
		assert.GreaterOrEqual(t, good, 7, "the %s pack has fewer good cases than expected", hw.profile)
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
