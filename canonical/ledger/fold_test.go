package ledger_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

func refIDs(r *ledger.Release) []string {
	var ids []string
	for _, ref := range r.Events {
		ids = append(ids, ref.ID)
	}
	return ids
}

// Rule 5: events arrive out of order across systems; Fold orders them by
// occurredAt, then arrival, and parks what cannot apply yet.
func TestFold(t *testing.T) {
	inOrder := concat(one(created(1, carrier, forwarder),
		transfer(2, canonical.TransferOffered, forwarder, haulier),
		transfer(3, canonical.TransferAccepted, forwarder, haulier),
		assigned(4, haulier)), greens(5))

	tests := []struct {
		name     string
		arrivals []*canonical.ReleaseEvent
		wantErrs []error
		check    func(t *testing.T, r *ledger.Release)
	}{
		{name: "in order", arrivals: inOrder, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
			assert.True(t, r.ReadyForPickup(*minute(60)))
		}},
		{name: "reversed arrival gives the same release", arrivals: reversed(inOrder), check: func(t *testing.T, r *ledger.Release) {
			want, errs := ledger.Fold(inOrder)
			require.Empty(t, errs)
			assert.Equal(t, want, r)
		}},
		{name: "nomination before the release exists", arrivals: one(
			transfer(1, canonical.TransferOffered, forwarder, haulier),
			light(2, canonical.LightCustoms, canonical.Green),
			created(3, carrier, forwarder),
		), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, []string{"ev_test03", "ev_test01", "ev_test02"}, refIDs(r), "parked events apply once the release exists")
			assert.Equal(t, []ledger.HopState{ledger.Offered}, hopStates(r))
			assert.Equal(t, canonical.Green, r.Lights.Customs.State)
		}},
		{name: "acceptance timed before its offer waits for it", arrivals: one(
			created(1, carrier, forwarder),
			with(transfer(2, canonical.TransferAccepted, forwarder, haulier), func(e *canonical.ReleaseEvent) {
				e.OccurredAt = minute(9) // clocks disagree across systems
			}),
			with(transfer(3, canonical.TransferOffered, forwarder, haulier), func(e *canonical.ReleaseEvent) {
				e.OccurredAt = minute(10)
			}),
			transfer(11, canonical.TransferRevoked, forwarder, haulier),
		), wantErrs: []error{ledger.ErrRevokeAccepted}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
			assert.Equal(t, []ledger.HopState{ledger.Accepted}, hopStates(r))
		}},
		{name: "transfer after pick-up is flagged late", arrivals: concat(inOrder, one(
			gate(20, canonical.GatedOut),
			transfer(21, canonical.TransferOffered, haulier, mallory),
		)), wantErrs: []error{ledger.ErrAfterPickup}, check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.PickedUp, r.Status)
			assert.True(t, lastRef(r).Late)
			assert.Equal(t, []ledger.HopState{ledger.Accepted}, hopStates(r))
		}},
		{name: "transfer that happened before pick-up but arrived after it counts", arrivals: one(
			created(1, carrier, forwarder),
			gate(20, canonical.GatedOut),
			with(transfer(5, canonical.TransferAccepted, forwarder, haulier), nominate),
		), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, []string{"ev_test01", "ev_test05", "ev_test20"}, refIDs(r))
			assert.True(t, ledger.SameParty(haulier, r.Holder))
			assert.Equal(t, ledger.PickedUp, r.Status)
		}},
		{name: "same time: arrival order decides", arrivals: one(
			created(1, carrier, forwarder),
			with(issuerAct(7, canonical.ReleaseBlocked, carrier), func(e *canonical.ReleaseEvent) { e.OccurredAt = minute(5) }),
			with(issuerAct(8, canonical.ReleaseUnblocked, carrier), func(e *canonical.ReleaseEvent) { e.OccurredAt = minute(5) }),
		), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, ledger.Released, r.Status)
		}},
		{name: "untimed events come after timed ones, by arrival", arrivals: one(
			with(issuerAct(7, canonical.ReleaseBlocked, carrier), func(e *canonical.ReleaseEvent) { e.OccurredAt = nil }),
			created(1, carrier, forwarder),
			with(issuerAct(8, canonical.ReleaseUnblocked, carrier), func(e *canonical.ReleaseEvent) {
				e.OccurredAt = nil
				e.Source.ReceivedAt = minute(3)
			}),
		), check: func(t *testing.T, r *ledger.Release) {
			assert.Equal(t, []string{"ev_test01", "ev_test08", "ev_test07"}, refIDs(r))
			assert.Equal(t, ledger.Blocked, r.Status)
		}},
		{name: "release never created", arrivals: one(
			transfer(1, canonical.TransferOffered, forwarder, haulier),
			light(2, canonical.LightCustoms, canonical.Green),
		), wantErrs: []error{ledger.ErrNoRelease, ledger.ErrNoRelease}, check: func(t *testing.T, r *ledger.Release) {
			assert.Nil(t, r)
		}},
		{name: "duplicates and strangers are reported, the rest applies", arrivals: one(
			created(1, carrier, forwarder),
			created(1, carrier, forwarder),
			transfer(2, canonical.TransferOffered, mallory, mallory),
			nil,
			with(transfer(3, canonical.TransferAccepted, forwarder, haulier), nominate),
		), wantErrs: []error{ledger.ErrDuplicate, ledger.ErrNotHolder, ledger.ErrIncomplete}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(haulier, r.Holder))
		}},
		{name: "offer that never comes", arrivals: one(
			created(1, carrier, forwarder),
			transfer(2, canonical.TransferAccepted, haulier, barge),
		), wantErrs: []error{ledger.ErrNoOffer}, check: func(t *testing.T, r *ledger.Release) {
			assert.True(t, ledger.SameParty(forwarder, r.Holder))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, errs := ledger.Fold(tt.arrivals)
			require.Len(t, errs, len(tt.wantErrs), "%v", errs)
			for i, want := range tt.wantErrs {
				assert.ErrorIs(t, errs[i], want)
			}
			tt.check(t, r)
		})
	}
}

