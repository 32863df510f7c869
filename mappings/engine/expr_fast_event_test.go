package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
)

// TestFastEventExprMatchesVM runs expressions reading the event being
// built on events with the members they read set, empty and unset, and
// requires every answer a fast form gives to be the VM's, and an
// expression the VM fails on never to be answered.
func TestFastEventExprMatchesVM(t *testing.T) {
	earlier := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	later := earlier.Add(time.Hour)
	exprs := []string{
		`event.status != nil && event.status.code == "NFD"`,
		`event.status == nil || !(event.status.code in ["OSI", "OCI"])`,
		`event.status.code`,
		`event.status?.code`,
		`event.status?.code in ["OSI", "OCI"]`,
		`event.status`,
		`event.status == event.status`,
		`value ?? event.key.airport`,
		`event.source.function in ["5", "1"]`,
		`event.source.function == "BLOCK" ? true : event.source.function == "UNBLOCK" ? false : nil`,
		`event.light == nil ? nil : event.light.kind + " " + event.light.state`,
		`event.light?.kind == "TERMINAL" && event.light?.state == "GREEN" ? "NFD" : nil`,
		`event.release?.pickupTerminal?.code ?? "none"`,
		`event.release.pickupTerminal.code`,
		`event.release?.pickupTerminal == nil`,
		`(event.voyage?.imo ?? "") != "" ? "146" : (event.voyage?.callSign ?? "") != "" ? "103" : ""`,
		`event.occurredAt != nil`,
		`value == "RELEASE_WITHDRAWN" && event.release?.validFrom != nil && event.occurredAt != nil && event.occurredAt.Before(event.release.validFrom) ? "RELEASE_CANCELLED" : value`,
	}
	events := []*canonical.ReleaseEvent{
		{},
		{Status: &canonical.Status{Code: "NFD"}, Key: canonical.Key{Airport: "AMS"}, Source: canonical.Source{Function: "5"}},
		{Status: &canonical.Status{Code: "OSI"}, Source: canonical.Source{Function: "BLOCK"}, Light: &canonical.Light{Kind: "TERMINAL", State: "GREEN"}},
		{Status: &canonical.Status{}, Source: canonical.Source{Function: "UNBLOCK"}, Light: &canonical.Light{}, Release: &canonical.Release{}},
		{Release: &canonical.Release{PickupTerminal: &canonical.Facility{Code: "DDE"}}, Voyage: &canonical.Voyage{CallSign: "PDHX"}},
		{Release: &canonical.Release{PickupTerminal: &canonical.Facility{}}, Voyage: &canonical.Voyage{IMO: "9000001"}},
		{Release: &canonical.Release{ValidFrom: &later}, OccurredAt: &earlier},
		{Release: &canonical.Release{}, OccurredAt: &earlier},
	}
	values := []Value{{}, Str("x"), Str(""), Str("RELEASE_WITHDRAWN")}
	answered := 0
	for _, src := range exprs {
		p, err := compileExpr(src)
		require.NoError(t, err, src)
		fast := compileFast(p)
		require.NotNil(t, fast, src)
		for i, e := range events {
			for _, w := range values {
				want, vmErr := RunExpr(p, &ExprEnv{Event: e, Value: w.box()})
				got, ok := fast(&fastEnv{event: e, value: w})
				if !ok {
					continue
				}
				answered++
				require.NoError(t, vmErr, "%s on event %d: the fast form answered %#v where the VM fails", src, i, got.box())
				require.Equal(t, want, got.box(), "%s on event %d with value %#v", src, i, w.box())
			}
		}
	}
	require.Greater(t, answered, len(exprs)*len(events), "fast forms answered too few cases to compare")
}

// TestFastEventShapes pins which event reads get a fast form: plain
// strings, bools and pointers to structs do; named string types (the VM
// compares them with strings as unequal), lists and numbers do not.
func TestFastEventShapes(t *testing.T) {
	for src, want := range map[string]bool{
		`event.status != nil && event.status.code == "NFD"`: true,
		`event.key.airport`:               true,
		`event.type == "GATED_OUT"`:       false,
		`event.status?.flight != ""`:      true,
		`event.warnings == nil`:           false,
		`event.release?.blNumbers == nil`: false,
		`event.source.receivedAt == nil`:  true,
		`event.nosuch == nil`:             false,
	} {
		p, err := compileExpr(src)
		if err != nil {
			require.False(t, want, src)
			continue
		}
		require.Equal(t, want, compileFast(p) != nil, src)
	}
}
