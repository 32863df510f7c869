package ledger

import (
	"github.com/nexport/pcsgate/canonical"
)

// The holder's acts and the answers to them: offer, accept, decline,
// revoke, assign.

// checkHolder applies rule 1 to an act of the holder; named is the party
// the event names as acting.
func (n *Release) checkHolder(e *canonical.ReleaseEvent, named *canonical.Party, ref *EventRef) error {
	if !n.Status.Active() {
		return reject(e.ID, ErrNotActive, "the release is %s; its chain was superseded", n.Status)
	}
	if n.Holder == nil {
		return reject(e.ID, ErrNotHolder, "the release has no holder yet; %s cannot act for it", label(named))
	}
	switch judge(named, e.Source.Sender, n.Holder) {
	case mismatch:
		return reject(e.ID, ErrNotHolder, "only the holder may %s; %s is not the holder %s",
			holderVerb(e.Type), label(named), label(n.Holder))
	case unverified:
		ref.Unverified = true
	}
	return nil
}

// offer handles TRANSFER_OFFERED. A new offer supersedes the holder's
// earlier open offer: one offer is open at a time.
func (n *Release) offer(e *canonical.ReleaseEvent, ref *EventRef) error {
	t := e.Transfer
	if err := n.checkHolder(e, t.From, ref); err != nil {
		return err
	}
	for i := range n.Hops {
		if h := &n.Hops[i]; h.State == Offered {
			h.State, h.ClosedBy = Superseded, e.ID
		}
	}
	n.Hops = append(n.Hops, n.hop(e, Offered))
	return nil
}

// hop builds the hop an event offers; the giver is the current holder.
func (n *Release) hop(e *canonical.ReleaseEvent, state HopState) Hop {
	t := e.Transfer
	return Hop{From: n.Holder, To: t.To, ToRole: t.ToRole, Kind: t.Kind, Reference: t.Reference,
		State: state, EventID: e.ID, At: eventTime(e)}
}

// answer handles TRANSFER_ACCEPTED and TRANSFER_DECLINED. An acceptance
// makes the receiver the holder; a decline leaves the giver holding.
//
// Portbase has no offer step: a nomination or authorisation takes effect
// at once. Such a regime sends TRANSFER_ACCEPTED of kind NOMINATE or
// AUTHORISE naming the holder as giver, and with no offer to match it is
// recorded as a direct transfer: a hop accepted at once. It is refused when
// the giver already offered to the same receiver and that offer was
// revoked, declined or superseded: a late acceptance must not bring a
// withdrawn offer back. An acceptance of kind TRANSFER (CPu, SCR) always
// needs its offer; before the offer arrives it is ErrNoOffer, parkable.
func (n *Release) answer(e *canonical.ReleaseEvent, ref *EventRef) error {
	if !n.Status.Active() {
		return reject(e.ID, ErrNotActive, "the release is %s; its chain was superseded", n.Status)
	}
	t := e.Transfer
	i := n.findHop(t, Offered)
	if i < 0 {
		if e.Type == canonical.TransferAccepted && immediateKind(t.Kind) && t.From != nil && t.To != nil &&
			SameParty(t.From, n.Holder) && n.findHop(t, "") < 0 {
			n.Hops = append(n.Hops, n.hop(e, Accepted))
			n.Hops[len(n.Hops)-1].ClosedBy = e.ID
			n.handOver(t.To)
			ref.Note = "direct transfer without an offer"
			return nil
		}
		return reject(e.ID, ErrNoOffer, "%s from %s to %s matches no offered transfer; park it until the offer arrives",
			e.Type, label(t.From), label(t.To))
	}
	h := &n.Hops[i]
	if t.To == nil && !matchesSender(h.To, e.Source.Sender) {
		ref.Unverified = true
	}
	h.ClosedBy = e.ID
	if e.Type == canonical.TransferDeclined {
		h.State = Declined
		return nil
	}
	h.State = Accepted
	n.handOver(h.To)
	return nil
}

// handOver makes to the holder. The previous holder's assignment goes with
// it: the new holder assigns its own transport.
func (n *Release) handOver(to *canonical.Party) {
	n.Holder = to
	n.Assignment = nil
}

