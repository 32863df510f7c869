package canonical_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

func FuzzCheckContainerNumber(f *testing.F) {
	for _, s := range []string{"CSQU3054383", "MWCU6059784", "CBHU3202732", "ZEPU0037255",
		"MEDU7308180", "TESI1120274", "CBHU1234567", "", "csqu3054383", "CSQU305438é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := canonical.CheckContainerNumber(s)
		if err == nil {
			require.Len(t, s, 11)
			want, derr := canonical.ContainerCheckDigit(s[:10])
			require.NoError(t, derr)
			assert.Equal(t, want, int(s[10]-'0'), "valid number, recomputed check digit differs")
			return
		}
		require.True(t, errors.Is(err, canonical.ErrContainerFormat) || errors.Is(err, canonical.ErrCheckDigit), err)
		assert.NotContains(t, err.Error(), "\n")
		if errors.Is(err, canonical.ErrCheckDigit) {
			want, derr := canonical.ContainerCheckDigit(s[:10])
			require.NoError(t, derr)
			fixed := s[:10] + string(rune('0'+want))
			assert.NotErrorIs(t, canonical.CheckContainerNumber(fixed), canonical.ErrCheckDigit)
		}
	})
}

func FuzzNormalizeSizeType(f *testing.F) {
	for _, s := range []string{"22G1", "45G1", "45R1", "L5G1", "4EG1", "22GP", "2210", "4510",
		"4363", "9999", "", " 22G1 ", "22g1", "ÿÿÿÿ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		iso, err := canonical.NormalizeSizeType(raw)
		if err != nil {
			require.ErrorIs(t, err, canonical.ErrSizeType)
			assert.Empty(t, iso)
			return
		}
		require.Len(t, iso, 4)
		again, err := canonical.NormalizeSizeType(iso)
		require.NoError(t, err, "normalised code %q is not accepted", iso)
		assert.Equal(t, iso, again, "normalising is not idempotent")
	})
}

func FuzzCheckAWB(f *testing.F) {
	for _, s := range []string{"020-12345675", "02012345675", "589-81140743", "020-12345674", "", "0201-2345675"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, err := canonical.NormalizeAWB(s)
		if err != nil {
			require.True(t, errors.Is(err, canonical.ErrAWBFormat) || errors.Is(err, canonical.ErrAWBCheckDigit), err)
			return
		}
		require.NoError(t, canonical.CheckAWB(s))
		again, err := canonical.NormalizeAWB(norm)
		require.NoError(t, err)
		assert.Equal(t, norm, again)
	})
}

// FuzzValidateEventJSON: any input gives nil or one-line problems wrapping
// ErrSchema; a document the schema accepts decodes into a ReleaseEvent
// without unknown fields and validates again after a round trip.
func FuzzValidateEventJSON(f *testing.F) {
	paths, err := filepath.Glob("testdata/events/*.json")
	require.NoError(f, err)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := canonical.ValidateEventJSON(b)
		if err != nil {
			require.ErrorIs(t, err, canonical.ErrSchema)
			for _, line := range strings.Split(err.Error(), "\n") {
				assert.Contains(t, line, ": ")
				assert.LessOrEqual(t, len(line), 600)
			}
			return
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		var e canonical.ReleaseEvent
		require.NoError(t, dec.Decode(&e), "schema accepted what the model cannot read")
		assert.NoError(t, e.Validate(), "round trip changed validity")
	})
}
