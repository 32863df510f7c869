package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

// fuzzPool is the events a fuzzed history is drawn from.
func fuzzPool() []*canonical.ReleaseEvent {
	return concat(one(
		created(1, carrier, forwarder),
		created(2, carrier, haulier),
		created(3, mallory, mallory),
		transfer(4, canonical.TransferOffered, forwarder, haulier),
		transfer(5, canonical.TransferAccepted, forwarder, haulier),
		transfer(6, canonical.TransferDeclined, forwarder, haulier),
		transfer(7, canonical.TransferRevoked, forwarder, haulier),
		transfer(8, canonical.TransferOffered, haulier, barge),
		transfer(9, canonical.TransferAccepted, nil, barge),
		with(transfer(10, canonical.TransferAccepted, forwarder, barge), nominate),
		transfer(11, canonical.TransferOffered, mallory, mallory),
		assigned(12, forwarder),
		assigned(13, haulier),
		assigned(14, nil),
		issuerAct(15, canonical.ReleaseBlocked, carrier),
		issuerAct(16, canonical.ReleaseUnblocked, nil),
		issuerAct(17, canonical.ReleaseWithdrawn, carrier),
		issuerAct(18, canonical.ReleaseCancelled, carrier),
		issuerAct(19, canonical.ReleaseUpdated, mallory),
		gate(20, canonical.GatedOut),
		gate(21, canonical.GatedIn),
		with(ev(22, canonical.StatusReported), func(e *canonical.ReleaseEvent) { e.Status = &canonical.Status{Code: "DLV"} }),
		with(light(23, canonical.LightCustoms, canonical.Red), func(e *canonical.ReleaseEvent) { e.OccurredAt = nil }),
		with(light(24, canonical.LightCommercial, canonical.Green), func(e *canonical.ReleaseEvent) { e.Key.ContainerNumber = "MWCU6059784" }),
		nil,
	), greens(25))
}

// FuzzFold draws histories from a pool of events, in any order and with
// repeats, and checks that folding and applying never panic and keep the
// ledger's invariants.
func FuzzFold(f *testing.F) {
	f.Add([]byte{0, 3, 4, 11, 25, 26, 27, 19})
	f.Add([]byte{4, 0, 7, 3, 8, 4, 16, 19})
	f.Add([]byte{3, 0, 0, 9, 14, 16, 13, 20, 10, 2})
	f.Add([]byte{})
	pool := fuzzPool()
	f.Fuzz(func(t *testing.T, picks []byte) {
		if len(picks) > 64 {
			picks = picks[:64]
		}
		events := make([]*canonical.ReleaseEvent, len(picks))
		byID := map[string]*canonical.ReleaseEvent{}
		for i, p := range picks {
			events[i] = pool[int(p)%len(pool)]
			if events[i] != nil {
				byID[events[i].ID] = events[i]
			}
		}

		r, errs := ledger.Fold(events)
		checkInvariants(t, r, errs, len(events), byID)

		var applied *ledger.Release
		var applyErrs []error
		for _, e := range events {
			n, err := ledger.Apply(applied, e)
			if n != nil {
				applied = n
			}
			if err != nil {
				applyErrs = append(applyErrs, err)
			}
		}
		checkInvariants(t, applied, applyErrs, len(events), byID)
	})
}

func checkInvariants(t *testing.T, r *ledger.Release, errs []error, n int, byID map[string]*canonical.ReleaseEvent) {
	t.Helper()
	if r == nil {
		assert.Len(t, errs, n, "every event is accounted for")
		return
	}
	late, ids := 0, map[string]bool{}
	var stored []*canonical.ReleaseEvent
	for _, ref := range r.Events {
		require.False(t, ids[ref.ID], "event %s stored twice", ref.ID)
		ids[ref.ID] = true
		stored = append(stored, byID[ref.ID])
		if ref.Late {
			late++
		}
	}
	assert.Equal(t, n, len(r.Events)+len(errs)-late, "every event is applied, stored late or rejected, once")
	require.NoError(t, ledger.VerifyChain(r, stored))

	open := 0
	for _, h := range r.Hops {
		if h.State == ledger.Offered {
			open++
		}
	}
	assert.LessOrEqual(t, open, 1, "one open offer at most")
	if r.Status == ledger.Withdrawn || r.Status == ledger.Cancelled {
		assert.Nil(t, r.Holder, "nobody holds a withdrawn release")
		assert.Zero(t, open)
	}
	if r.Holder != nil && ledger.SameParty(r.Issuer, carrier) {
		assert.False(t, ledger.SameParty(r.Holder, mallory), "the stranger never gets the carrier's right")
	}
}
