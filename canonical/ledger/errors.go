package ledger

import (
	"errors"
	"fmt"
)

// Sentinel errors of the ledger. A rejected event comes back as a
// *Rejection wrapping one of them.
var (
	// ErrNoRelease: the event is for a release that does not exist yet.
	// Parkable.
	ErrNoRelease = errors.New("no release exists for this key yet")
	// ErrNoOffer: an acceptance, decline or revocation matches no offered
	// transfer. Parkable: the offer may still arrive.
	ErrNoOffer = errors.New("no offered transfer matches")
	// ErrNotHolder: a party other than the holder offered or assigned.
	ErrNotHolder = errors.New("is not the holder")
	// ErrNotIssuer: a party other than the issuer acted for the issuer.
	ErrNotIssuer = errors.New("is not the issuer")
	// ErrNotGiver: a party other than the giver revoked a transfer.
	ErrNotGiver = errors.New("is not the giver of the transfer")
	// ErrRevokeAccepted: a transfer was revoked after it was accepted.
	ErrRevokeAccepted = errors.New("transfer is already accepted")
	// ErrNotActive: custody cannot change on a withdrawn or cancelled release.
	ErrNotActive = errors.New("release is not active")
	// ErrAfterPickup: the event came after pick-up; it is stored, flagged
	// Late, and has no effect.
	ErrAfterPickup = errors.New("release is already picked up")
	// ErrDuplicate: the event id is already in the release's audit trail.
	ErrDuplicate = errors.New("event is already applied")
	// ErrOtherRelease: the event's key names another release.
	ErrOtherRelease = errors.New("event is for another release")
	// ErrIncomplete: the event lacks what its type needs.
	ErrIncomplete = errors.New("event is incomplete")
	// ErrUnknownType: the event type is not a canonical type.
	ErrUnknownType = errors.New("event type is unknown")
	// ErrTooMany: Fold was given more than MaxFold events.
	ErrTooMany = errors.New("too many events")
	// ErrChainBroken: the stored events do not reproduce the hash chain.
	ErrChainBroken = errors.New("hash chain is broken")
)

// Rejection says why the ledger did not apply an event. Rule is the
// custody rule of the package documentation (1 to 5) or 0 for an event that is
// malformed, duplicate or for another release.
type Rejection struct {
	Rule    int
	Reason  string
	EventID string
	Err     error
}

// Error renders "event ID: custody rule N: reason".
func (r *Rejection) Error() string {
	id := r.EventID
	if id == "" {
		id = "without id"
	}
	if r.Rule == 0 {
		return fmt.Sprintf("event %s: %s", id, r.Reason)
	}
	return fmt.Sprintf("event %s: custody rule %d: %s", id, r.Rule, r.Reason)
}

// Unwrap returns the sentinel.
func (r *Rejection) Unwrap() error { return r.Err }

// rules gives each sentinel its custody rule.
var rules = map[error]int{
	ErrNotHolder:      1,
	ErrNotIssuer:      2,
	ErrNotGiver:       3,
	ErrRevokeAccepted: 3,
	ErrNotActive:      3,
	ErrAfterPickup:    4,
	ErrNoRelease:      5,
	ErrNoOffer:        5,
}

// reject builds the Rejection of event id for sentinel, with a reason.
func reject(id string, sentinel error, format string, args ...any) *Rejection {
	return &Rejection{Rule: rules[sentinel], Reason: fmt.Sprintf(format, args...), EventID: id, Err: sentinel}
}

// Parkable reports whether err means the event may apply later, once
// another event has arrived (ErrNoRelease, ErrNoOffer). The caller keeps
// such events for a bounded time and applies them again after each change
// of the release.
func Parkable(err error) bool {
	return errors.Is(err, ErrNoRelease) || errors.Is(err, ErrNoOffer)
}
