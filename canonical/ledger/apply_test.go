package ledger_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

// step is one event and what Apply must say about it.
type step struct {
	e       *canonical.ReleaseEvent
	wantErr error // nil: applied
}

func ok(e *canonical.ReleaseEvent) step { return step{e: e} }

func fails(e *canonical.ReleaseEvent, err error) step { return step{e: e, wantErr: err} }

func oks(es []*canonical.ReleaseEvent) []step {
	out := make([]step, len(es))
	for i, e := range es {
		out[i] = ok(e)
	}
	return out
}

// run applies the steps in order, checking each outcome, and returns the
// final release. A rejected event leaves the release as it was, except a
// late one, which is stored.
func run(t *testing.T, steps []step) *ledger.Release {
	t.Helper()
	var r, rc *ledger.Release // rc: the same steps through ApplyCanonical
	for i, s := range steps {
		before := snapshot(t, r)
		n, err := ledger.Apply(r, s.e)
		assert.Equal(t, before, snapshot(t, r), "step %d changed its input", i)
		doc, merr := json.Marshal(s.e)
		require.NoError(t, merr)
		owned := new(canonical.ReleaseEvent)
		require.NoError(t, json.Unmarshal(doc, owned))
		nc, cerr := ledger.ApplyCanonical(rc, owned, doc)
		require.Equal(t, fmt.Sprint(err), fmt.Sprint(cerr), "step %d: ApplyCanonical's outcome", i)
		require.Equal(t, snapshot(t, n), snapshot(t, nc), "step %d: ApplyCanonical's release", i)
		if nc != nil {
			rc = nc
		}
		if s.wantErr == nil {
			require.NoError(t, err, "step %d (%s)", i, s.e.Type)
			require.NotNil(t, n)
			r = n
			continue
		}
		require.ErrorIs(t, err, s.wantErr, "step %d (%s)", i, s.e.Type)
		var rej *ledger.Rejection
		require.ErrorAs(t, err, &rej)
		assert.Equal(t, s.e.ID, rej.EventID)
		if s.wantErr == ledger.ErrAfterPickup {
			require.NotNil(t, n, "a late event is stored")
			r = n
			continue
		}
		assert.Nil(t, n)
	}
	return r
}

func snapshot(t *testing.T, r *ledger.Release) string {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	return string(b)
}

func lastRef(r *ledger.Release) ledger.EventRef { return r.Events[len(r.Events)-1] }

func hopStates(r *ledger.Release) []ledger.HopState {
	var s []ledger.HopState
	for _, h := range r.Hops {
		s = append(s, h.State)
	}
	return s
}

func TestApplyCreate(t *testing.T) {
	r := run(t, []step{ok(created(1, carrier, forwarder))})
	assert.Equal(t, ledger.Released, r.Status)
	assert.True(t, ledger.SameParty(carrier, r.Issuer))
	assert.True(t, ledger.SameParty(forwarder, r.Holder))
	assert.True(t, ledger.SameParty(forwarder, r.ReleaseTo))
	assert.Equal(t, "REL1", r.ReleaseNumber)
	assert.Equal(t, seaKey, r.Key)
	require.Len(t, r.Events, 1)
	assert.Equal(t, r.Head, r.Events[0].Hash)
	assert.Len(t, r.Head, 64)
}

