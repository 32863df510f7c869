package cargoimp_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

func TestResolveDate(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		ams = time.FixedZone("CET", 3600) // no tz database: the winter dates below still hold
	}
	ref := time.Date(2026, time.January, 5, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		day, month string
		hhmm       string
		ref        time.Time
		loc        *time.Location
		want       time.Time
		sentinel   error
	}{
		{name: "same year", day: "03", month: "JAN", hhmm: "0930", ref: ref, loc: time.UTC,
			want: time.Date(2026, time.January, 3, 9, 30, 0, 0, time.UTC)},
		{name: "previous year across new year", day: "28", month: "DEC", hhmm: "2315", ref: ref, loc: time.UTC,
			want: time.Date(2025, time.December, 28, 23, 15, 0, 0, time.UTC)},
		{name: "next year across new year", day: "02", month: "JAN", ref: time.Date(2025, time.December, 30, 0, 0, 0, 0, time.UTC),
			want: time.Date(2026, time.January, 2, 0, 0, 0, 0, time.UTC)},
		{name: "in the airport's zone", day: "16", month: "JAN", hhmm: "1317", ref: ref, loc: ams,
			want: time.Date(2026, time.January, 16, 12, 17, 0, 0, time.UTC)},
		{name: "nil location is UTC", day: "16", month: "FEB", hhmm: "0000", ref: ref,
			want: time.Date(2026, time.February, 16, 0, 0, 0, 0, time.UTC)},
		{name: "leap day in a leap year", day: "29", month: "FEB", ref: time.Date(2028, time.March, 10, 0, 0, 0, 0, time.UTC),
			want: time.Date(2028, time.February, 29, 0, 0, 0, 0, time.UTC)},
		{name: "leap day with no leap year near", day: "29", month: "FEB", ref: ref, sentinel: cargoimp.ErrDate},
		{name: "day the month never has", day: "31", month: "APR", ref: ref, sentinel: cargoimp.ErrSyntax},
		{name: "bad month", day: "01", month: "Jan", ref: ref, sentinel: cargoimp.ErrSyntax},
		{name: "bad time", day: "01", month: "JAN", hhmm: "2460", ref: ref, sentinel: cargoimp.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cargoimp.ResolveDate(tt.day, tt.month, tt.hhmm, tt.ref, tt.loc)
			if tt.sentinel != nil {
				require.ErrorIs(t, err, tt.sentinel)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %s, want %s", got, tt.want)
		})
	}
}

func TestResolveDateStaysWithinSixMonths(t *testing.T) {
	ref := time.Date(2026, time.July, 1, 0, 0, 0, 0, time.UTC)
	for _, month := range []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"} {
		t.Run(month, func(t *testing.T) {
			got, err := cargoimp.ResolveDate("15", month, "1200", ref, time.UTC)
			require.NoError(t, err)
			assert.LessOrEqual(t, got.Sub(ref).Abs(), 184*24*time.Hour)
		})
	}
}

func TestResolveDateError(t *testing.T) {
	_, err := cargoimp.ResolveDate("29", "FEB", "", time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC), nil)
	require.ErrorIs(t, err, cargoimp.ErrDate)
	assert.Equal(t, `date "29FEB" cannot be placed within six months of the reference date: reference date is 2026-06-01`, err.Error())
}
