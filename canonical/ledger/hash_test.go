package ledger_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

func TestHashChain(t *testing.T) {
	events := concat(one(created(1, carrier, forwarder),
		transfer(2, canonical.TransferOffered, forwarder, haulier),
		transfer(3, canonical.TransferAccepted, forwarder, haulier)), greens(4))
	r, errs := ledger.Fold(events)
	require.Empty(t, errs)
	require.Len(t, r.Events, len(events))

	// The first hash by hand: SHA-256("" + id + canonical JSON).
	doc, err := json.Marshal(events[0])
	require.NoError(t, err)
	sum := sha256.Sum256(append([]byte(events[0].ID), doc...))
	assert.Equal(t, hex.EncodeToString(sum[:]), r.Events[0].Hash)

	prev := ""
	for i, ref := range r.Events {
		h, err := ledger.EventHash(prev, events[i])
		require.NoError(t, err)
		assert.Equal(t, h, ref.Hash, "event %d", i)
		prev = h
	}
	assert.Equal(t, prev, r.Head)
	require.NoError(t, ledger.VerifyChain(r, events))

	tests := []struct {
		name   string
		events func() []*canonical.ReleaseEvent
	}{
		{name: "event changed after the fact", events: func() []*canonical.ReleaseEvent {
			c := append([]*canonical.ReleaseEvent(nil), events...)
			changed := *c[1]
			changed.Transfer = &canonical.Transfer{From: forwarder, To: mallory}
			c[1] = &changed
			return c
		}},
		{name: "events swapped", events: func() []*canonical.ReleaseEvent {
			c := append([]*canonical.ReleaseEvent(nil), events...)
			c[3], c[4] = c[4], c[3]
			return c
		}},
		{name: "event missing", events: func() []*canonical.ReleaseEvent { return events[1:] }},
		{name: "nil event", events: func() []*canonical.ReleaseEvent {
			c := append([]*canonical.ReleaseEvent(nil), events...)
			c[2] = nil
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, ledger.VerifyChain(r, tt.events()), ledger.ErrChainBroken)
		})
	}

	forged := *r
	forged.Head = "00"
	assert.ErrorIs(t, ledger.VerifyChain(&forged, events), ledger.ErrChainBroken)
}
