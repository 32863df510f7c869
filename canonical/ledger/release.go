package ledger

import (
	"slices"
	"time"

	"github.com/nexport/pcsgate/canonical"
)

// Status is where a release stands.
type Status string

// Release statuses.
const (
	Released  Status = "RELEASED"
	Blocked   Status = "BLOCKED"
	Withdrawn Status = "WITHDRAWN"
	Cancelled Status = "CANCELLED"
	PickedUp  Status = "PICKED_UP"
)

// Active reports whether custody can still change: RELEASED or BLOCKED.
func (s Status) Active() bool { return s == Released || s == Blocked }

// HopState is where one transfer of the release right stands.
type HopState string

// Hop states.
const (
	Offered    HopState = "OFFERED"
	Accepted   HopState = "ACCEPTED"
	Declined   HopState = "DECLINED"
	Revoked    HopState = "REVOKED"
	Superseded HopState = "SUPERSEDED"
)

// Hop is one transfer of the release right from one party to the next.
type Hop struct {
	From      *canonical.Party `json:"from,omitempty"`
	To        *canonical.Party `json:"to,omitempty"`
	ToRole    string           `json:"toRole,omitempty"`
	Kind      string           `json:"kind,omitempty"`
	Reference string           `json:"reference,omitempty"`
	State     HopState         `json:"state"`
	// EventID is the event that offered the hop.
	EventID string `json:"eventId"`
	// At is when the hop was offered (occurredAt of that event).
	At time.Time `json:"at,omitzero"`
	// ClosedBy is the event that accepted, declined, revoked or superseded it.
	ClosedBy string `json:"closedBy,omitempty"`
}

// Light is the latest state of one light.
type Light struct {
	// State is a canonical light state (GREEN, YELLOW, ORANGE, RED,
	// UNKNOWN); empty while nothing was reported.
	State string `json:"state,omitempty"`
	// Value is the state in the reporting system's own words.
	Value   string    `json:"value,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at,omitzero"`
	EventID string    `json:"eventId,omitempty"`
}

// Lights are the commercial, customs and terminal lights of a release, and
// the total light when a system reports one (SCR).
type Lights struct {
	Commercial Light `json:"commercial"`
	Customs    Light `json:"customs"`
	Terminal   Light `json:"terminal"`
	Total      Light `json:"total,omitzero"`
}

// EventRef is one event in a release's audit trail.
type EventRef struct {
	ID         string              `json:"id"`
	Type       canonical.EventType `json:"type"`
	OccurredAt time.Time           `json:"occurredAt,omitzero"`
	// Hash is SHA-256(previous hash + event id + canonical JSON of the
	// event), hex. The first event's previous hash is empty.
	Hash string `json:"hash"`
	// Late marks an event stored after pick-up without effect (rule 4).
	Late bool `json:"late,omitempty"`
	// Stale marks a light older than the light's current state, stored
	// without effect.
	Stale bool `json:"stale,omitempty"`
	// Unverified marks an act whose actor could not be identified (see the
	// package documentation).
	Unverified bool `json:"unverified,omitempty"`
	// Note says what else the ledger noticed, e.g. a gate-out while blocked.
	Note string `json:"note,omitempty"`
}

// Release is the ledger's state of one release right.
type Release struct {
	Key    canonical.Key `json:"key"`
	Status Status        `json:"status"`
	// ReleaseNumber is the issuer's reference of the release.
	ReleaseNumber string           `json:"releaseNumber,omitempty"`
	Issuer        *canonical.Party `json:"issuer,omitempty"`
	// ReleaseTo is the first holder as the issuer named it.
	ReleaseTo *canonical.Party `json:"releaseTo,omitempty"`
	// Holder is the party that holds the right now; nil before the issuer
	// names one and after a withdrawal or cancellation.
	Holder         *canonical.Party      `json:"holder,omitempty"`
	Hops           []Hop                 `json:"hops,omitempty"`
	Lights         Lights                `json:"lights"`
	ValidFrom      *time.Time            `json:"validFrom,omitempty"`
	ValidUntil     *time.Time            `json:"validUntil,omitempty"`
	MoveType       canonical.MoveType    `json:"moveType,omitempty"`
	PickupTerminal *canonical.Facility   `json:"pickupTerminal,omitempty"`
	EmptyReturn    *canonical.Facility   `json:"emptyReturn,omitempty"`
	Assignment     *canonical.Assignment `json:"assignment,omitempty"`
	// Credential is a handle to the pick-up credential, never the secret.
	Credential *canonical.Credential `json:"credential,omitempty"`
	GateOut    *canonical.Gate       `json:"gateOut,omitempty"`
	GateIn     *canonical.Gate       `json:"gateIn,omitempty"`
	LastStatus *canonical.Status     `json:"lastStatus,omitempty"`
	Events     []EventRef            `json:"events"`
	// Head is the hash of the last event in Events.
	Head string `json:"head"`
}

// clone copies r so that the copy can change without touching r. Parties,
// facilities and the other pointed-to parts are shared: the ledger never
// changes them in place, it replaces them.
func (r *Release) clone() *Release {
	n := *r
	n.Hops = slices.Clone(r.Hops)
	n.Events = slices.Clone(r.Events)
	return &n
}

// Has reports whether the event id is already in the audit trail.
func (r *Release) Has(eventID string) bool {
	return slices.ContainsFunc(r.Events, func(ref EventRef) bool { return ref.ID == eventID })
}

// Expired reports whether an active release's validity ended before now.
// Picked-up, withdrawn and cancelled releases do not expire.
func (r *Release) Expired(now time.Time) bool {
	return r.Status.Active() && r.ValidUntil != nil && now.After(*r.ValidUntil)
}

// ReadyForPickup reports whether the release can be collected at now: not
// blocked, withdrawn, cancelled or picked up, held and assigned, all three
// lights green, and within its validity. An orange customs light is not
// enough here; terminals that accept it decide that themselves.
func (r *Release) ReadyForPickup(now time.Time) bool {
	return len(r.NotReady(now)) == 0
}

// NotReady lists why the release cannot be collected at now, in a fixed
// order; nil when it can.
func (r *Release) NotReady(now time.Time) []string {
	var why []string
	if r.Status != Released {
		why = append(why, "status "+string(r.Status))
	}
	if r.Holder == nil {
		why = append(why, "no holder")
	}
	if r.Assignment == nil {
		why = append(why, "not assigned")
	}
	for _, l := range []struct {
		kind  string
		light Light
	}{{"commercial", r.Lights.Commercial}, {"customs", r.Lights.Customs}, {"terminal", r.Lights.Terminal}} {
		if l.light.State != canonical.Green {
			state := l.light.State
			if state == "" {
				state = "not reported"
			}
			why = append(why, l.kind+" light "+state)
		}
	}
	if t := r.Lights.Total.State; t != "" && t != canonical.Green {
		why = append(why, "total light "+t)
	}
	if r.ValidFrom != nil && now.Before(*r.ValidFrom) {
		why = append(why, "not valid yet")
	}
	if r.ValidUntil != nil && now.After(*r.ValidUntil) {
		why = append(why, "expired")
	}
	return why
}
