package canonical_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

func TestCheckValidity(t *testing.T) {
	tests := []struct {
		name        string
		from, until *time.Time
		wantMsg     string
	}{
		{name: "both open"},
		{name: "no start", until: at("2026-11-27T22:59:00Z")},
		{name: "no end", from: at("2026-11-20T00:00:00Z")},
		{name: "ordered", from: at("2026-11-20T00:00:00Z"), until: at("2026-11-27T22:59:00Z")},
		{name: "one instant", from: at("2026-11-20T00:00:00Z"), until: at("2026-11-20T00:00:00Z")},
		{name: "reversed", from: at("2026-11-27T00:00:00Z"), until: at("2026-11-20T00:00:00+01:00"),
			wantMsg: "is before the start of the validity: valid from 2026-11-27T00:00:00Z, until 2026-11-19T23:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := canonical.CheckValidity(tt.from, tt.until)
			if tt.wantMsg == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, canonical.ErrValidityRange)
			assert.EqualError(t, err, tt.wantMsg)
		})
	}
}

func TestCheckTimeRange(t *testing.T) {
	tests := []struct {
		name    string
		t       time.Time
		wantMsg string
	}{
		{name: "today", t: *at("2026-11-20T00:00:00Z")},
		{name: "first year", t: *at("1990-01-01T00:00:00Z")},
		{name: "last year", t: *at("2199-12-31T23:59:59Z")},
		{name: "two-digit year read as year 26", t: time.Date(26, 11, 20, 0, 0, 0, 0, time.UTC),
			wantMsg: "is outside the accepted years 1990 to 2199: got year 26"},
		{name: "just before", t: *at("1989-12-31T23:59:59Z"), wantMsg: "is outside the accepted years 1990 to 2199: got year 1989"},
		{name: "after", t: *at("2200-01-01T00:00:00Z"), wantMsg: "is outside the accepted years 1990 to 2199: got year 2200"},
		{name: "zero time", t: time.Time{}, wantMsg: "is outside the accepted years 1990 to 2199: got year 1"},
		{name: "year judged in UTC", t: *at("2200-01-01T00:30:00+01:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := canonical.CheckTimeRange(tt.t)
			if tt.wantMsg == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, canonical.ErrTimeRange)
			assert.EqualError(t, err, tt.wantMsg)
		})
	}
}
