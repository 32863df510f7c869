package pipeline

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

// Kinds of the steps of a custody chain.
const (
	stepIssuer    = "issuer"
	stepReleaseTo = "releaseTo"
	stepHop       = "hop"
	stepGateOut   = "gateOut"
)

// custodyStep is one step of a release's custody chain: the issuer, the
// party it released to, each hop of the right, and the gate-out.
type custodyStep struct {
	Kind  string `json:"kind"`
	Party string `json:"party,omitempty"`
	Role  string `json:"role,omitempty"`
	// State is a hop's state (OFFERED, ACCEPTED, DECLINED, REVOKED,
	// SUPERSEDED); HopKind is AUTHORISE, NOMINATE or TRANSFER.
	State   string `json:"state,omitempty"`
	HopKind string `json:"hopKind,omitempty"`
	// System is the port system of the event that made the step, and
	// ClosedVia that of the event that closed a hop.
	System    string     `json:"system,omitempty"`
	EventID   string     `json:"eventId,omitempty"`
	ClosedBy  string     `json:"closedBy,omitempty"`
	ClosedVia string     `json:"closedVia,omitempty"`
	At        *time.Time `json:"at,omitempty"`
}

// eventView is one recorded event of a release with the message that
// carried it and what the ledger made of it.
type eventView struct {
	store.EventRow
	Source  canonical.Source `json:"source"`
	Outcome string           `json:"outcome"`
	Notes   []string         `json:"notes,omitempty"`
}

// rejection is a dead letter of one of a release's events: the ledger
// rejected it, or it could not be encoded for a route.
type rejection struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	Stage     string    `json:"stage"`
	Reason    string    `json:"reason"`
	// State is pending, replayed or discarded.
	State         string `json:"state"`
	DiscardReason string `json:"discardReason,omitempty"`
}

// releaseView is a release with its events, custody chain and rejected
// events, as the release page and GET /api/releases/{key...} give it.
type releaseView struct {
	Row        store.ReleaseRow `json:"release"`
	R          ledger.Release   `json:"-"`
	Events     []eventView      `json:"events"`
	Custody    []custodyStep    `json:"custody"`
	Rejections []rejection      `json:"rejections"`
}

// loadRelease reads the release under key with its events.
func (g *Gateway) loadRelease(r *http.Request, key string) (*releaseView, error) {
	row, err := g.store.Release(r.Context(), key)
	if err != nil {
		return nil, err
	}
	rows, err := g.store.ReleaseEvents(r.Context(), key)
	if err != nil {
		return nil, err
	}
	v := &releaseView{Row: row}
	if err := json.Unmarshal(row.Body, &v.R); err != nil {
		return nil, err
	}
	refs := map[string]ledger.EventRef{}
	for _, ref := range v.R.Events {
		refs[ref.ID] = ref
	}
	systems := map[string]string{}
	for _, e := range rows {
		ev := eventView{EventRow: e}
		var body struct {
			Source canonical.Source `json:"source"`
		}
		_ = json.Unmarshal(e.Body, &body)
		ev.Source = body.Source
		systems[e.ID] = body.Source.PCS
		ev.Outcome, ev.Notes = outcomeOf(refs[e.ID], e.Late)
		v.Events = append(v.Events, ev)
	}
	v.Custody = custodyChain(&v.R, systems)
	dls, err := g.store.DeadLettersOf(r.Context(), row.Key)
	if err != nil {
		return nil, err
	}
	v.Rejections = rejectionsOf(dls)
	return v, nil
}

// rejectionsOf is what the release page shows of its dead letters; never
// nil, so the API gives a list.
func rejectionsOf(dls []store.DeadLetter) []rejection {
	out := make([]rejection, 0, len(dls))
	for _, d := range dls {
		rj := rejection{ID: d.ID, CreatedAt: d.CreatedAt, Stage: d.Stage, Reason: d.Reason, State: "pending", DiscardReason: d.DiscardReason}
		switch {
		case d.DiscardedAt != nil:
			rj.State = "discarded"
		case d.ReplayedAt != nil:
			rj.State = "replayed"
		}
		out = append(out, rj)
	}
	return out
}

