package canonical

import (
	"fmt"
	"time"
)

// The years pcsgate accepts in any canonical time. Anything outside is a
// misread date (a two-digit year taken as year 26, a day number in the
// year field) rather than a real release.
const (
	MinYear = 1990
	MaxYear = 2199
)

// CheckTimeRange rejects a time whose year lies outside MinYear..MaxYear,
// wrapping ErrTimeRange. The zero time is rejected too: a canonical time is
// either set or absent (nil).
func CheckTimeRange(t time.Time) error {
	if y := t.UTC().Year(); y < MinYear || y > MaxYear {
		return fmt.Errorf("%w: got year %d", ErrTimeRange, y)
	}
	return nil
}

// CheckValidity checks a validity period: when both ends are given, until
// must not be before from. Either end may be nil (open). It wraps
// ErrValidityRange and names both ends in UTC.
func CheckValidity(from, until *time.Time) error {
	if from == nil || until == nil || !until.Before(*from) {
		return nil
	}
	return fmt.Errorf("%w: valid from %s, until %s", ErrValidityRange,
		from.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339))
}
