package mappings_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// TestCCIStatusRestatedStateKeepsItsID: Portbase sends the full state of a
// B/L in every update, so an unchanged container comes again in a new
// webhook. Its event must keep its id (and be dropped as a duplicate),
// while a container whose status changed gets a new one.
func TestCCIStatusRestatedStateKeepsItsID(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	const dir = "../fixtures/portbase/cci-status/"
	first := byContainer(decodeFile(t, reg, dir+"released-two-containers-rotterdam/input.json", "portbase/cci-status"))
	later := byContainer(decodeFile(t, reg, dir+"full-state-restates-unchanged-container/input.json", "portbase/cci-status"))

	assert.Equal(t, first["MSKU1200349"].ID, later["MSKU1200349"].ID, "restated RELEASED state")
	assert.NotEqual(t, first["TCNU5500220"].ID, later["TCNU5500220"].ID, "RELEASED then NOMINATED")
	assert.Equal(t, canonical.TransferAccepted, later["TCNU5500220"].Type)

	// The same update delivered again under a new webhook event id and
	// time gives the same events.
	data, err := os.ReadFile(dir + "full-state-restates-unchanged-container/input.json")
	require.NoError(t, err)
	data = bytes.Replace(data, []byte(`"6a1f0c2e-9b1d-4e0f-a3c2-5d8e7f901310"`), []byte(`"6a1f0c2e-9b1d-4e0f-a3c2-5d8e7f901399"`), 1)
	data = bytes.Replace(data, []byte(`"eventTimestamp": "2026-11-04T07:31:00Z"`), []byte(`"eventTimestamp": "2026-11-04T09:00:00Z"`), 1)
	require.Contains(t, string(data), "2026-11-04T09:00:00Z")
	again := byContainer(decodeBytes(t, reg, data, "portbase/cci-status", "again.json"))
	require.Len(t, again, 3)
	for c, e := range later {
		assert.Equal(t, e.ID, again[c].ID, c)
	}
}

func byContainer(events []*canonical.ReleaseEvent) map[string]*canonical.ReleaseEvent {
	m := map[string]*canonical.ReleaseEvent{}
	for _, e := range events {
		m[e.Key.ContainerNumber] = e
	}
	return m
}
