package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// errWaiting means an event names a release not known yet; it is retried
// (bounded) in case the release arrives.
var errWaiting = errors.New("waits for its release")

// ledgerStage applies one event of the canonical topic to its release: the
// events of parked messages coming back, and of replayed dead letters. The
// intake stage applies what it decodes itself.
func (g *Gateway) ledgerStage(msg *message.Message) error {
	var e canonical.ReleaseEvent
	if err := json.Unmarshal(msg.Payload, &e); err != nil {
		return transports.Permanent(fmt.Errorf("canonical event %s: %w", msg.UUID, err))
	}
	// Rendered before the transaction, which then holds the single SQLite
	// writer for less time; thrown away unless the event is accepted.
	r := g.render(&e, msg)
	// The hash chain covers the canonical JSON of the event as this
	// version writes it, whatever wrote the payload; the event is stored
	// as these bytes, so the chain can be checked from the store alone.
	doc, err := json.Marshal(&e)
	if err != nil {
		return transports.Permanent(fmt.Errorf("canonical event %s: %w", msg.UUID, err))
	}
	var res outcome
	err = g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		var err error
		res, err = g.applyEvent(tx, &e, doc, msg, r)
		return err
	})
	if err != nil {
		return err
	}
	if res == outcomeParked && msg.Metadata.Get(metaParkTries) != "" {
		res = outcomeParkedAgain
	}
	g.applied(&e, res, r)
	return nil
}

// applyEvent applies e, whose canonical JSON is doc and canonical message
// is msg, to its release inside tx and, when the event is accepted,
// publishes its renderings. A permanent error means the custody rules
// reject the event, or it waited for its release long enough; any other
// error is the store's.
func (g *Gateway) applyEvent(tx *store.Tx, e *canonical.ReleaseEvent, doc []byte, msg *message.Message, r renderings) (outcome, error) {
	key, rel, version, err := findRelease(tx, e)
	if err != nil {
		return 0, err
	}
	msg.Metadata.Set(MetaReleaseKey, key)
	// e is the caller's own: nothing changes it once the release
	// refers to it.
	next, aerr := ledger.ApplyCanonical(rel, e, doc)
	if aerr != nil && next == nil {
		return g.notApplied(tx, e, msg, aerr)
	}
	body, err := json.Marshal(next)
	if err != nil {
		return 0, err
	}
	// The event and the release it changed in one go; nothing is saved
	// when the event was recorded before.
	inserted, err := tx.AddEventSaveRelease(store.EventRow{
		ID: e.ID, ReleaseKey: key, Seq: int64(len(next.Events)), Type: string(e.Type),
		OccurredAt: occurred(e), ReceivedAt: time.Now().UTC(), Late: aerr != nil,
		Hash: lastHash(next), Body: json.RawMessage(doc), RawHash: msg.Metadata.Get(MetaRawHash),
		Endpoint: msg.Metadata.Get(transports.MetaEndpoint), MaskedHash: msg.Metadata.Get(MetaMaskedHash),
	}, key, releaseMeta(next, e.Source.PCS), body, version)
	if err != nil {
		return 0, err
	}
	if !inserted {
		return outcomeDuplicate, nil
	}
	if err := tx.SetUnit(unitOf(next.Key), key); err != nil {
		return 0, err
	}
	if aerr != nil { // stored and flagged (late after pick-up), not routed
		return outcomeLate, nil
	}
	if rel != nil && rel.Status == ledger.Blocked && e.Type == canonical.GatedOut {
		// The terminal's fact stands; its sender is told (APERAK).
		msg.Metadata.Set(MetaBlockedGateOut, next.Events[len(next.Events)-1].Note)
	}
	return outcomeAccepted, g.publishRendered(tx, e, msg, r)
}

// findRelease finds the release e belongs to inside tx: its stored key (e's
// own key when none is stored yet), the release (nil when none) and its
// version.
func findRelease(tx *store.Tx, e *canonical.ReleaseEvent) (key string, rel *ledger.Release, version int, err error) {
	key = e.Key.String()
	stored, body, version, found, err := tx.FindRelease(key, unitOf(e.Key))
	if err != nil || !found {
		return key, nil, version, err
	}
	rel = new(ledger.Release)
	if err := json.Unmarshal(body, rel); err != nil {
		return stored, nil, version, transports.Permanent(fmt.Errorf("release %s: %w", stored, err))
	}
	return stored, rel, version, nil
}

// notApplied is the outcome of an event the ledger did not apply because
// of aerr: parked when its release is not known yet, a duplicate, or
// rejected (a permanent error).
func (g *Gateway) notApplied(tx *store.Tx, e *canonical.ReleaseEvent, msg *message.Message, aerr error) (outcome, error) {
	if ledger.Parkable(aerr) {
		waitErr := fmt.Errorf("event %s (%s %s): %w: %v", e.ID, e.Type, e.Key.ContainerNumber, errWaiting, aerr)
		parked, err := g.park(tx, msg, waitErr)
		if err != nil {
			return 0, err
		}
		if !parked {
			return 0, transports.Permanent(fmt.Errorf("%w (%s)", waitErr, g.gaveUp()))
		}
		return outcomeParked, nil
	}
	if errors.Is(aerr, ledger.ErrDuplicate) {
		return outcomeDuplicate, nil
	}
	return 0, transports.Permanent(fmt.Errorf("event %s (%s %s) rejected: %w", e.ID, e.Type, e.Key.ContainerNumber, aerr))
}

// releaseMeta is what the store indexes of rel for the monitor's filters.
func releaseMeta(rel *ledger.Release, system string) store.ReleaseMeta {
	holder := ""
	if rel.Holder != nil {
		holder = rel.Holder.Name
	}
	// Readiness apart from the validity window, which the store compares
	// with the time of each query.
	timeless := *rel
	timeless.ValidFrom, timeless.ValidUntil = nil, nil
	return store.ReleaseMeta{
		Status: string(rel.Status), Port: rel.Key.Port, Carrier: rel.Key.Carrier, Holder: holder,
		Search:    []string{rel.Key.ContainerNumber, rel.Key.BLNumber, rel.ReleaseNumber, rel.Key.AWB},
		System:    system,
		ValidFrom: rel.ValidFrom, ValidUntil: rel.ValidUntil,
		Collectable: timeless.ReadyForPickup(time.Time{}),
	}
}

// applied counts and logs the outcome of an event once its transaction
// has committed.
func (g *Gateway) applied(e *canonical.ReleaseEvent, res outcome, r renderings) {
	if res == outcomeAccepted {
		g.countRendered(r.outs)
	}
	if res != outcomeParkedAgain {
		g.metrics.events.WithLabelValues(res.String()).Inc()
	}
	g.logger.Info("ledger", watermill.LogFields{"event": e.ID, "type": e.Type, "release": e.Key.String(), "outcome": res.String()})
}

// unitOf is the physical unit of a key: a sea container at its port, or
// an air waybill at its airport. A gate-out without B/L finds its release
// by it.
func unitOf(k canonical.Key) string {
	if k.Air() {
		return "AIR/" + k.Airport + "/" + k.AWB
	}
	return "SEA/" + k.Port + "/" + k.ContainerNumber
}

// occurred is when e happened, or now when it does not say.
func occurred(e *canonical.ReleaseEvent) time.Time {
	if e.OccurredAt != nil {
		return *e.OccurredAt
	}
	return time.Now().UTC()
}

// lastHash is the hash of the newest event of r's chain.
func lastHash(r *ledger.Release) string {
	if len(r.Events) == 0 {
		return ""
	}
	return r.Events[len(r.Events)-1].Hash
}
