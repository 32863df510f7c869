package engine

import (
	"fmt"
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

// digitsTime must read every value exactly as time.ParseInLocation with
// the layout of its length does, and refuse whatever that rejects.
func TestDigitsTimeMatchesParse(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	require.NoError(t, err)
	values := []string{"20240229", "20230229", "21000229", "20000229", "20241231", "20241301", "20240001", "20240100",
		"20240431", "202404301200", "202403310230", "202410270230", "202412312359", "202412312400", "202412312360",
		"20241231235959", "20241231235960", "00010101", "99991231", "2024013a", "2024-1-1", "0601021504", "060102"}
	for mo := 1; mo <= 12; mo++ {
		for d := 27; d <= 32; d++ {
			values = append(values, fmt.Sprintf("1900%02d%02d", mo, d), fmt.Sprintf("2024%02d%02d0905", mo, d))
		}
	}
	for _, v := range values {
		checkDigitsTime(t, v, ams)
	}
	for _, v := range []string{"20240229", "202410270230", "20241231235959"} {
		_, ok := digitsTime(v, ams)
		require.True(t, ok, "%q is read without the layout interpreter", v)
	}
}

// FuzzDigitsTime compares digitsTime with time.ParseInLocation.
func FuzzDigitsTime(f *testing.F) {
	for _, s := range []string{"20240229", "202412312359", "20241231235959", "2023022912", "99991301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) { checkDigitsTime(t, v, time.UTC) })
}

func checkDigitsTime(t *testing.T, v string, loc *time.Location) {
	t.Helper()
	got, ok := digitsTime(v, loc)
	layout := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}[len(v)]
	if layout == "" {
		require.False(t, ok, v)
		return
	}
	want, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		require.False(t, ok, "%q: ParseInLocation fails (%v), digitsTime reads %v", v, err, got)
		return
	}
	if ok {
		require.True(t, want.Equal(got) && want.Location() == got.Location(), "%q: %v, want %v", v, got, want)
	}
}
