package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

// Rule 3: a transfer is revoked by its giver only while OFFERED, except a
// nomination or authorisation that took effect at once, which its giver
// may withdraw while its receiver holds the right; a withdrawal by the
// issuer supersedes the whole chain.
func TestApplyRuleRevoke(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, r *ledger.Release)
	}{
		{name: "giver revokes an open offer", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferRevoked, forwarder, haulier)),
			fails(transfer(4, canonical.TransferAccepted, forwarder, haulier), ledger.ErrNoOffer),
			fails(with(transfer(5, canonical.TransferAccepted, forwarder, haulier), nominate), ledger.ErrNoOffer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Revoked}, hopStates(r))
		}},
		{name: "someone else cannot revoke", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			fails(transfer(3, canonical.TransferRevoked, mallory, nil), ledger.ErrNotGiver),
			fails(with(transfer(4, canonical.TransferRevoked, nil, haulier), func(e *canonical.ReleaseEvent) {
				e.Transfer.From = &canonical.Party{Name: "Forwarder BV", IDs: []canonical.PartyID{{Scheme: "EORI", Value: "NL999999999"}}}
			}), ledger.ErrNotGiver),
			fails(transfer(5, canonical.TransferRevoked, carrier, haulier), ledger.ErrNotGiver),
			fails(transfer(6, canonical.TransferRevoked, forwarder, barge), ledger.ErrNoOffer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, []ledger.HopState{ledger.Offered}, hopStates(r))
		}},
		{name: "accepted transfer cannot be revoked", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferAccepted, forwarder, haulier)),
			fails(transfer(4, canonical.TransferRevoked, forwarder, haulier), ledger.ErrRevokeAccepted),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Accepted}, hopStates(r))
		}},
		{name: "a nomination that took effect is withdrawn by its giver", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(transfer(2, canonical.TransferAccepted, forwarder, haulier), nominate)),
			ok(assigned(3, haulier)),
			fails(with(transfer(4, canonical.TransferRevoked, mallory, haulier), nominate), ledger.ErrNotGiver),
			ok(with(transfer(5, canonical.TransferRevoked, forwarder, haulier), nominate)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder), "the right is back with the giver")
			assert.Nil(t, r.Assignment, "the receiver's transport goes with it")
			assert.Equal(t, []ledger.HopState{ledger.Revoked}, hopStates(r))
			assert.Contains(t, lastRef(r).Note, "withdrawn after it took effect")
		}},
		{name: "a nomination passed on cannot be withdrawn", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(transfer(2, canonical.TransferAccepted, forwarder, haulier), nominate)),
			ok(with(transfer(3, canonical.TransferAccepted, haulier, barge), nominate)),
			fails(with(transfer(4, canonical.TransferRevoked, forwarder, haulier), nominate), ledger.ErrRevokeAccepted),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(barge, r.Holder))
		}},
		{name: "revocation naming no party is unverified", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferRevoked, nil, nil)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, []ledger.HopState{ledger.Revoked}, hopStates(r))
			assert.True(t, lastRef(r).Unverified)
		}},
		{name: "withdrawal supersedes the whole chain", steps: concat2(
			oks(one(created(1, carrier, forwarder),
				transfer(2, canonical.TransferOffered, forwarder, haulier),
				transfer(3, canonical.TransferAccepted, forwarder, haulier),
				assigned(4, haulier),
				transfer(5, canonical.TransferOffered, haulier, barge),
				issuerAct(6, canonical.ReleaseWithdrawn, carrier))),
			[]step{
				fails(transfer(7, canonical.TransferAccepted, haulier, barge), ledger.ErrNotActive),
				fails(transfer(8, canonical.TransferOffered, haulier, barge), ledger.ErrNotActive),
				fails(assigned(9, haulier), ledger.ErrNotActive),
				fails(issuerAct(10, canonical.ReleaseBlocked, carrier), ledger.ErrNotActive),
				fails(issuerAct(11, canonical.ReleaseUpdated, carrier), ledger.ErrNotActive),
				fails(issuerAct(12, canonical.ReleaseWithdrawn, carrier), ledger.ErrNotActive),
			}),
			check: func(t *testing.T, r *ledger.Release) {
				assert.Equal(t, ledger.Withdrawn, r.Status)
				assert.Nil(t, r.Holder)
				assert.Nil(t, r.Assignment)
				assert.Equal(t, []ledger.HopState{ledger.Superseded, ledger.Superseded}, hopStates(r))
				assert.Equal(t, "ev_test06", r.Hops[1].ClosedBy)
			}},
		{name: "created again after withdrawal", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(transfer(2, canonical.TransferAccepted, forwarder, haulier), nominate)),
			ok(issuerAct(3, canonical.ReleaseWithdrawn, carrier)),
			ok(created(4, carrier, nil)),
			ok(transfer(5, canonical.TransferOffered, forwarder, barge)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Released, r.Status)
			assert.True(t, ledger.SameParty(forwarder, r.Holder), "holder is the release-to party again")
			assert.Equal(t, []ledger.HopState{ledger.Superseded, ledger.Offered}, hopStates(r))
		}},
		{name: "cancel after withdrawal, nothing after cancel", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(issuerAct(2, canonical.ReleaseWithdrawn, carrier)),
			ok(issuerAct(3, canonical.ReleaseCancelled, carrier)),
			fails(issuerAct(4, canonical.ReleaseCancelled, carrier), ledger.ErrNotActive),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Cancelled, r.Status)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, run(t, tt.steps))
		})
	}
}