// Rule 1: exactly one holder; only the holder offers a transfer or assigns.
func TestApplyRuleHolder(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, r *ledger.Release)
	}{
		{name: "holder offers, receiver accepts", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferAccepted, forwarder, haulier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Accepted}, hopStates(r))
			assert.Equal(t, "ev_test02", r.Hops[0].EventID)
			assert.Equal(t, "ev_test03", r.Hops[0].ClosedBy)
			assert.False(t, lastRef(r).Unverified)
		}},
		{name: "offer is pending until accepted", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Offered}, hopStates(r))
		}},
		{name: "non-holder cannot offer", steps: []step{
			ok(created(1, carrier, forwarder)),
			fails(transfer(2, canonical.TransferOffered, mallory, mallory), ledger.ErrNotHolder),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Empty(t, r.Hops)
			assert.Len(t, r.Events, 1)
		}},
		{name: "former holder cannot offer again", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferAccepted, forwarder, haulier)),
			fails(transfer(4, canonical.TransferOffered, forwarder, barge), ledger.ErrNotHolder),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
		}},
		{name: "receiver cannot pull the right by accepting nothing", steps: []step{
			ok(created(1, carrier, forwarder)),
			fails(transfer(2, canonical.TransferAccepted, mallory, mallory), ledger.ErrNoOffer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
		}},
		{name: "nomination takes effect at once", steps: []step{
			ok(created(1, carrier, forwarder)),
			fails(transfer(2, canonical.TransferAccepted, forwarder, haulier), ledger.ErrNoOffer),
			ok(with(transfer(3, canonical.TransferAccepted, forwarder, haulier), nominate)),
			fails(with(transfer(4, canonical.TransferAccepted, forwarder, barge), nominate), ledger.ErrNoOffer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Accepted}, hopStates(r))
			assert.Equal(t, "direct transfer without an offer", lastRef(r).Note)
		}},
		{name: "decline leaves the giver holding", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferDeclined, nil, haulier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Declined}, hopStates(r))
		}},
		{name: "new offer supersedes the open one", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferOffered, forwarder, barge)),
			fails(transfer(4, canonical.TransferAccepted, forwarder, haulier), ledger.ErrNoOffer),
			ok(transfer(5, canonical.TransferAccepted, forwarder, barge)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(barge, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Superseded, ledger.Accepted}, hopStates(r))
		}},
		{name: "chain of three", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferAccepted, forwarder, haulier)),
			ok(transfer(4, canonical.TransferOffered, haulier, barge)),
			ok(transfer(5, canonical.TransferAccepted, haulier, barge)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(barge, r.Holder))
			require.Len(t, r.Hops, 2)
			assert.True(t, ledger.SameParty(haulier, r.Hops[1].From))
		}},
		{name: "holder assigns", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(assigned(2, forwarder)),
		}, check: func(t *testing.T, r *ledger.Release) {
			require.NotNil(t, r.Assignment)
			assert.Equal(t, "12-ABC-3", r.Assignment.TruckPlate)
		}},
		{name: "non-holder cannot assign", steps: []step{
			ok(created(1, carrier, forwarder)),
			fails(assigned(2, haulier), ledger.ErrNotHolder),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Nil(t, r.Assignment)
		}},
		{name: "handing over drops the old holder's assignment", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(assigned(2, forwarder)),
			ok(transfer(3, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(4, canonical.TransferAccepted, forwarder, haulier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Nil(t, r.Assignment)
		}},
		{name: "unnamed actor verified by sender id", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(transfer(2, canonical.TransferOffered, nil, haulier), sender("nl123456789"))),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.False(t, lastRef(r).Unverified)
			assert.True(t, ledger.SameParty(forwarder, r.Hops[0].From))
		}},
		{name: "unnamed actor from a platform is unverified", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(assigned(2, nil), sender("NXTPORT"))),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, lastRef(r).Unverified)
			assert.NotNil(t, r.Assignment)
		}},
		{name: "no holder named yet", steps: []step{
			ok(created(1, carrier, nil)),
			fails(transfer(2, canonical.TransferOffered, forwarder, haulier), ledger.ErrNotHolder),
			ok(with(issuerAct(3, canonical.ReleaseUpdated, carrier), func(e *canonical.ReleaseEvent) { e.Release.ReleaseTo = forwarder })),
			ok(transfer(4, canonical.TransferOffered, forwarder, haulier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
			assert.Equal(t, "no release-to party named yet", r.Events[0].Note)
			assert.Equal(t, "release-to party named", r.Events[1].Note)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, run(t, tt.steps))
		})
	}
}

