package ledger

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

// Apply applies event e to release r and returns the new release. r is
// nil when no release exists for the key yet; only RELEASE_CREATED can
// start one. r is never modified.
//
// A rejected event returns a nil release and a *Rejection that wraps one
// of the sentinels (see the package documentation for the rules). The one
// exception is ErrAfterPickup: the event is stored, flagged Late, and the
// returned release is non-nil alongside the error.
func Apply(r *Release, e *canonical.ReleaseEvent) (*Release, error) {
	if err := admit(r, e); err != nil {
		return nil, err
	}
	// The canonical JSON is both what the hash chain covers and, decoded
	// again, a deep copy the release may keep pointers into.
	doc, err := json.Marshal(e)
	if err != nil {
		return nil, reject(e.ID, ErrIncomplete, "event cannot be written as canonical JSON: %v", err)
	}
	ev := new(canonical.ReleaseEvent)
	if err := json.Unmarshal(doc, ev); err != nil {
		return nil, reject(e.ID, ErrIncomplete, "event cannot be read back from canonical JSON: %v", err)
	}
	return applyDoc(r, ev, doc)
}

// ApplyCanonical is Apply for a caller that has e's canonical JSON
// already (doc, as json.Marshal(e) wrote it) and hands e over: the
// returned release may keep pointers into e, so the caller must not
// change e afterwards. It saves Apply's marshalling and deep copy, which
// the gateway would otherwise do a second time for every event inside
// its store transaction. The hash chain covers doc as given.
func ApplyCanonical(r *Release, e *canonical.ReleaseEvent, doc []byte) (*Release, error) {
	if err := admit(r, e); err != nil {
		return nil, err
	}
	return applyDoc(r, e, doc)
}

// admit rejects an event that cannot apply to r at all.
func admit(r *Release, e *canonical.ReleaseEvent) error {
	if e == nil {
		return reject("", ErrIncomplete, "no event")
	}
	if err := precheck(e); err != nil {
		return err
	}
	if r == nil && e.Type != canonical.ReleaseCreated {
		return reject(e.ID, ErrNoRelease, "%s for %s arrived before the release was created; park it and apply it again once the release exists",
			e.Type, e.Key.String())
	}
	if r != nil && !sameKey(r.Key, e.Key) {
		return reject(e.ID, ErrOtherRelease, "key %s does not match release %s", e.Key.String(), r.Key.String())
	}
	if r != nil && r.Has(e.ID) {
		return reject(e.ID, ErrDuplicate, "%s is already in the audit trail of %s", e.Type, r.Key.String())
	}
	return nil
}

// applyDoc applies an admitted event ev, whose canonical JSON is doc, to a
// copy of r. Like Apply, it returns the release alongside a rejection for
// an event after pick-up.
func applyDoc(r *Release, ev *canonical.ReleaseEvent, doc []byte) (*Release, error) {
	if r == nil {
		n := &Release{Key: ev.Key}
		ref := n.create(ev)
		if ev.Light != nil {
			n.light(ev, &ref)
		}
		n.record(ref, doc)
		return n, nil
	}
	n := r.clone()
	ref := newRef(ev)
	if r.Status == PickedUp && changesCustody(ev.Type) {
		ref.Late = true
		n.record(ref, doc)
		return n, reject(ev.ID, ErrAfterPickup, "%s after pick-up has no effect; stored and flagged late", ev.Type)
	}
	if err := n.apply(ev, &ref); err != nil {
		return nil, err
	}
	n.record(ref, doc)
	return n, nil
}

