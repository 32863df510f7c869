package pipeline

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports/store"
)

// Parking: an event for a release not known yet goes to the parked topic
// with a time before which it is not retried, so it does not hold up the
// events behind it; after retry.park_for (or retry.max_retries tries) it
// becomes a dead letter.
const (
	topicParked   = "parked"
	metaParkTries = "pcsgate_park_tries"
	metaParkUntil = "pcsgate_park_until"
	metaParkSince = "pcsgate_park_since"
)

// maxParkWait bounds the wait between two tries of a parked event.
const maxParkWait = 5 * time.Minute

// park publishes msg to the parked topic inside tx; false when it has
// waited long enough.
func (g *Gateway) park(tx *store.Tx, msg *message.Message, why error) (bool, error) {
	tries, _ := strconv.Atoi(msg.Metadata.Get(metaParkTries))
	since, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(metaParkSince))
	if err != nil {
		since = time.Now()
	}
	wait, ok := g.parkWait(tries, time.Since(since))
	if !ok {
		return false, nil
	}
	out := copyOf(msg.UUID, msg.Payload, msg.Metadata)
	out.Metadata.Set(metaParkTries, strconv.Itoa(tries+1))
	out.Metadata.Set(metaParkSince, since.UTC().Format(time.RFC3339Nano))
	out.Metadata.Set(metaParkUntil, time.Now().Add(wait).UTC().Format(time.RFC3339Nano))
	g.logger.Info("event parked", watermill.LogFields{"event": msg.Metadata.Get(MetaEventID), "try": tries + 1, "wait": wait.String(), "why": why.Error()})
	return true, tx.Publish(topicParked, out)
}

// parkWait is how long a parked event waits before its next try, after
// tries tries and waited so far; false when it has waited long enough:
// retry.park_for when set, else retry.max_retries tries.
func (g *Gateway) parkWait(tries int, waited time.Duration) (time.Duration, bool) {
	wait := min(5*g.retryInterval<<min(tries, 30), maxParkWait)
	if g.parkFor == 0 {
		return wait, tries < g.cfg.Retry.MaxRetries
	}
	if waited >= g.parkFor {
		return 0, false
	}
	return min(wait, g.parkFor-waited), true
}

// gaveUp says how long a parked event waited, for its dead letter.
func (g *Gateway) gaveUp() string {
	if g.parkFor > 0 {
		return "gave up after waiting " + g.parkFor.String() + " (retry.park_for)"
	}
	return fmt.Sprintf("gave up after %d tries", g.cfg.Retry.MaxRetries)
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
