package cargoimp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The shortcut for a date near the reference gives what looking at the
// three years around it gives, for every reference hour of two years
// (leap day, turns of the year and summer time included) and dates across
// the year; a date the shortcut does not take is left to the full search.
func TestResolveDateShortcut(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	dates := [][2]string{{"01", "JAN"}, {"29", "FEB"}, {"31", "MAR"}, {"30", "JUN"}, {"01", "JUL"}, {"15", "OCT"}, {"31", "DEC"}}
	for ref := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); ref.Year() < 2029; ref = ref.Add(7 * time.Hour) {
		for _, dm := range dates {
			got, err := ResolveDate(dm[0], dm[1], "2330", ref, loc)
			r := ref.In(loc)
			want, found := closestYear(r, time.Month(monthIndex(dm[1])+1), atoi2(dm[0]), 23, 30, loc)
			require.Equal(t, found, err == nil, "%s%s from %s", dm[0], dm[1], ref)
			require.True(t, want.Equal(got), "%s%s from %s: got %s, want %s", dm[0], dm[1], ref, got, want)
		}
	}
}
