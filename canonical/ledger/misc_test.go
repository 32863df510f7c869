package ledger_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

func TestApplyRejectsMalformed(t *testing.T) {
	start, err := ledger.Apply(nil, created(1, carrier, forwarder))
	require.NoError(t, err)

	tests := []struct {
		name     string
		e        *canonical.ReleaseEvent
		wantErr  error
		wantRule int
		wantMsg  string
	}{
		{name: "duplicate id", e: created(1, carrier, forwarder), wantErr: ledger.ErrDuplicate,
			wantMsg: "event ev_test01: RELEASE_CREATED is already in the audit trail of SEA/NLRTM/MSCU/MEDUBL1/CSQU3054383"},
		{name: "other container", e: with(light(2, canonical.LightCustoms, canonical.Green), func(e *canonical.ReleaseEvent) {
			e.Key.ContainerNumber = "MWCU6059784"
		}), wantErr: ledger.ErrOtherRelease,
			wantMsg: "event ev_test02: key SEA/NLRTM/MSCU/MEDUBL1/MWCU6059784 does not match release SEA/NLRTM/MSCU/MEDUBL1/CSQU3054383"},
		{name: "other B/L", e: with(light(2, canonical.LightCustoms, canonical.Green), func(e *canonical.ReleaseEvent) {
			e.Key.BLNumber = "OTHERBL"
		}), wantErr: ledger.ErrOtherRelease},
		{name: "air event for a sea release", e: with(light(2, canonical.LightCustoms, canonical.Green), func(e *canonical.ReleaseEvent) {
			e.Key = canonical.Key{AWB: "020-12345675"}
		}), wantErr: ledger.ErrOtherRelease},
		{name: "unknown type", e: ev(2, "RELEASE_EATEN"), wantErr: ledger.ErrUnknownType,
			wantMsg: `event ev_test02: type "RELEASE_EATEN" is not a canonical event type`},
		{name: "no id", e: with(light(2, canonical.LightCustoms, canonical.Green), func(e *canonical.ReleaseEvent) { e.ID = "" }),
			wantErr: ledger.ErrIncomplete, wantMsg: "event without id: LIGHT_CHANGED has no event id"},
		{name: "transfer without transfer", e: ev(2, canonical.TransferOffered), wantErr: ledger.ErrIncomplete,
			wantMsg: "event ev_test02: TRANSFER_OFFERED has no transfer"},
		{name: "offer without receiver", e: transfer(2, canonical.TransferOffered, forwarder, nil), wantErr: ledger.ErrIncomplete},
		{name: "assignment missing", e: ev(2, canonical.Assigned), wantErr: ledger.ErrIncomplete},
		{name: "light missing", e: ev(2, canonical.LightChanged), wantErr: ledger.ErrIncomplete},
		{name: "gate missing", e: ev(2, canonical.GatedOut), wantErr: ledger.ErrIncomplete},
		{name: "status missing", e: ev(2, canonical.StatusReported), wantErr: ledger.ErrIncomplete},
		{name: "not writable as JSON", e: with(created(2, carrier, forwarder), func(e *canonical.ReleaseEvent) {
			e.Equipment = &canonical.Equipment{GrossKg: new(math.NaN())}
		}), wantErr: ledger.ErrIncomplete},
		{name: "stranger blocks", e: issuerAct(2, canonical.ReleaseBlocked, mallory), wantErr: ledger.ErrNotIssuer, wantRule: 2,
			wantMsg: `event ev_test02: custody rule 2: only the issuer may block the release; release.issuer "Mallory Logistics" is not the issuer "MSC Nederland"`},
		{name: "stranger offers", e: transfer(2, canonical.TransferOffered, mallory, mallory), wantErr: ledger.ErrNotHolder, wantRule: 1,
			wantMsg: `event ev_test02: custody rule 1: only the holder may offer a transfer; "Mallory Logistics" is not the holder "Forwarder BV"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ledger.Apply(start, tt.e)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, n)
			var rej *ledger.Rejection
			require.ErrorAs(t, err, &rej)
			assert.Equal(t, tt.wantRule, rej.Rule)
			assert.False(t, ledger.Parkable(err))
			if tt.wantMsg != "" {
				assert.EqualError(t, err, tt.wantMsg)
			}
		})
	}

	n, err := ledger.Apply(start, nil)
	require.ErrorIs(t, err, ledger.ErrIncomplete)
	assert.Nil(t, n)
}

// A gate report naming only the container (no carrier, no B/L) still
// finds its release.
func TestApplyPartialKey(t *testing.T) {
	r := run(t, []step{ok(created(1, carrier, forwarder)), ok(gate(2, canonical.GatedOut))})
	assert.Equal(t, ledger.PickedUp, r.Status)
	assert.Equal(t, seaKey, r.Key, "the release keeps its full key")
}

// The release keeps its own copy: changing the event afterwards changes
// nothing in the release.
func TestApplyCopiesEvent(t *testing.T) {
	to := &canonical.Party{Name: "Forwarder BV", IDs: []canonical.PartyID{{Scheme: "EORI", Value: "NL123456789"}}}
	e := created(1, carrier, to)
	r, err := ledger.Apply(nil, e)
	require.NoError(t, err)
	to.Name = "Changed"
	to.IDs[0].Value = "NL000000000"
	e.Release.ValidUntil = nil
	assert.Equal(t, "Forwarder BV", r.Holder.Name)
	assert.Equal(t, "NL123456789", r.Holder.IDs[0].Value)
	assert.NotNil(t, r.ValidUntil)
}