// Rule 2: only the issuer blocks, unblocks, updates, withdraws or cancels.
func TestApplyRuleIssuer(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		check func(t *testing.T, r *ledger.Release)
	}{
		{name: "issuer blocks and unblocks", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(issuerAct(2, canonical.ReleaseBlocked, carrier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Blocked, r.Status)
		}},
		{name: "unblock", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(issuerAct(2, canonical.ReleaseBlocked, carrier)),
			ok(issuerAct(3, canonical.ReleaseUnblocked, carrier)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Released, r.Status)
		}},
		{name: "holder cannot block", steps: []step{
			ok(created(1, carrier, forwarder)),
			fails(issuerAct(2, canonical.ReleaseBlocked, forwarder), ledger.ErrNotIssuer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Released, r.Status)
		}},
		{name: "stranger cannot withdraw or cancel", steps: []step{
			ok(created(1, carrier, forwarder)),
			fails(issuerAct(2, canonical.ReleaseWithdrawn, mallory), ledger.ErrNotIssuer),
			fails(issuerAct(3, canonical.ReleaseCancelled, mallory), ledger.ErrNotIssuer),
			fails(issuerAct(4, canonical.ReleaseUpdated, mallory), ledger.ErrNotIssuer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Released, r.Status)
			assert.Len(t, r.Events, 1)
		}},
		{name: "update by issuer changes validity and terminal", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(issuerAct(2, canonical.ReleaseUpdated, carrier), func(e *canonical.ReleaseEvent) {
				e.Release.ValidUntil = minute(48 * 60)
				e.Release.PickupTerminal = &canonical.Facility{Locode: "NLRTM", Code: "RWG"}
			})),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, minute(48*60), r.ValidUntil)
			assert.Equal(t, "RWG", r.PickupTerminal.Code)
			assert.Equal(t, "REL1", r.ReleaseNumber, "fields the update leaves out stay")
		}},
		{name: "update that names no issuer, sender is the carrier", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(issuerAct(2, canonical.ReleaseBlocked, nil), sender("MSCU"))),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Blocked, r.Status)
			assert.False(t, lastRef(r).Unverified)
		}},
		{name: "update that names no issuer, unknown sender", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(issuerAct(2, canonical.ReleaseBlocked, nil), sender("SOMEPLATFORM"))),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Blocked, r.Status)
			assert.True(t, lastRef(r).Unverified)
		}},
		{name: "issuer never named: acts unverified, first named issuer adopted", steps: []step{
			ok(created(1, nil, forwarder)),
			ok(issuerAct(2, canonical.ReleaseBlocked, carrier)),
			fails(issuerAct(3, canonical.ReleaseUnblocked, mallory), ledger.ErrNotIssuer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, lastRef(r).Unverified)
			assert.True(t, ledger.SameParty(carrier, r.Issuer))
		}},
		{name: "second creation is an update", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(with(created(2, carrier, forwarder), func(e *canonical.ReleaseEvent) { e.Release.ReleaseNumber = "REL2" })),
			fails(created(3, mallory, mallory), ledger.ErrNotIssuer),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, "REL2", r.ReleaseNumber)
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
		}},
		{name: "issuer changes the release-to party", steps: []step{
			ok(created(1, carrier, forwarder)),
			ok(transfer(2, canonical.TransferOffered, forwarder, haulier)),
			ok(transfer(3, canonical.TransferAccepted, forwarder, haulier)),
			ok(created(4, carrier, barge)),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(barge, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Superseded}, hopStates(r))
			assert.Equal(t, "release-to party changed; earlier transfers superseded", lastRef(r).Note)
		}},
		{name: "blocked flag on the release", steps: []step{
			ok(with(created(1, carrier, forwarder), func(e *canonical.ReleaseEvent) { e.Release.Blocked = new(true) })),
		}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Blocked, r.Status)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, run(t, tt.steps))
		})
	}
}

func nominate(e *canonical.ReleaseEvent) { e.Transfer.Kind = canonical.KindNominate }
