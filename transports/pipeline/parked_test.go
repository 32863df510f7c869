package pipeline_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/store/storetest"
)

// TestParkedDoesNotDelay is the regression test of a parked event that held
// up everything behind it: its stage waited for the event's time inside
// its handler, with its subscription's transaction open, which on
// PostgreSQL hides every newer message from every stage. Now a gate-out
// for a release nobody sent waits in the store, and 200 releases that come
// after it are all delivered well before its first wait is over.
func TestParkedDoesNotDelay(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			var dsn string
			if backend == "postgres" {
				dsn = storetest.PostgresDSN(t)
			}
			dir := t.TempDir()
			config := func(interval string) func(*pipeline.Config) {
				return func(c *pipeline.Config) {
					c.Retry.InitialInterval = interval
					c.Retry.MaxRetries = 10
					if dsn != "" {
						c.Store = dsn
					}
				}
			}
			// A first run parks an event for a moment, so the parked stage's
			// consumer group has an offset to lock, as in any store in use.
			h, stop := startIn(t, dir, config("1ms"))
			h.drop(t, "terminal", "before.edi", codecoOut("P0", "NLRTM", "MSCU1234565"))
			require.Eventually(t, func() bool {
				dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
				return err == nil && len(dls) == 1
			}, 20*time.Second, 10*time.Millisecond, "the first gate-out gave up waiting")
			stop()

			const parkWait = 20 * time.Second // 5 × initial_interval
			h, _ = startIn(t, dir, config("4s"))
			h.drop(t, "terminal", "early.edi", codecoOut("P1", "NLRTM", "CBHU3202732"))
			require.Eventually(t, func() bool {
				return h.metrics(t)[`pcsgate_events_total{outcome="parked"}`] == 1
			}, 20*time.Second, 10*time.Millisecond, "the gate-out is parked")
			parked := time.Now()

			const n = 200
			for i := range n {
				h.drop(t, "portbase", fmt.Sprintf("r%03d.edi", i), string(workloadMessage(i)))
			}
			require.Eventually(t, func() bool {
				return len(h.files("partner")) == n
			}, parkWait, 20*time.Millisecond, "every release delivered while the gate-out waits")
			took := time.Since(parked)
			assert.Less(t, took, parkWait, "none waited for the parked event")
			left, err := h.gw.Store().Scheduled(context.Background())
			require.NoError(t, err)
			assert.Equal(t, 1, left, "the gate-out still waits for its release")
			t.Logf("%d releases delivered %.1f s after the gate-out was parked", n, took.Seconds())
		})
	}
}

// An event an earlier version left on the parked topic is moved to the
// store's schedule for the time it was parked until, not waited for.
func TestParkedTopicScheduled(t *testing.T) {
	h := start(t)
	msg := message.NewMessage("legacy-parked", []byte(`{}`))
	msg.Metadata.Set("pcsgate_park_until", time.Now().Add(time.Hour).UTC().Format(time.RFC3339Nano))
	require.NoError(t, h.gw.Store().Publisher().Publish("parked", msg))
	require.Eventually(t, func() bool {
		n, err := h.gw.Store().Scheduled(context.Background())
		return err == nil && n == 1
	}, 20*time.Second, 10*time.Millisecond, "scheduled")
}