// outcomeOf says what the ledger made of an event: applied, or stored
// without effect, with the notes it recorded.
func outcomeOf(ref ledger.EventRef, late bool) (string, []string) {
	var notes []string
	outcome := "applied"
	if late || ref.Late {
		outcome = "late"
		notes = append(notes, "stored after pick-up, without effect")
	}
	if ref.Stale {
		outcome = "stale"
		notes = append(notes, "older than the light's current state, stored without effect")
	}
	if ref.Unverified {
		notes = append(notes, "the actor could not be identified")
	}
	if ref.Note != "" {
		notes = append(notes, ref.Note)
	}
	return outcome, notes
}

// custodyChain is the custody chain of rel: issuer, first holder, each hop
// and the gate-out; systems maps event ids to the system they came through.
func custodyChain(rel *ledger.Release, systems map[string]string) []custodyStep {
	var first string
	if len(rel.Events) > 0 {
		first = systems[rel.Events[0].ID]
	}
	issuer := custodyStep{Kind: stepIssuer, Party: partyName(rel.Issuer), Role: "carrier", System: first}
	if rel.Issuer == nil {
		issuer.Party = rel.Key.Carrier
	}
	if rel.Issuer != nil && rel.Issuer.Role != "" {
		issuer.Role = rel.Issuer.Role
	}
	chain := []custodyStep{issuer}
	if rel.ReleaseTo != nil {
		chain = append(chain, custodyStep{Kind: stepReleaseTo, Party: partyName(rel.ReleaseTo), Role: roleOr(rel.ReleaseTo.Role, "release party"), System: first})
	}
	for _, h := range rel.Hops {
		s := custodyStep{Kind: stepHop, Party: partyName(h.To), Role: h.ToRole, State: string(h.State), HopKind: h.Kind,
			System: systems[h.EventID], EventID: h.EventID, ClosedBy: h.ClosedBy, ClosedVia: systems[h.ClosedBy]}
		if h.To != nil && s.Role == "" {
			s.Role = h.To.Role
		}
		if !h.At.IsZero() {
			at := h.At
			s.At = &at
		}
		chain = append(chain, s)
	}
	if gate := rel.GateOut; gate != nil {
		s := custodyStep{Kind: stepGateOut, Party: "gate-out", At: gate.At}
		if gate.Facility != nil {
			s.Party = "gate-out " + strings.TrimSpace(gate.Facility.Locode+" "+gate.Facility.Code)
		}
		for _, ref := range rel.Events {
			if ref.Type == canonical.GatedOut {
				s.EventID, s.System = ref.ID, systems[ref.ID]
				if s.At == nil && !ref.OccurredAt.IsZero() {
					at := ref.OccurredAt // the gate message's own time
					s.At = &at
				}
			}
		}
		chain = append(chain, s)
	}
	return chain
}

// partyName names a party: its name, else its first identifier.
func partyName(p *canonical.Party) string {
	switch {
	case p == nil:
		return ""
	case p.Name != "":
		return p.Name
	case len(p.IDs) > 0:
		return p.IDs[0].Scheme + " " + p.IDs[0].Value
	}
	return "unnamed party"
}

func roleOr(role, otherwise string) string {
	if role != "" {
		return role
	}
	return otherwise
}

func (g *Gateway) apiRelease(w http.ResponseWriter, r *http.Request) {
	v, err := g.loadRelease(r, r.PathValue("key"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeAPIError(w, http.StatusNotFound, err.Error())
	case err != nil:
		writeAPIError(w, http.StatusInternalServerError, err.Error())
	default:
		if v.Events == nil {
			v.Events = []eventView{}
		}
		writeAPI(w, v, nil)
	}
}
