package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseDateTime skips the layouts a value is too short for or parted
// differently from; every shape it read before must still read the same:
// the shortest RFC 3339 (one-digit hour), local times with a one-digit
// hour, seconds with a fraction, a date alone, and nothing else.
func TestParseDateTimeShapes(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	for in, want := range map[string]string{
		"2026-11-24T8:05:00Z":       "2026-11-24T08:05:00Z",
		"2026-11-24T08:05:00+01:00": "2026-11-24T07:05:00Z",
		"2026-11-24 8:00":           "2026-11-24T07:00:00Z",
		"2026-11-24T8:00":           "2026-11-24T07:00:00Z",
		"2026-11-24 08:00":          "2026-11-24T07:00:00Z",
		"2026-11-24T08:00:30":       "2026-11-24T07:00:30Z",
		"2026-11-24 08:00:00.5":     "2026-11-24T07:00:00.5Z",
		" 2026-11-24 ":              "2026-11-24T22:59:00Z",
	} {
		got, err := parseDateTime(in, cet, true)
		require.NoError(t, err, in)
		assert.Equal(t, want, got.Format(time.RFC3339Nano), in)
	}
	for _, in := range []string{"", "2026-11-2", "2026-11-24X08:00", "2026-11-24 08", "24.11.2026 08:00", "2026-11-24T08:00:00Zjunk"} {
		_, err := parseDateTime(in, cet, false)
		assert.ErrorIs(t, err, ErrNotDate, in)
	}
}
