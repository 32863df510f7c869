package pipeline

import (
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports/store"
)

// Parking: an event for a release not known yet goes to the parked topic
// with a time before which it is not retried, so it does not hold up the
// events behind it; after Retry.MaxRetries tries it becomes a dead letter.
const (
	topicParked   = "parked"
	metaParkTries = "pcsgate_park_tries"
	metaParkUntil = "pcsgate_park_until"
)

// park publishes msg to the parked topic inside tx; false when it has
// waited long enough.
func (g *Gateway) park(tx *store.Tx, msg *message.Message, why error) (bool, error) {
	tries, _ := strconv.Atoi(msg.Metadata.Get(metaParkTries))
	if tries >= g.cfg.Retry.MaxRetries {
		return false, nil
	}
	wait := 5 * g.retryInterval << tries
	out := copyOf(msg.UUID, msg.Payload, msg.Metadata)
	out.Metadata.Set(metaParkTries, strconv.Itoa(tries+1))
	out.Metadata.Set(metaParkUntil, time.Now().Add(wait).UTC().Format(time.RFC3339Nano))
	g.logger.Info("event parked", watermill.LogFields{"event": msg.Metadata.Get(MetaEventID), "try": tries + 1, "wait": wait.String(), "why": why.Error()})
	return true, tx.Publish(topicParked, out)
}

// parkedStage waits until a parked event's time has come and puts it back
// on the canonical topic.
func (g *Gateway) parkedStage(msg *message.Message) error {
	until, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(metaParkUntil))
	if err == nil {
		if d := time.Until(until); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-msg.Context().Done():
				t.Stop()
				return msg.Context().Err()
			}
		}
	}
	return g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		return tx.Publish(TopicCanonical, copyOf(msg.UUID, msg.Payload, msg.Metadata))
	})
}
