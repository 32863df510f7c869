package pipeline

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports/store"
)

// Parking: an event for a release not known yet is scheduled in the store
// with a time before which it is not retried, and the scheduler puts it back
// on the canonical topic when that time comes. Nothing waits inside a
// handler, so it holds up neither the events behind it nor, through an open
// transaction, any other subscription. After retry.park_for (or
// retry.max_retries tries) it becomes a dead letter. The parked topic only
// holds events parked by earlier versions.
const (
	topicParked   = "parked"
	metaParkTries = "pcsgate_park_tries"
	metaParkUntil = "pcsgate_park_until"
	metaParkSince = "pcsgate_park_since"
)

// maxParkWait bounds the wait between two tries of a parked event.
const maxParkWait = 5 * time.Minute

// park schedules msg to come back to the canonical topic inside tx; false
// when it has waited long enough.
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
	until := time.Now().Add(wait)
	out.Metadata.Set(metaParkUntil, until.UTC().Format(time.RFC3339Nano))
	g.logger.Info("event parked", watermill.LogFields{"event": msg.Metadata.Get(MetaEventID), "try": tries + 1, "wait": wait.String(), "why": why.Error()})
	return true, tx.Schedule(TopicCanonical, until, out)
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

// parkedStage schedules an event that an earlier version left on the
// parked topic, for the time it was parked until.
func (g *Gateway) parkedStage(msg *message.Message) error {
	until, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(metaParkUntil))
	if err != nil {
		until = time.Now()
	}
	return g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		return tx.Schedule(TopicCanonical, until, copyOf(msg.UUID, msg.Payload, msg.Metadata))
	})
}

// Scheduler bounds: how many scheduled messages one transaction releases,
// and the longest wait between two looks at the schedule, for messages
// scheduled by other instances (those of this one wake it at once).
const (
	releaseBatch  = 100
	scheduleIdle  = 5 * time.Second
	scheduleRetry = time.Second
)

// runScheduler releases scheduled messages when they are due, until ctx
// ends: it waits for the earliest due time, a message scheduled through
// this process, or scheduleIdle, whichever comes first.
func (g *Gateway) runScheduler(ctx context.Context) {
	var pruned time.Time
	for {
		if time.Since(pruned) >= pruneEvery {
			g.pruneDeliveryMarks(ctx)
			pruned = time.Now()
		}
		watch := g.store.WatchScheduled()
		n, next, err := g.store.ReleaseDue(ctx, time.Now(), releaseBatch)
		wait := scheduleIdle
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			g.logger.Error("Cannot release scheduled messages", err, nil)
			wait = scheduleRetry
		case n == releaseBatch:
			continue
		case !next.IsZero():
			wait = min(max(time.Until(next), 0), scheduleIdle)
		}
		if n > 0 {
			g.logger.Debug("scheduled messages released", watermill.LogFields{"messages": n})
		}
		if !sleepUnless(ctx, watch, wait) {
			return
		}
	}
}

// Delivery marks are needed only until their batch's acknowledgement is
// written; they are kept keepMarks, for a batch that an instance stopped
// for a long time delivers again when it starts, and pruned every
// pruneEvery.
const (
	keepMarks  = 7 * 24 * time.Hour
	pruneEvery = time.Hour
)

// pruneDeliveryMarks forgets the delivery marks older than keepMarks.
func (g *Gateway) pruneDeliveryMarks(ctx context.Context) {
	n, err := g.store.PruneDelivered(ctx, time.Now().Add(-keepMarks))
	switch {
	case err != nil && ctx.Err() == nil:
		g.logger.Error("Cannot prune delivery marks", err, nil)
	case n > 0:
		g.logger.Debug("delivery marks pruned", watermill.LogFields{"marks": n})
	}
}

// sleepUnless waits for d, or until wake is closed; false when ctx ended.
func sleepUnless(ctx context.Context, wake <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	case <-ctx.Done():
		return false
	}
	return true
}