func concat2(groups ...[]step) []step {
	var out []step
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// Rule 4: after PICKED_UP nothing changes custody; late events are stored
// and flagged.
func TestApplyRuleAfterPickup(t *testing.T) {
	ready := concat(one(created(1, carrier, forwarder), assigned(2, forwarder)), greens(3))
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, r *ledger.Release)
	}{
		{name: "gate-out picks up", steps: concat2(oks(ready), []step{ok(gate(10, canonical.GatedOut))}),
			check: func(t *testing.T, r *ledger.Release) {
				assert.Equal(t, ledger.PickedUp, r.Status)
				require.NotNil(t, r.GateOut)
				assert.Empty(t, lastRef(r).Note, "it was ready")
			}},
		{name: "late custody events are stored and flagged", steps: concat2(oks(ready), []step{
			ok(gate(10, canonical.GatedOut)),
			fails(transfer(11, canonical.TransferOffered, forwarder, mallory), ledger.ErrAfterPickup),
			fails(issuerAct(12, canonical.ReleaseWithdrawn, carrier), ledger.ErrAfterPickup),
			fails(issuerAct(13, canonical.ReleaseBlocked, carrier), ledger.ErrAfterPickup),
			fails(assigned(14, forwarder), ledger.ErrAfterPickup),
			fails(gate(15, canonical.GatedOut), ledger.ErrAfterPickup),
		}), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.PickedUp, r.Status)
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Empty(t, r.Hops)
			require.Len(t, r.Events, 11)
			for _, ref := range r.Events[6:] {
				assert.True(t, ref.Late, ref.ID)
			}
			assert.False(t, r.Events[5].Late)
		}},
		{name: "facts after pick-up apply", steps: concat2(oks(ready), []step{
			ok(gate(10, canonical.GatedOut)),
			ok(gate(11, canonical.GatedIn)),
			ok(light(12, canonical.LightCustoms, canonical.Red)),
		}), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.PickedUp, r.Status)
			assert.NotNil(t, r.GateIn)
			assert.Equal(t, canonical.Red, r.Lights.Customs.State)
			assert.False(t, lastRef(r).Late)
		}},
		{name: "gate-out of a blocked release is noted", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(issuerAct(2, canonical.ReleaseBlocked, carrier)),
			ok(gate(3, canonical.GatedOut)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.PickedUp, r.Status)
			assert.Equal(t, "picked up while not ready: status BLOCKED, not assigned, commercial light not reported, customs light not reported, terminal light not reported",
				lastRef(r).Note)
		}},
		{name: "air delivery ends the release", steps: []step{
			ok(with(created(1, carrier, forwarder), func(e *canonical.ReleaseEvent) {
				e.Key = canonical.Key{Airport: "AMS", AWB: "020-12345675"}
			})),
			ok(with(ev(2, canonical.StatusReported), func(e *canonical.ReleaseEvent) {
				e.Key = canonical.Key{Airport: "AMS", AWB: "020-12345675"}
				e.Status = &canonical.Status{Code: "DLV", Location: "AMS"}
			})),
			fails(with(transfer(3, canonical.TransferOffered, forwarder, haulier), func(e *canonical.ReleaseEvent) {
				e.Key = canonical.Key{AWB: "020-12345675"}
			}), ledger.ErrAfterPickup),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.PickedUp, r.Status)
			assert.Equal(t, "DLV", r.LastStatus.Code)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, run(t, tt.steps))
		})
	}
}

// Rule 5 (per event): an event for a release that does not exist yet is
// reported so the caller can park it.
func TestApplyRuleUnknownRelease(t *testing.T) {
	for _, e := range []*canonical.ReleaseEvent{
		transfer(1, canonical.TransferOffered, forwarder, haulier),
		light(1, canonical.LightCustoms, canonical.Green),
		gate(1, canonical.GatedOut),
		issuerAct(1, canonical.ReleaseUpdated, carrier),
	} {
		t.Run(string(e.Type), func(t *testing.T) {
			r, err := ledger.Apply(nil, e)
			require.ErrorIs(t, err, ledger.ErrNoRelease)
			assert.Nil(t, r)
			assert.True(t, ledger.Parkable(err))
			var rej *ledger.Rejection
			require.ErrorAs(t, err, &rej)
			assert.Equal(t, 5, rej.Rule)
		})
	}
}

// Lights and custody are independent.
func TestApplyLights(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, r *ledger.Release)
	}{
		{name: "light never moves the right", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(light(2, canonical.LightCommercial, canonical.Red), sender("NL999999999"))),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Equal(t, canonical.Red, r.Lights.Commercial.State)
			assert.Equal(t, ledger.Released, r.Status)
		}},
		{name: "transfer never changes a light", steps: concat2(oks(concat(one(created(1, carrier, forwarder)), greens(2))), []step{
			ok(with(transfer(5, canonical.TransferAccepted, forwarder, haulier), nominate)),
		}), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, canonical.Green, r.Lights.Commercial.State)
			assert.Equal(t, canonical.Green, r.Lights.Customs.State)
			assert.Equal(t, canonical.Green, r.Lights.Terminal.State)
		}},
		{name: "older light report is stale", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(light(5, canonical.LightCustoms, canonical.Green)),
			ok(light(3, canonical.LightCustoms, canonical.Red)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, canonical.Green, r.Lights.Customs.State)
			assert.Equal(t, "ev_test05", r.Lights.Customs.EventID)
			assert.True(t, lastRef(r).Stale)
			assert.Len(t, r.Events, 3, "stale events stay in the audit trail")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, run(t, tt.steps))
		})
	}
}
