package mappings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// TestHandwrittenSoneReleaseMatchesEngine holds the S)ONE baseline to the
// profile: on every good case of the sone/release pack both decoders give
// the same events, ids and credential handles included, and every bad case
// is refused by the hand-written decoder too (it refuses the whole
// document where the engine keeps the sections without error).
func TestHandwrittenSoneReleaseMatchesEngine(t *testing.T) {
	good := matchHandwrittenXML(t, "sone/release", newHandSone([]byte("k")).Decode)
	assert.GreaterOrEqual(t, good, 9, "the pack has fewer good cases than expected")
}

// matchHandwrittenXML runs decode and the engine on every case of the
// profile's pack and returns the number of good cases.
func matchHandwrittenXML(t *testing.T, profile string, decode func([]byte) ([]*canonical.ReleaseEvent, error)) int {
	t.Helper()
	reg := defaultRegistry(t)
	dirs, err := filepath.Glob(filepath.Join("..", "fixtures", filepath.FromSlash(profile), "*"))
	require.NoError(t, err)
	good := 0
	for _, dir := range dirs {
		data, err := os.ReadFile(filepath.Join(dir, "input.xml"))
		require.NoError(t, err)
		_, statErr := os.Stat(filepath.Join(dir, "expected.err"))
		bad := statErr == nil
		if !bad {
			good++
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got, herr := decode(data)
			if bad {
				assert.Error(t, herr, "the hand-written decoder takes a case the profile refuses")
				return
			}
			require.NoError(t, herr)
			want, lines := decodeHandMatch(t, reg, data, profile)
			require.Empty(t, lines)
			assert.Equal(t, string(eventsJSON(t, want)), string(eventsJSON(t, got)))
		})
	}
	return good
}

// decodeHandMatch decodes data with the engine as the benchmarks do.
func decodeHandMatch(t *testing.T, reg *mappings.Registry, data []byte, profile string) ([]*canonical.ReleaseEvent, []string) {
	t.Helper()
	return decode(t, reg, string(data), mappings.DecodeOptions{Name: "input.xml", From: profile, CredentialKey: []byte("k")})
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
