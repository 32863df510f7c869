package ledger

import (
	"github.com/nexport/pcsgate/canonical"
)

// The issuer's acts: create, update, block, unblock, withdraw, cancel.

// create starts a release from RELEASE_CREATED: the issuer is
// release.issuer, the first holder release.releaseTo.
func (n *Release) create(e *canonical.ReleaseEvent) EventRef {
	ref := newRef(e)
	n.Status = Released
	n.Issuer = e.Release.Issuer
	n.ReleaseTo = e.Release.ReleaseTo
	n.Holder = e.Release.ReleaseTo
	n.fields(e)
	if n.Holder == nil {
		ref.Note = "no release-to party named yet"
	}
	return ref
}

// fields copies what the issuer may say about the release.
func (n *Release) fields(e *canonical.ReleaseEvent) {
	r := e.Release
	if r == nil {
		return
	}
	if r.ReleaseNumber != "" {
		n.ReleaseNumber = r.ReleaseNumber
	}
	if r.ValidFrom != nil {
		n.ValidFrom = r.ValidFrom
	}
	if r.ValidUntil != nil {
		n.ValidUntil = r.ValidUntil
	}
	if r.MoveType != "" {
		n.MoveType = r.MoveType
	}
	if r.PickupTerminal != nil {
		n.PickupTerminal = r.PickupTerminal
	}
	if r.EmptyReturn != nil {
		n.EmptyReturn = r.EmptyReturn
	}
	if r.Blocked != nil && n.Status.Active() {
		n.Status = Released
		if *r.Blocked {
			n.Status = Blocked
		}
	}
	if e.Credential != nil {
		n.Credential = e.Credential
	}
}

// checkIssuer applies rule 2 to an act of the issuer.
func (n *Release) checkIssuer(e *canonical.ReleaseEvent, ref *EventRef) error {
	var named *canonical.Party
	if e.Release != nil {
		named = e.Release.Issuer
	}
	switch judge(named, e.Source.Sender, n.Issuer) {
	case mismatch:
		return reject(e.ID, ErrNotIssuer, "only the issuer may %s the release; release.issuer %s is not the issuer %s",
			verb(e.Type), label(named), label(n.Issuer))
	case unverified:
		ref.Unverified = true
	}
	if n.Issuer == nil && named != nil {
		n.Issuer = named
	}
	return nil
}

// update handles RELEASE_UPDATED and a repeated RELEASE_CREATED, which
// opens a withdrawn or cancelled release again.
func (n *Release) update(e *canonical.ReleaseEvent, ref *EventRef) error {
	if err := n.checkIssuer(e, ref); err != nil {
		return err
	}
	if !n.Status.Active() {
		if e.Type != canonical.ReleaseCreated {
			return reject(e.ID, ErrNotActive, "the release is %s; the issuer creates it again to change it", n.Status)
		}
		n.Status = Released
		if e.Release.ReleaseTo != nil {
			n.ReleaseTo = e.Release.ReleaseTo
		}
		n.Holder = n.ReleaseTo
		n.fields(e)
		ref.Note = "release created again"
		return nil
	}
	n.fields(e)
	to := e.Release
	if to == nil || to.ReleaseTo == nil || SameParty(to.ReleaseTo, n.ReleaseTo) {
		return nil
	}
	if n.ReleaseTo == nil && n.Holder == nil {
		n.ReleaseTo, n.Holder = to.ReleaseTo, to.ReleaseTo
		ref.Note = "release-to party named"
		return nil
	}
	n.supersede(e.ID)
	n.ReleaseTo, n.Holder = to.ReleaseTo, to.ReleaseTo
	ref.Note = "release-to party changed; earlier transfers superseded"
	return nil
}

// block handles RELEASE_BLOCKED and RELEASE_UNBLOCKED.
func (n *Release) block(e *canonical.ReleaseEvent, ref *EventRef) error {
	if err := n.checkIssuer(e, ref); err != nil {
		return err
	}
	if !n.Status.Active() {
		return reject(e.ID, ErrNotActive, "the release is %s; it cannot be %s", n.Status, verb(e.Type)+"ed")
	}
	if e.Type == canonical.ReleaseBlocked {
		n.Status = Blocked
	} else {
		n.Status = Released
	}
	return nil
}

// withdraw handles RELEASE_WITHDRAWN and RELEASE_CANCELLED: the whole
// chain is superseded and nobody holds the release any more.
func (n *Release) withdraw(e *canonical.ReleaseEvent, ref *EventRef) error {
	if err := n.checkIssuer(e, ref); err != nil {
		return err
	}
	switch {
	case n.Status.Active():
	case n.Status == Withdrawn && e.Type == canonical.ReleaseCancelled:
	default:
		return reject(e.ID, ErrNotActive, "the release is already %s", n.Status)
	}
	n.supersede(e.ID)
	n.Holder = nil
	n.Assignment = nil
	n.Status = Withdrawn
	if e.Type == canonical.ReleaseCancelled {
		n.Status = Cancelled
	}
	return nil
}

// supersede closes every open or accepted hop.
func (n *Release) supersede(eventID string) {
	for i := range n.Hops {
		if h := &n.Hops[i]; h.State == Offered || h.State == Accepted {
			h.State, h.ClosedBy = Superseded, eventID
		}
	}
}

// verb names the issuer's act of an event type for messages.
func verb(t canonical.EventType) string {
	switch t {
	case canonical.ReleaseBlocked:
		return "block"
	case canonical.ReleaseUnblocked:
		return "unblock"
	case canonical.ReleaseWithdrawn:
		return "withdraw"
	case canonical.ReleaseCancelled:
		return "cancel"
	}
	return "update"
}
