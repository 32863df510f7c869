package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The outcomes' texts are label values of pcsgate_events_total and of the
// ledger log line; dashboards depend on them.
func TestOutcomeString(t *testing.T) {
	for o, want := range map[outcome]string{
		outcomeAccepted:    "accepted",
		outcomeLate:        "late",
		outcomeDuplicate:   "duplicate",
		outcomeParked:      "parked",
		outcomeParkedAgain: "parked again",
		outcomeRejected:    "rejected",
	} {
		assert.Equal(t, want, o.String())
	}
}
