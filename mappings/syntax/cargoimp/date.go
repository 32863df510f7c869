package cargoimp

import (
	"fmt"
	"time"
)

// ResolveDate places a Cargo-IMP day, month and optional local time ("16",
// "OCT", "1317" or "") in time. Cargo-IMP dates carry no year, so it picks
// the year that puts the date closest to ref, which must be within six
// months either way; otherwise the error wraps ErrDate. The result is in
// loc (UTC when loc is nil), the time zone of the airport the status
// concerns. A malformed day, month or time wraps ErrSyntax.
func ResolveDate(day, month, hhmm string, ref time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if p := checkDay(day, month); p != "" {
		return time.Time{}, &Error{Field: "date", Value: day + month + hhmm, Err: detail(ErrSyntax, "%s", p)}
	}
	h, m := 0, 0
	if hhmm != "" {
		if p := checkTime(hhmm); p != "" {
			return time.Time{}, &Error{Field: "date", Value: day + month + hhmm, Err: detail(ErrSyntax, "%s", p)}
		}
		h, m = atoi2(hhmm[:2]), atoi2(hhmm[2:])
	}
	d, mon := atoi2(day), time.Month(monthIndex(month)+1)
	ref = ref.In(loc)
	// The date in the reference year, when it is within three months of
	// the reference, is the answer: the same date a year before or after
	// is then nine months away or more, outside the window.
	if t := time.Date(ref.Year(), mon, d, h, m, 0, 0, loc); t.Day() == d && absDuration(t.Sub(ref)) <= nearDate {
		return t, nil
	}
	if best, found := closestYear(ref, mon, d, h, m, loc); found {
		return best, nil
	}
	return time.Time{}, &Error{Field: "date", Value: day + month + hhmm,
		Err: fmt.Errorf("%w: reference date is %s", ErrDate, ref.Format("2006-01-02"))}
}

// nearDate is how close to the reference a date of the reference year
// must be to be taken without looking at the years around it.
const nearDate = 90 * 24 * time.Hour

// closestYear places day d of month mon at h:m in loc in the year, of the
// reference's and the ones either side, that puts it closest to ref,
// within six months either way.
func closestYear(ref time.Time, mon time.Month, d, h, m int, loc *time.Location) (time.Time, bool) {
	lo, hi := ref.AddDate(0, -6, 0), ref.AddDate(0, 6, 0)
	var best time.Time
	found := false
	for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
		t := time.Date(y, mon, d, h, m, 0, 0, loc)
		if t.Day() != d || t.Before(lo) || t.After(hi) {
			continue // 29 February of a common year, or too far away
		}
		if !found || absDuration(t.Sub(ref)) < absDuration(best.Sub(ref)) {
			best, found = t, true
		}
	}
	return best, found
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
