package pipeline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// The chart has a bar per hour and outcome with messages, the tallest as
// tall as the plot on a round scale; counts outside the 24 hours or of
// another system are left out, and the table holds the same numbers.
func TestLayoutHours(t *testing.T) {
	since := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return since.Add(time.Duration(h) * time.Hour) }
	counts := []store.HourCount{
		{Hour: at(0), System: "portbase", Outcome: store.OutcomeReceived, Count: 7},
		{Hour: at(0), System: "cpu", Outcome: store.OutcomeReceived, Count: 2},
		{Hour: at(5), System: "portbase", Outcome: store.OutcomeFailed, Count: 1},
		{Hour: at(23), System: "cpu", Outcome: store.OutcomeDelivered, Count: 3},
		{Hour: at(24), System: "cpu", Outcome: store.OutcomeDelivered, Count: 50},
		{Hour: at(-1), System: "cpu", Outcome: store.OutcomeRejected, Count: 50},
	}
	c := layoutHours(counts, since, "")
	require.Len(t, c.Rows, 24)
	assert.Equal(t, "2026-12-06 14:00Z", c.Rows[0].Hour)
	assert.Equal(t, [4]int64{9, 0, 0, 0}, c.Rows[0].Counts)
	assert.Equal(t, [4]int64{0, 0, 0, 1}, c.Rows[5].Counts)
	assert.Equal(t, [4]int64{9, 0, 3, 1}, c.Totals)
	require.Len(t, c.Bars, 3)
	assert.Equal(t, chartBar{X: chartLeft + 3, Y: chartTop + chartPlot*1/10, H: chartPlot * 9 / 10, Class: "received",
		Title: "2026-12-06 14:00Z: 9 received"}, c.Bars[0], "9 on a scale to 10")
	assert.Equal(t, "failed", c.Bars[1].Class)
	assert.Equal(t, chartLeft+5*chartSlot+3+3*barWidth, c.Bars[1].X, "the fourth bar of the sixth hour")
	var ticks []string
	for _, tk := range c.YTicks {
		ticks = append(ticks, tk.Label)
	}
	assert.Equal(t, []string{"0", "2", "4", "6", "8", "10"}, ticks)
	assert.Equal(t, "Messages per hour of all systems from 2026-12-06 14:00Z to 13:00Z UTC: 9 received, 0 rejected, 3 delivered, 1 failed in all.", c.Desc)

	cpu := layoutHours(counts, since, "cpu")
	assert.Equal(t, [4]int64{2, 0, 3, 0}, cpu.Totals)
	assert.Contains(t, cpu.Desc, "of cpu from")

	empty := layoutHours(nil, since, "")
	assert.Empty(t, empty.Bars)
	assert.Len(t, empty.YTicks, 2, "0 and 1 on an empty chart")
}

func TestTickStep(t *testing.T) {
	for top, want := range map[int64]int64{0: 1, 5: 1, 6: 2, 10: 2, 11: 5, 25: 5, 26: 10, 999: 200, 1001: 500} {
		assert.Equal(t, want, tickStep(top), "top %d", top)
	}
}