// precheck rejects events the ledger cannot judge at all.
func precheck(e *canonical.ReleaseEvent) error {
	if e.ID == "" {
		return reject("", ErrIncomplete, "%s has no event id", e.Type)
	}
	if !slices.Contains(canonical.Types, e.Type) {
		return reject(e.ID, ErrUnknownType, "type %s is not a canonical event type", errtext.Quote(string(e.Type)))
	}
	missing := ""
	switch e.Type {
	case canonical.ReleaseCreated:
		if e.Release == nil {
			missing = "release"
		}
	case canonical.TransferOffered, canonical.TransferAccepted, canonical.TransferDeclined, canonical.TransferRevoked:
		if e.Transfer == nil {
			missing = "transfer"
		} else if e.Type == canonical.TransferOffered && e.Transfer.To == nil {
			missing = "transfer.to"
		}
	case canonical.Assigned:
		if e.Assignment == nil {
			missing = "assignment"
		}
	case canonical.LightChanged:
		if e.Light == nil {
			missing = "light"
		}
	case canonical.GatedOut, canonical.GatedIn:
		if e.Gate == nil {
			missing = "gate"
		}
	case canonical.StatusReported:
		if e.Status == nil {
			missing = "status"
		}
	}
	if missing != "" {
		return reject(e.ID, ErrIncomplete, "%s has no %s", e.Type, missing)
	}
	return nil
}

// apply dispatches on the event type; n is already a private copy.
func (n *Release) apply(e *canonical.ReleaseEvent, ref *EventRef) error {
	switch e.Type {
	case canonical.ReleaseCreated, canonical.ReleaseUpdated:
		if e.Light != nil {
			n.light(e, ref)
		}
		return n.update(e, ref)
	case canonical.ReleaseBlocked, canonical.ReleaseUnblocked:
		return n.block(e, ref)
	case canonical.ReleaseWithdrawn, canonical.ReleaseCancelled:
		return n.withdraw(e, ref)
	case canonical.TransferOffered:
		return n.offer(e, ref)
	case canonical.TransferAccepted, canonical.TransferDeclined:
		return n.answer(e, ref)
	case canonical.TransferRevoked:
		return n.revoke(e, ref)
	case canonical.Assigned:
		return n.assign(e, ref)
	case canonical.LightChanged:
		n.light(e, ref)
	case canonical.GatedOut:
		n.gateOut(e, e.Gate, ref)
	case canonical.GatedIn:
		n.GateIn = e.Gate
	case canonical.StatusReported:
		n.status(e, ref)
	}
	return nil
}

// changesCustody reports whether an event of type t acts on the right
// itself (and so comes too late after pick-up).
func changesCustody(t canonical.EventType) bool {
	switch t {
	case canonical.LightChanged, canonical.GatedIn, canonical.StatusReported:
		return false
	}
	return true
}

// sameKey reports whether an event's key names release key k. The
// container (or AWB) must match; the other parts must match where both
// name them, because a gate report often carries no B/L.
func sameKey(k, e canonical.Key) bool {
	part := func(a, b string) bool { return a == "" || b == "" || a == b }
	if k.Air() || e.Air() {
		return k.AWB == e.AWB && part(k.HAWB, e.HAWB) && part(k.Airport, e.Airport)
	}
	return k.ContainerNumber != "" && k.ContainerNumber == e.ContainerNumber &&
		part(k.Port, e.Port) && part(k.Carrier, e.Carrier) && part(k.BLNumber, e.BLNumber)
}

// newRef starts the audit entry of an event.
func newRef(e *canonical.ReleaseEvent) EventRef {
	return EventRef{ID: e.ID, Type: e.Type, OccurredAt: eventTime(e)}
}

// eventTime is when the event happened: occurredAt, else receipt time,
// else the zero time.
func eventTime(e *canonical.ReleaseEvent) time.Time {
	switch {
	case e.OccurredAt != nil:
		return *e.OccurredAt
	case e.Source.ReceivedAt != nil:
		return *e.Source.ReceivedAt
	}
	return time.Time{}
}

// record appends the event to the audit trail and extends the hash chain.
func (n *Release) record(ref EventRef, doc []byte) {
	ref.Hash = ChainHash(n.Head, ref.ID, doc)
	n.Events = append(n.Events, ref)
	n.Head = ref.Hash
}
