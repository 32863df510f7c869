package mappings_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// fuzzAirFlat decodes arbitrary input with profile, requires every event to
// pass the canonical schema, and writes what it decoded with the profile
// (when it writes) to exercise the encoder on hostile values.
func fuzzAirFlat(f *testing.F, profile, glob string) {
	paths, err := filepath.Glob(glob)
	require.NoError(f, err)
	require.NotEmpty(f, paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	reg, err := mappings.Default()
	require.NoError(f, err)
	p, err := reg.Profile(profile)
	require.NoError(f, err)
	received := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in []byte) {
		var events []*canonical.ReleaseEvent
		_ = reg.Decode(bytes.NewReader(in), mappings.DecodeOptions{Name: "fuzz", From: profile, CredentialKey: []byte("k"), ReceivedAt: received},
			func(b mappings.Batch) error {
				events = append(events, b.Events...)
				return nil
			})
		validEvents(t, events)
		if p.CanEncode() && len(events) > 0 {
			enc, err := p.NewEncoder(io.Discard, mappings.EncodeOptions{})
			require.NoError(t, err)
			_ = enc.Encode(events)
			_ = enc.Close()
		}
	})
}

func FuzzDecodeCargoIMP(f *testing.F) {
	fuzzAirFlat(f, "cargonaut/fsu", "../fixtures/cargonaut/fsu/*/input.fsu")
}

func FuzzDecodeReleaseCSV(f *testing.F) {
	fuzzAirFlat(f, "partner/release-csv", "../fixtures/partner/release-csv/*/input.csv")
}

func FuzzDecodeReleaseFixed(f *testing.F) {
	fuzzAirFlat(f, "partner/release-fixed", "../fixtures/partner/release-fixed/*/input.txt")
}
