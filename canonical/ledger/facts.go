package ledger

import (
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
)

// Facts reported by terminals, customs, platforms and handlers: lights,
// gate moves and statuses. Nobody's authority is checked for these; they
// never move the right.

// light handles LIGHT_CHANGED, and the light any other event carries
// (an SCR release reports its lights with every update). Each light keeps
// the newest state by occurredAt; an older report is stored as stale
// without effect. A total light sets the lights it is derived from too.
func (n *Release) light(e *canonical.ReleaseEvent, ref *EventRef) {
	l := n.Lights.byKind(e.Light.Kind)
	if l == nil {
		ref.Note = "unknown light kind " + errtext.Quote(e.Light.Kind) + " ignored"
		if e.Light.Kind == canonical.LightOther {
			ref.Note = "light " + errtext.Quote(e.Light.Name) + " has no canonical kind; it stays on the event"
		}
		return
	}
	at := eventTime(e)
	if !l.At.IsZero() && at.Before(l.At) {
		ref.Stale = true
		ref.Note = "older than the current " + strings.ToLower(e.Light.Kind) + " light"
		return
	}
	*l = Light{State: e.Light.State, Value: e.Light.Value, Reason: e.Light.Reason, At: at, EventID: e.ID}
	for _, part := range e.Light.Components {
		if pl := n.Lights.byKind(part.Kind); pl != nil && part.Kind != canonical.LightTotal {
			*pl = Light{State: part.State, Value: part.Value, Reason: part.Reason, At: at, EventID: e.ID}
		}
	}
}

// byKind returns the light of a canonical kind, or nil for OTHER and
// unknown kinds.
func (ls *Lights) byKind(kind string) *Light {
	switch kind {
	case canonical.LightCommercial:
		return &ls.Commercial
	case canonical.LightCustoms:
		return &ls.Customs
	case canonical.LightTerminal:
		return &ls.Terminal
	case canonical.LightTotal:
		return &ls.Total
	}
	return nil
}

// gateOut ends the release: PICKED_UP. A gate-out the release was not
// ready for is still a fact; the note says why it was not ready, for the
// people watching for fraud.
func (n *Release) gateOut(e *canonical.ReleaseEvent, g *canonical.Gate, ref *EventRef) {
	at := eventTime(e)
	if g != nil && g.At != nil {
		at = *g.At
	}
	if why := n.NotReady(at); len(why) > 0 && !at.IsZero() {
		ref.Note = "picked up while not ready: " + strings.Join(why, ", ")
	}
	n.Status = PickedUp
	n.GateOut = g
}

// status handles STATUS_REPORTED. The air status DLV (delivered to the
// consignee) ends the release like a gate-out.
func (n *Release) status(e *canonical.ReleaseEvent, ref *EventRef) {
	n.LastStatus = e.Status
	if e.Status.Code == "DLV" && n.Status != PickedUp {
		n.gateOut(e, nil, ref)
	}
}
