package ledger_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

func TestReadyForPickup(t *testing.T) {
	ready := concat(one(created(1, carrier, forwarder), assigned(2, forwarder)), greens(3))
	within := *minute(60)
	tests := []struct {
		name    string
		events  []*canonical.ReleaseEvent
		now     time.Time
		wantWhy []string
	}{
		{name: "ready", events: ready, now: within},
		{name: "orange customs is not enough", events: concat(ready, one(light(9, canonical.LightCustoms, canonical.Orange))),
			now: within, wantWhy: []string{"customs light ORANGE"}},
		{name: "a yellow total light holds it back", events: concat(ready, one(light(9, canonical.LightTotal, canonical.Yellow))),
			now: within, wantWhy: []string{"total light YELLOW"}},
		{name: "a green total light is no objection", events: concat(ready, one(light(9, canonical.LightTotal, canonical.Green))),
			now: within},
		{name: "unknown is not green", events: concat(ready, one(light(9, canonical.LightCommercial, canonical.UnknownLight))),
			now: within, wantWhy: []string{"commercial light UNKNOWN"}},
		{name: "blocked", events: concat(ready, one(issuerAct(9, canonical.ReleaseBlocked, carrier))),
			now: within, wantWhy: []string{"status BLOCKED"}},
		{name: "not assigned", events: concat(one(created(1, carrier, forwarder)), greens(3)),
			now: within, wantWhy: []string{"not assigned"}},
		{name: "nothing yet", events: one(created(1, carrier, forwarder)), now: within, wantWhy: []string{
			"not assigned", "commercial light not reported", "customs light not reported", "terminal light not reported"}},
		{name: "too early", events: ready, now: base.Add(-time.Minute), wantWhy: []string{"not valid yet"}},
		{name: "expired", events: ready, now: base.Add(25 * time.Hour), wantWhy: []string{"expired"}},
		{name: "withdrawn", events: concat(ready, one(issuerAct(9, canonical.ReleaseWithdrawn, carrier))),
			now: within, wantWhy: []string{"status WITHDRAWN", "no holder", "not assigned"}},
		{name: "picked up", events: concat(ready, one(gate(9, canonical.GatedOut))),
			now: within, wantWhy: []string{"status PICKED_UP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, errs := ledger.Fold(tt.events)
			require.Empty(t, errs)
			assert.Equal(t, tt.wantWhy, r.NotReady(tt.now))
			assert.Equal(t, tt.wantWhy == nil, r.ReadyForPickup(tt.now))
		})
	}
}

func TestExpired(t *testing.T) {
	tests := []struct {
		name   string
		events []*canonical.ReleaseEvent
		now    time.Time
		want   bool
	}{
		{name: "within validity", events: one(created(1, carrier, forwarder)), now: *minute(60)},
		{name: "at the last instant", events: one(created(1, carrier, forwarder)), now: *minute(24 * 60)},
		{name: "after", events: one(created(1, carrier, forwarder)), now: *minute(24*60 + 1), want: true},
		{name: "blocked and after", events: one(created(1, carrier, forwarder), issuerAct(2, canonical.ReleaseBlocked, carrier)),
			now: *minute(24*60 + 1), want: true},
		{name: "no end", events: one(with(created(1, carrier, forwarder), func(e *canonical.ReleaseEvent) { e.Release.ValidUntil = nil })),
			now: *minute(1e6)},
		{name: "picked up never expires", events: one(created(1, carrier, forwarder), gate(2, canonical.GatedOut)),
			now: *minute(24*60 + 1)},
		{name: "withdrawn never expires", events: one(created(1, carrier, forwarder), issuerAct(2, canonical.ReleaseWithdrawn, carrier)),
			now: *minute(24*60 + 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, errs := ledger.Fold(tt.events)
			require.Empty(t, errs)
			assert.Equal(t, tt.want, r.Expired(tt.now))
		})
	}
}

// An SCR release reports its lights with every update: a total light and
// the lights it is derived from. The ledger takes all of them.
func TestReleaseUpdateCarriesTotalLightAndItsComponents(t *testing.T) {
	update := func(n int, total string, parts ...canonical.Light) *canonical.ReleaseEvent {
		return ev(n, canonical.ReleaseUpdated, func(e *canonical.ReleaseEvent) {
			e.Release = &canonical.Release{Issuer: carrier}
			e.Light = &canonical.Light{Kind: canonical.LightTotal, State: total, Value: "x", Components: parts}
		})
	}
	green := func(kind, value string) canonical.Light {
		return canonical.Light{Kind: kind, State: canonical.Green, Value: value}
	}
	base := []*canonical.ReleaseEvent{created(1, carrier, forwarder), assigned(2, forwarder)}
	r, errs := ledger.Fold(append(base, update(3, canonical.Yellow,
		green(canonical.LightCommercial, "ok"),
		canonical.Light{Kind: canonical.LightCustoms, State: canonical.Yellow, Value: "portequalisation"},
		canonical.Light{Kind: canonical.LightOther, State: canonical.UnknownLight, Name: "customsprogress"},
		green(canonical.LightTerminal, "unknown"))))
	require.Empty(t, errs)
	assert.Equal(t, "portequalisation", r.Lights.Customs.Value)
	assert.Equal(t, []string{"customs light YELLOW", "total light YELLOW"}, r.NotReady(*minute(60)))

	r, errs = ledger.Fold(append(base, update(3, canonical.Green,
		green(canonical.LightCommercial, "ok"), green(canonical.LightCustoms, "released"),
		green(canonical.LightTerminal, "gateoutreceived"))))
	require.Empty(t, errs)
	assert.Empty(t, r.NotReady(*minute(60)))
}

// The release an SCR message creates comes with its lights: the first
// RELEASE_CREATED sets them as a later update would (a regression: they
// were taken only from a RELEASE_CREATED for a release already known).
func TestReleaseCreatedCarriesItsLights(t *testing.T) {
	first := created(1, carrier, forwarder)
	first.Light = &canonical.Light{Kind: canonical.LightTotal, State: canonical.Green, Value: "green", Components: []canonical.Light{
		{Kind: canonical.LightCommercial, State: canonical.Green, Value: "ok"},
		{Kind: canonical.LightCustoms, State: canonical.Green, Value: "released"},
	}}
	r, errs := ledger.Fold([]*canonical.ReleaseEvent{first})
	require.Empty(t, errs)
	assert.Equal(t, canonical.Green, r.Lights.Total.State)
	assert.Equal(t, canonical.Green, r.Lights.Commercial.State)
	assert.Equal(t, "released", r.Lights.Customs.Value)
	assert.Equal(t, first.ID, r.Lights.Customs.EventID)
}