// revoke handles TRANSFER_REVOKED: only the giver, only while offered.
func (n *Release) revoke(e *canonical.ReleaseEvent, ref *EventRef) error {
	if !n.Status.Active() {
		return reject(e.ID, ErrNotActive, "the release is %s; its chain was superseded", n.Status)
	}
	t := e.Transfer
	// Find the offer by receiver and reference; the giver is checked after.
	byReceiver := *t
	byReceiver.From = nil
	i := n.findHop(&byReceiver, Offered)
	if i < 0 {
		if j := n.findHop(&byReceiver, Accepted); j >= 0 && n.withdrawable(j) {
			return n.withdrawHop(e, j, ref)
		}
		if j := n.findHop(t, Accepted); j >= 0 {
			return reject(e.ID, ErrRevokeAccepted, "the transfer to %s was accepted by %s; only an offered transfer can be revoked",
				label(n.Hops[j].To), n.Hops[j].ClosedBy)
		}
		return reject(e.ID, ErrNoOffer, "revocation from %s to %s matches no offered transfer; park it until the offer arrives",
			label(t.From), label(t.To))
	}
	h := &n.Hops[i]
	switch judge(t.From, e.Source.Sender, h.From) {
	case mismatch:
		return reject(e.ID, ErrNotGiver, "only the giver %s may revoke the transfer to %s; transfer.from is %s",
			label(h.From), label(h.To), label(t.From))
	case unverified:
		ref.Unverified = true
	}
	h.State, h.ClosedBy = Revoked, e.ID
	return nil
}

// withdrawable reports whether hop i is a nomination or authorisation that
// took effect at once and is still the last word: its receiver holds the
// right. Portbase lets the giver withdraw such a hop.
func (n *Release) withdrawable(i int) bool {
	h := n.Hops[i]
	return immediateKind(h.Kind) && n.Holder != nil && SameParty(h.To, n.Holder)
}

// withdrawHop revokes the accepted hop i: the right goes back to its giver.
// Only the giver may; the receiver's assignment goes with the right.
func (n *Release) withdrawHop(e *canonical.ReleaseEvent, i int, ref *EventRef) error {
	h := &n.Hops[i]
	switch judge(e.Transfer.From, e.Source.Sender, h.From) {
	case mismatch:
		return reject(e.ID, ErrNotGiver, "only the giver %s may withdraw the %s of %s; transfer.from is %s",
			label(h.From), lowerKind(h.Kind), label(h.To), label(e.Transfer.From))
	case unverified:
		ref.Unverified = true
	}
	h.State, h.ClosedBy = Revoked, e.ID
	n.handOver(h.From)
	ref.Note = "withdrawn after it took effect: the right is back with " + label(h.From)
	return nil
}

// lowerKind names a hop kind in a sentence.
func lowerKind(kind string) string {
	switch kind {
	case canonical.KindNominate:
		return "nomination"
	case canonical.KindAuthorise:
		return "authorisation"
	}
	return "transfer"
}

// findHop returns the index of the latest hop in state (any state if
// empty) that the event's transfer describes: same receiver and giver
// where named, same reference where both have one. It returns -1 if none.
func (n *Release) findHop(t *canonical.Transfer, state HopState) int {
	for i := len(n.Hops) - 1; i >= 0; i-- {
		h := n.Hops[i]
		if state != "" && h.State != state {
			continue
		}
		if t.To != nil && !SameParty(t.To, h.To) {
			continue
		}
		if t.From != nil && !SameParty(t.From, h.From) {
			continue
		}
		if t.Reference != "" && h.Reference != "" && t.Reference != h.Reference {
			continue
		}
		return i
	}
	return -1
}

// assign handles ASSIGNED: the holder binds the transport that collects.
func (n *Release) assign(e *canonical.ReleaseEvent, ref *EventRef) error {
	if err := n.checkHolder(e, e.Assignment.By, ref); err != nil {
		return err
	}
	n.Assignment = e.Assignment
	if e.Credential != nil {
		n.Credential = e.Credential
	}
	return nil
}

// holderVerb names the holder's act of an event type for messages.
func holderVerb(t canonical.EventType) string {
	if t == canonical.Assigned {
		return "assign transport"
	}
	return "offer a transfer"
}

// immediateKind reports whether a transfer kind takes effect without an
// offer step (Portbase nominations and authorisations).
func immediateKind(kind string) bool {
	return kind == canonical.KindNominate || kind == canonical.KindAuthorise
}
