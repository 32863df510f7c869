package canonical_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

func TestZoneFor(t *testing.T) {
	tests := []struct {
		place string
		want  string
	}{
		{"NLRTM", "Europe/Amsterdam"},
		{"NLAMS", "Europe/Amsterdam"},
		{"BEANR", "Europe/Brussels"},
		{"FRLEH", "Europe/Paris"},
		{"FRFOS", "Europe/Paris"},
		{"DEHAM", "Europe/Berlin"},
		{"ITSAL", "Europe/Rome"},
		{"ESVLC", "Europe/Madrid"},
		{"ESLPA", "Atlantic/Canary"},
		{"GBFXT", "Europe/London"},
		{"AMS", "Europe/Amsterdam"},
		{"FRA", "Europe/Berlin"},
		{"CDG", "Europe/Paris"},
		{"LHR", "Europe/London"},
		{"BRU", "Europe/Brussels"},
		{"JFK", "America/New_York"},
		{" nlrtm ", "Europe/Amsterdam"},
	}
	for _, tt := range tests {
		t.Run(tt.place, func(t *testing.T) {
			loc, err := canonical.ZoneFor(tt.place)
			require.NoError(t, err)
			assert.Equal(t, tt.want, loc.String())
		})
	}
}

func TestZoneForUnknown(t *testing.T) {
	for _, place := range []string{"", "USNYC", "XXX", "NLRT", "NL1AB", "EHAM"} {
		t.Run(place, func(t *testing.T) {
			loc, err := canonical.ZoneFor(place)
			require.ErrorIs(t, err, canonical.ErrUnknownZone)
			assert.Nil(t, loc)
			assert.Contains(t, err.Error(), "AMS, BRU, CDG")
		})
	}
}

// DTM+36:202611272359:203 at NLRTM is local time, 22:59 UTC.
func TestZoneForReadsLocalTime(t *testing.T) {
	loc, err := canonical.ZoneFor("NLRTM")
	require.NoError(t, err)
	local, err := time.ParseInLocation("200601021504", "202611272359", loc)
	require.NoError(t, err)
	assert.Equal(t, "2026-11-27T22:59:00Z", local.UTC().Format(time.RFC3339))

	summer, err := time.ParseInLocation("200601021504", "202607011200", loc)
	require.NoError(t, err)
	assert.Equal(t, "2026-07-01T10:00:00Z", summer.UTC().Format(time.RFC3339))
}
