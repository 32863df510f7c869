package sftp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
)

// TestSchedule steps an injected clock through the schedule: the
// subscriber polls once at start, then asks to wait exactly until the next
// time the cron spec names, and polls again when that wait is over.
func TestSchedule(t *testing.T) {
	tests := []struct {
		name     string
		schedule string
		start    time.Time
		want     []time.Duration // waits asked for, in order
	}{
		{name: "every 30s", schedule: "@every 30s", start: time.Date(2026, 3, 14, 10, 2, 30, 0, time.UTC), want: []time.Duration{30 * time.Second, 30 * time.Second}},
		{name: "every five minutes", schedule: "*/5 * * * *", start: time.Date(2026, 3, 14, 10, 2, 30, 0, time.UTC), want: []time.Duration{2*time.Minute + 30*time.Second, 5 * time.Minute}},
		{name: "default", start: time.Date(2026, 3, 14, 10, 2, 30, 0, time.UTC), want: []time.Duration{time.Minute, time.Minute}},
		{name: "hourly in Amsterdam", schedule: "CRON_TZ=Europe/Amsterdam 30 * * * *", start: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC), want: []time.Duration{30 * time.Minute, time.Hour}},
		{name: "weekdays at seven", schedule: "0 7 * * 1-5", start: time.Date(2026, 3, 13, 7, 0, 0, 0, time.UTC), want: []time.Duration{72 * time.Hour, 24 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			clock := newManualClock(tt.start)
			waits := make(chan time.Duration)
			release := make(chan struct{})
			sleep := func(ctx context.Context, d time.Duration) error {
				select {
				case waits <- d:
				case <-ctx.Done():
					return ctx.Err()
				}
				select {
				case <-release:
					clock.Advance(d)
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			cfg := sftp.Config{Connection: connection(srv), Dir: "/in", Schedule: tt.schedule, Clock: clock.Now}
			cfg.Sleep = sleep
			sub, err := sftp.NewSubscriber(cfg, nil)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, sub.Close()) })

			require.NoError(t, srv.Put("/in/at-start.edi", []byte("0")))
			msgs, err := sub.Subscribe(context.Background(), "partner-sftp")
			require.NoError(t, err)
			msg := receiveFrom(t, msgs)
			assert.Equal(t, "at-start.edi", msg.Metadata.Get(transports.MetaFilename), "polled at start")
			require.True(t, msg.Ack())

			for i, want := range tt.want {
				var got time.Duration
				select {
				case got = <-waits:
				case <-time.After(testTimeout):
					require.FailNow(t, "the subscriber never waited for the next poll")
				}
				assert.Equal(t, want, got, "wait %d", i)
				name := fmt.Sprintf("poll-%d.edi", i+1)
				require.NoError(t, srv.Put("/in/"+name, []byte(name)))
				release <- struct{}{}
				msg := receiveFrom(t, msgs)
				assert.Equal(t, name, string(msg.Payload))
				assert.Equal(t, tt.start.Add(sum(tt.want[:i+1])).UTC().Format(time.RFC3339Nano), msg.Metadata.Get(transports.MetaReceivedAt))
				require.True(t, msg.Ack())
			}
		})
	}
}

func sum(ds []time.Duration) time.Duration {
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	return total
}
