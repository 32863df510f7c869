package pipeline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
)

// A release's search columns: its identifiers, the system of the change,
// and readiness judged without its validity window, which the store
// compares at query time.
func TestReleaseMeta(t *testing.T) {
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	green := ledger.Light{State: canonical.Green}
	ready := ledger.Release{
		Key:    canonical.Key{Port: "NLRTM", Carrier: "MSC", BLNumber: "BL1", ContainerNumber: "MSCU1234565"},
		Status: ledger.Released, ReleaseNumber: "R1", Holder: &canonical.Party{Name: "H"},
		Assignment: &canonical.Assignment{Modality: "ROAD"}, ValidUntil: &past,
		Lights: ledger.Lights{Commercial: green, Customs: green, Terminal: green},
	}
	m := releaseMeta(&ready, "scr")
	assert.Equal(t, []string{"MSCU1234565", "BL1", "R1", ""}, m.Search)
	assert.Equal(t, "scr", m.System)
	assert.Equal(t, "H", m.Holder)
	assert.Equal(t, &past, m.ValidUntil)
	assert.True(t, m.Collectable, "ready but for a validity that has ended")

	red := ready
	red.Lights.Customs = ledger.Light{State: "RED"}
	assert.False(t, releaseMeta(&red, "scr").Collectable, "a red light")
	blocked := ready
	blocked.Status = ledger.Blocked
	assert.False(t, releaseMeta(&blocked, "scr").Collectable, "blocked")
	unassigned := ready
	unassigned.Assignment = nil
	assert.False(t, releaseMeta(&unassigned, "scr").Collectable, "not assigned")
	assert.Equal(t, &past, ready.ValidUntil, "the release itself keeps its window")
}
