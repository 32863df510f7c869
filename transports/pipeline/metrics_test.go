package pipeline_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// TestDeadLetterMetrics: a decode dead letter, made in the intake's own
// transaction, is counted; an event that waits for its release and is
// parked twice is counted as parked once, then as a ledger dead letter.
func TestDeadLetterMetrics(t *testing.T) {
	h := start(t)
	bad := strings.Replace(coreor("D1", "NLRTM", "CSQU3054383", "MEDUNL0041"), "EQD+CN+CSQU3054383+", "EQD+CN+CSQU3054381+", 1)
	h.drop(t, "portbase", "bad.edi", bad)
	h.drop(t, "terminal", "early.edi", codecoOut("D2", "NLRTM", "CBHU3202732"))
	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 2
	}, 20*time.Second, 20*time.Millisecond, "both dead letters kept")
	m := h.metrics(t)
	assert.Equal(t, 1.0, m[`pcsgate_dead_letters_total{stage="decode"}`])
	assert.Equal(t, 1.0, m[`pcsgate_dead_letters_total{stage="ledger"}`])
	assert.Equal(t, 1.0, m[`pcsgate_events_total{outcome="parked"}`], "parked twice, counted once")
	assert.NotContains(t, m, `pcsgate_events_total{outcome="parked again"}`)
}
