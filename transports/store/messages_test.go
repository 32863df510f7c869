package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// TestMessages: events, outbound messages (with their acknowledgement and
// the profile of the event they render) and dead letters come newest
// first in one list, paged, and narrow to an endpoint's profiles.
func TestMessages(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
			event := func(id, profile, endpoint string, min int) store.EventRow {
				body, err := json.Marshal(map[string]any{"id": id, "source": map[string]string{"profile": profile}})
				require.NoError(t, err)
				at := base.Add(time.Duration(min) * time.Minute)
				return store.EventRow{ID: id, ReleaseKey: "SEA/K/" + id, Seq: 1, Type: "RELEASE_CREATED",
					OccurredAt: at, ReceivedAt: at, Hash: "h", Body: body, Endpoint: endpoint}
			}
			out := newMessage("o1", []byte("x"))
			out.Metadata.Set("pcsgate_event_id", "e2")
			out.Metadata.Set("pcsgate_target_profile", "cpu/transfer")
			require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
				for _, e := range []store.EventRow{event("e1", "portbase/coreor", "portbase-in", 1), event("e2", "scr/release", "scr-in", 2)} {
					if _, err := tx.AddEvent(e); err != nil {
						return err
					}
				}
				for _, d := range []store.DeadLetter{
					{ID: "d1", Stage: "decode", Endpoint: "portbase-in", Reason: "bad check digit", CreatedAt: base.Add(3 * time.Minute)},
					{ID: "d2", Stage: "deliver_cpu-out", Profile: "cpu/transfer", Endpoint: "cpu-out", Reason: "HTTP 400", CreatedAt: base},
				} {
					if err := tx.AddDeadLetter(d); err != nil {
						return err
					}
				}
				return tx.Publish("outbound_cpu-out", out)
			}))
			all := store.MessageQuery{Events: true, DeadLetters: true,
				Deliveries: []store.Delivery{{Topic: "outbound_cpu-out", Group: "deliver_cpu-out"}}}
			got, err := s.Messages(ctx, all)
			require.NoError(t, err)
			var ids []string
			for _, r := range got {
				ids = append(ids, r.Kind+":"+r.ID)
			}
			assert.Equal(t, []string{"outbound:o1", "deadletter:d1", "event:e2", "event:e1", "deadletter:d2"}, ids, "newest first")
			require.Len(t, got, 5)
			assert.Equal(t, store.MessageRow{Kind: store.KindOutbound, At: got[0].At, ID: "o1", EventID: "e2", Topic: "outbound_cpu-out",
				Profile: "cpu/transfer", SourceProfile: "scr/release", SourceEndpoint: "scr-in"}, got[0], "not acknowledged yet")
			assert.Equal(t, "bad check digit", got[1].Reason)
			assert.Equal(t, "portbase-in", got[1].Endpoint)
			assert.Equal(t, "scr/release", got[2].Profile)
			assert.True(t, got[3].At.Equal(base.Add(time.Minute)), got[3].At)

			all.Limit, all.Offset = 2, 2
			page, err := s.Messages(ctx, all)
			require.NoError(t, err)
			assert.Equal(t, got[2:4], page, "the second page of two")
			all.Offset = 6
			page, err = s.Messages(ctx, all)
			require.NoError(t, err)
			assert.Empty(t, page, "past the end")

			one, err := s.Messages(ctx, store.MessageQuery{Events: true, DeadLetters: true, Endpoint: "portbase-in"})
			require.NoError(t, err)
			require.Len(t, one, 2)
			assert.Equal(t, "d1", one[0].ID)
			assert.Equal(t, "e1", one[1].ID)
			assert.Equal(t, "portbase-in", one[1].Endpoint)

			_, err = s.Messages(ctx, store.MessageQuery{Events: true, Offset: 5001})
			require.ErrorIs(t, err, store.ErrBadFilter)
		})
	}
}