// Fold of events given in order is the same as applying them one by one.
func TestFoldMatchesApply(t *testing.T) {
	events := concat(one(created(1, carrier, forwarder),
		transfer(2, canonical.TransferOffered, forwarder, haulier),
		transfer(3, canonical.TransferAccepted, forwarder, haulier),
		issuerAct(4, canonical.ReleaseBlocked, carrier),
		assigned(5, haulier),
		issuerAct(6, canonical.ReleaseUnblocked, carrier)), greens(7), one(gate(10, canonical.GatedOut)))
	var applied *ledger.Release
	for _, e := range events {
		n, err := ledger.Apply(applied, e)
		require.NoError(t, err)
		applied = n
	}
	folded, errs := ledger.Fold(events)
	require.Empty(t, errs)
	assert.Equal(t, applied, folded)
	assert.Equal(t, applied.Head, folded.Head)
}

func TestFoldBounded(t *testing.T) {
	events := []*canonical.ReleaseEvent{created(1, carrier, forwarder)}
	for i := 0; i < ledger.MaxFold+5; i++ {
		events = append(events, light(2+i%50, canonical.LightCustoms, canonical.Green))
	}
	r, errs := ledger.Fold(events)
	require.NotNil(t, r)
	// Only MaxFold events are read: the creation and 50 distinct lights
	// apply, every repeated id is a duplicate.
	require.Equal(t, 1+ledger.MaxFold-1-50, len(errs))
	assert.ErrorIs(t, errs[0], ledger.ErrTooMany)
	assert.EqualError(t, errs[0], "event ev_test51: only the first 10000 of 10006 events are folded")
	assert.Len(t, r.Events, 51)
}

func reversed(in []*canonical.ReleaseEvent) []*canonical.ReleaseEvent {
	out := slices.Clone(in)
	slices.Reverse(out)
	return out
}
