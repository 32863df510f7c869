package ledger

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// MaxFold is the most events Fold takes at once; the rest are reported
// with ErrTooMany and not applied. Parked events are retried after every
// change, so the work grows with the square of the count; one release sees
// tens of events, not thousands.
const MaxFold = 10000

// Fold computes a release from all its events, given in arrival order. It
// orders them by occurredAt (an event without one by its receipt time,
// one without either after all timed events), then by arrival, and
// applies them one by one. An event that cannot apply yet (Parkable: its
// release or offer has not come) is parked and retried after every change;
// what is still parked at the end is reported with its last error.
//
// Fold returns the release (nil if none was ever created) and the errors
// of the events that were rejected or flagged late, in the order they were
// decided. All events should share one release key; events for another
// release are rejected with ErrOtherRelease.
func Fold(events []*canonical.ReleaseEvent) (*Release, []error) {
	var tooMany error
	if len(events) > MaxFold {
		tooMany = &Rejection{Reason: fmt.Sprintf("only the first %d of %d events are folded", MaxFold, len(events)),
			EventID: idOf(events[MaxFold]), Err: ErrTooMany}
		events = events[:MaxFold]
	}
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ta, oka := sortTime(events[a])
		tb, okb := sortTime(events[b])
		switch {
		case oka && okb:
			return ta.Compare(tb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return cmp.Compare(a, b)
	})

	f := &folder{}
	if tooMany != nil {
		f.errs = append(f.errs, tooMany)
	}
	for _, i := range order {
		if f.try(events[i]) {
			f.retry()
		}
	}
	for _, p := range f.parked {
		f.errs = append(f.errs, p.err)
	}
	return f.r, f.errs
}

// folder is the state of one Fold.
type folder struct {
	r      *Release
	errs   []error
	parked []parkedEvent
}

type parkedEvent struct {
	e   *canonical.ReleaseEvent
	err error
}

// try applies one event; it reports whether the release changed.
func (f *folder) try(e *canonical.ReleaseEvent) bool {
	n, err := Apply(f.r, e)
	switch {
	case err == nil:
		f.r = n
		return true
	case Parkable(err):
		f.parked = append(f.parked, parkedEvent{e, err})
		return false
	case n != nil: // late: stored and flagged
		f.r = n
		f.errs = append(f.errs, err)
		return true
	}
	f.errs = append(f.errs, err)
	return false
}

// retry applies parked events, in order, until none applies any more.
func (f *folder) retry() {
	for progress := true; progress && len(f.parked) > 0; {
		progress = false
		for i, p := range f.parked {
			n, err := Apply(f.r, p.e)
			if Parkable(err) {
				f.parked[i].err = err
				continue
			}
			f.parked = slices.Delete(f.parked, i, i+1)
			if n != nil {
				f.r = n
			}
			if err != nil {
				f.errs = append(f.errs, err)
			}
			progress = true
			break
		}
	}
}

// sortTime is the time an event sorts by, and whether it has one.
func sortTime(e *canonical.ReleaseEvent) (time.Time, bool) {
	if e == nil {
		return time.Time{}, false
	}
	t := eventTime(e)
	return t, !t.IsZero()
}
