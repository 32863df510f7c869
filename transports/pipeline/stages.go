package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// intakeStage decodes what an inbound endpoint received and, in one
// transaction, applies its events to the ledger and publishes what they
// are routed to; the sender is acknowledged when this returns nil.
//
// Each inbound message costs one commit: its events never wait on a topic
// between decoding and the ledger. The canonical topic carries only events
// that come back later: parked ones whose release was not known yet, and
// replayed dead letters.
func (g *Gateway) intakeStage(ep *Endpoint) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		start := time.Now()
		hash := msg.Metadata.Get(transports.MetaContentHash)
		dupKey := ep.Name + "/" + firstNonEmpty(msg.Metadata.Get(transports.MetaIdempotencyKey), hash)
		var batches []mappings.Batch
		derr := g.reg.Decode(bytes.NewReader(msg.Payload), mappings.DecodeOptions{
			Name: firstNonEmpty(msg.Metadata.Get(transports.MetaFilename), msg.UUID), From: ep.Profile, CredentialKey: g.credKey,
		}, func(b mappings.Batch) error {
			batches = append(batches, b)
			return nil
		})
		// Everything that needs no ledger state is done before the
		// transaction, which then holds the single SQLite writer less.
		evs, err := g.prepare(batches, msg, ep.Name)
		if err != nil {
			return err
		}
		var (
			dups            int
			interchangeSeen bool
			outcomes        []outcome // per event; skipped for a business duplicate
		)
		// A transport may hand out several messages at once (the file drop
		// does); their transactions keep the order they were delivered in.
		ctx := msg.Context()
		if turn := transports.TurnOf(ctx); turn != nil {
			ctx = store.InOrder(ctx, turn)
		}
		// The deduplication keys of the message, its interchange and its
		// events, recorded in one statement. A duplicate of content that
		// was seen before also counts as a sighting of its interchange and
		// events.
		keys := []store.DedupeKey{{Kind: store.DedupeContent, Key: dupKey}}
		interchange := -1 // index in keys
		if len(evs) > 0 && evs[0].e.Source.InterchangeRef != "" {
			src := evs[0].e.Source
			interchange = len(keys)
			keys = append(keys, store.DedupeKey{Kind: store.DedupeInterchange, Key: src.Profile + "/" + src.Sender + "/" + src.InterchangeRef})
		}
		business := make([]int, len(evs)) // index in keys, or -1
		for i, ev := range evs {
			business[i] = -1
			if bk := canonical.BusinessKey(ev.e); bk != "" {
				business[i] = len(keys)
				keys = append(keys, store.DedupeKey{Kind: store.DedupeBusinessKey, Key: bk})
			}
		}
		err = g.store.InTx(ctx, func(tx *store.Tx) error {
			dups, interchangeSeen, outcomes = 0, false, make([]outcome, len(evs))
			seen, err := tx.SeenEach(keys)
			if err != nil {
				return err
			}
			if seen[0] {
				dups = -1
				return nil
			}
			// The same interchange again (sender + control reference) is
			// counted; its messages are then skipped one by one by their
			// business keys, so a corrected resend under the same reference
			// still delivers what is new.
			interchangeSeen = interchange > 0 && seen[interchange]
			for i, ev := range evs {
				if business[i] > 0 && seen[business[i]] {
					dups++
					outcomes[i] = outcomeSkipped
					continue
				}
				res, err := g.applyEvent(tx, ev.e, ev.msg.Payload, ev.msg, ev.r)
				if transports.IsPermanent(err) {
					res, err = outcomeRejected, tx.AddDeadLetter(ledgerDeadLetter(ev.msg, err))
				}
				if err != nil {
					return err
				}
				outcomes[i] = res
			}
			if derr != nil {
				return tx.AddDeadLetter(store.DeadLetter{
					ID: msg.UUID, Stage: "decode", Profile: ep.Profile, Endpoint: ep.Name,
					Reason: strings.Join(mappings.Lines(derr), "\n"), Payload: msg.Payload, Metadata: msg.Metadata,
				})
			}
			return nil
		})
		if err != nil {
			return err // transient: retried, then dead-lettered
		}
		events := len(outcomes)
		for _, res := range outcomes {
			if res == outcomeSkipped {
				events--
			}
		}
		file := msg.Metadata.Get(transports.MetaFilename)
		switch {
		case dups < 0:
			g.metrics.duplicates.WithLabelValues(store.DedupeContent).Inc()
			g.logger.Info("duplicate message ignored", watermill.LogFields{"endpoint": ep.Name, "file": file, "uuid": msg.UUID})
		case derr != nil && events == 0:
			msg.Metadata.Set(transports.MetaFailureReason, strings.Join(mappings.Lines(derr), "\n"))
			g.metrics.rejected.WithLabelValues(ep.Name).Inc()
			g.logger.Info("message rejected", watermill.LogFields{"endpoint": ep.Name, "file": file, "uuid": msg.UUID, "problems": len(mappings.Lines(derr))})
		default:
			if interchangeSeen {
				g.metrics.duplicates.WithLabelValues(store.DedupeInterchange).Inc()
			}
			if dups > 0 {
				g.metrics.duplicates.WithLabelValues(store.DedupeBusinessKey).Add(float64(dups))
			}
			g.metrics.received.WithLabelValues(ep.Name).Inc()
			g.metrics.events.WithLabelValues("decoded").Add(float64(events))
			g.logger.Info("message received", watermill.LogFields{"endpoint": ep.Name, "file": file, "uuid": msg.UUID,
				"events": events, "duplicates": dups, "problems": len(mappings.Lines(derr)), "ms": time.Since(start).Milliseconds()})
		}
		for i, res := range outcomes {
			switch res {
			case outcomeSkipped:
			case outcomeRejected:
				g.metrics.deadLetters.WithLabelValues("ledger").Inc()
				g.logger.Error("dead letter", errors.New(evs[i].msg.Metadata.Get(middleware.ReasonForPoisonedKey)),
					watermill.LogFields{"stage": "ledger", "uuid": evs[i].msg.UUID})
			default:
				g.applied(evs[i].e, res, evs[i].r)
			}
		}
		return nil
	}
}

// decoded is one event of an inbound message, ready for the ledger: its
// canonical message and its renderings.
type decoded struct {
	e   *canonical.ReleaseEvent
	msg *message.Message
	r   renderings
}

// prepare makes the canonical message of every decoded event and renders
// it for its routes.
func (g *Gateway) prepare(batches []mappings.Batch, from *message.Message, endpoint string) ([]decoded, error) {
	var evs []decoded
	for _, b := range batches {
		for _, e := range b.Events {
			m, err := eventMessage(e, from, endpoint)
			if err != nil {
				return nil, err
			}
			r, err := g.render(e, m)
			if err != nil {
				return nil, err
			}
			evs = append(evs, decoded{e, m, r})
		}
	}
	return evs, nil
}

// eventMessage is the canonical message of e, decoded from what endpoint
// received as from.
func eventMessage(e *canonical.ReleaseEvent, from *message.Message, endpoint string) (*message.Message, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	out := message.NewMessage(e.ID, body)
	out.Metadata.Set(MetaEventID, e.ID)
	out.Metadata.Set(MetaProfile, e.Source.Profile)
	out.Metadata.Set(transports.MetaEndpoint, endpoint)
	middleware.SetCorrelationID(middleware.MessageCorrelationID(from), out)
	return out, nil
}

// ledgerDeadLetter is the dead letter of an event the ledger rejected for
// good, as the poison queue would have made it: a replay puts it back on
// the canonical topic. The reason is also left in msg's metadata.
func ledgerDeadLetter(msg *message.Message, why error) store.DeadLetter {
	msg.Metadata.Set(middleware.PoisonedTopicKey, TopicCanonical)
	msg.Metadata.Set(middleware.PoisonedHandlerKey, "ledger")
	msg.Metadata.Set(middleware.ReasonForPoisonedKey, why.Error())
	return store.DeadLetter{ID: msg.UUID, Stage: "ledger", Profile: msg.Metadata.Get(MetaProfile),
		Endpoint: msg.Metadata.Get(transports.MetaEndpoint), Reason: why.Error(), Payload: msg.Payload, Metadata: msg.Metadata}
}

// commitEvents publishes the decoded events to the canonical topic inside
// tx, skipping business duplicates (same profile, message reference,
// container and function seen before): a replayed decode failure's events
// go through the ledger stage. It returns how many it published.
func commitEvents(tx *store.Tx, batches []mappings.Batch, from *message.Message, endpoint string) (int, error) {
	events := 0
	for _, b := range batches {
		for _, e := range b.Events {
			if bk := canonical.BusinessKey(e); bk != "" {
				seen, err := tx.Seen(store.DedupeBusinessKey, bk)
				if err != nil || seen {
					if err != nil {
						return 0, err
					}
					continue
				}
			}
			out, err := eventMessage(e, from, endpoint)
			if err != nil {
				return 0, err
			}
			if err := tx.Publish(TopicCanonical, out); err != nil {
				return 0, err
			}
			events++
		}
	}
	return events, nil
}

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
	r, err := g.render(&e, msg)
	if err != nil {
		return err
	}
	// The hash chain covers the canonical JSON of the event as this
	// version writes it, whatever wrote the payload.
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
	g.applied(&e, res, r)
	return nil
}

// applyEvent applies e, whose canonical JSON is doc and canonical message
// is msg, to its release inside tx and, when the event is accepted,
// publishes its renderings. It returns the outcome: accepted, late,
// duplicate or parked. A permanent error means the custody rules reject
// the event, or it waited for its release long enough; any other error is
// the store's.
func (g *Gateway) applyEvent(tx *store.Tx, e *canonical.ReleaseEvent, doc []byte, msg *message.Message, r renderings) (outcome, error) {
	key := e.Key.String()
	stored, body, version, found, err := tx.FindRelease(key, unitOf(e.Key))
	if err != nil {
		return 0, err
	}
	if found {
		key = stored
	}
	var rel *ledger.Release
	if found {
		rel = new(ledger.Release)
		if err := json.Unmarshal(body, rel); err != nil {
			return 0, transports.Permanent(fmt.Errorf("release %s: %w", key, err))
		}
	}
	// e is the caller's own: nothing changes it once the release
	// refers to it.
	next, aerr := ledger.ApplyCanonical(rel, e, doc)
	if aerr != nil && next == nil {
		if ledger.Parkable(aerr) {
			waitErr := fmt.Errorf("event %s (%s %s): %w: %v", e.ID, e.Type, e.Key.ContainerNumber, errWaiting, aerr)
			parked, err := g.park(tx, msg, waitErr)
			if err != nil {
				return 0, err
			}
			if !parked {
				return 0, transports.Permanent(fmt.Errorf("%w (gave up after %d tries)", waitErr, g.cfg.Retry.MaxRetries))
			}
			return outcomeParked, nil
		}
		if errors.Is(aerr, ledger.ErrDuplicate) {
			return outcomeDuplicate, nil
		}
		return 0, transports.Permanent(fmt.Errorf("event %s (%s %s) rejected: %w", e.ID, e.Type, e.Key.ContainerNumber, aerr))
	}
	inserted, err := tx.AddEvent(store.EventRow{
		ID: e.ID, ReleaseKey: key, Seq: int64(len(next.Events)), Type: string(e.Type),
		OccurredAt: occurred(e), ReceivedAt: time.Now().UTC(), Late: aerr != nil,
		Hash: lastHash(next), Body: json.RawMessage(msg.Payload),
	})
	if err != nil || !inserted {
		return outcomeDuplicate, err
	}
	nb, err := json.Marshal(next)
	if err != nil {
		return 0, err
	}
	holder := ""
	if next.Holder != nil {
		holder = next.Holder.Name
	}
	if err := tx.SaveRelease(key, store.ReleaseMeta{Status: string(next.Status), Port: next.Key.Port, Carrier: next.Key.Carrier, Holder: holder}, nb, version); err != nil {
		return 0, err
	}
	if err := tx.SetUnit(unitOf(next.Key), key); err != nil {
		return 0, err
	}
	if aerr != nil { // stored and flagged (late after pick-up), not routed
		return outcomeLate, nil
	}
	return outcomeAccepted, publishRendered(tx, e, msg, r)
}

// applied counts and logs the outcome of an event once its transaction
// has committed.
func (g *Gateway) applied(e *canonical.ReleaseEvent, res outcome, r renderings) {
	if res == outcomeAccepted {
		g.countRendered(r.outs)
	}
	g.metrics.events.WithLabelValues(res.String()).Inc()
	g.logger.Info("ledger", watermill.LogFields{"event": e.ID, "type": e.Type, "release": e.Key.String(), "outcome": res.String()})
}

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

func unitOf(k canonical.Key) string {
	if k.Air() {
		return "AIR/" + k.Airport + "/" + k.AWB
	}
	return "SEA/" + k.Port + "/" + k.ContainerNumber
}

func occurred(e *canonical.ReleaseEvent) time.Time {
	if e.OccurredAt != nil {
		return *e.OccurredAt
	}
	return time.Now().UTC()
}

func lastHash(r *ledger.Release) string {
	if len(r.Events) == 0 {
		return ""
	}
	return r.Events[len(r.Events)-1].Hash
}

// rendered is an event rendered for one outbound endpoint.
type rendered struct {
	endpoint string
	msg      *message.Message
}

// renderings are what render made of one event: a message per matching
// route, and the routes that failed to render, as lines of a dead letter.
type renderings struct {
	outs     []rendered
	failures []string
}

// render renders e for every route that matches it and whose profile
// carries its type. Failures to render are returned as lines for a dead
// letter; an error means the configuration names an unknown profile.
func (g *Gateway) render(e *canonical.ReleaseEvent, from *message.Message) (renderings, error) {
	var r renderings
	for _, rt := range g.cfg.Routes {
		if !rt.Match.matches(e) {
			continue
		}
		p, err := g.reg.Profile(rt.Profile)
		if err != nil {
			return renderings{}, transports.Permanent(err)
		}
		if !p.Carries(e.Type) {
			g.metrics.routed.WithLabelValues(rt.Endpoint, "not_carried").Inc()
			continue
		}
		var buf bytes.Buffer
		enc, err := p.NewEncoder(&buf, mappings.EncodeOptions{})
		if err == nil {
			err = enc.Encode([]*canonical.ReleaseEvent{e})
		}
		if err == nil {
			err = enc.Close()
		}
		if err != nil {
			r.failures = append(r.failures, fmt.Sprintf("route %s: %v", rt.Name, err))
			continue
		}
		out := message.NewMessage(watermill.NewUUID(), buf.Bytes())
		out.Metadata.Set(transports.MetaOutName, outName(e.ID, p))
		out.Metadata.Set(MetaEventID, e.ID)
		out.Metadata.Set(MetaTarget, rt.Profile)
		middleware.SetCorrelationID(middleware.MessageCorrelationID(from), out)
		r.outs = append(r.outs, rendered{rt.Endpoint, out})
	}
	return r, nil
}

// publishRendered publishes what render gave inside tx: each message to
// its endpoint's outbound topic, and the failures as one dead letter that a
// replay routes again.
func publishRendered(tx *store.Tx, e *canonical.ReleaseEvent, from *message.Message, r renderings) error {
	for _, o := range r.outs {
		if err := tx.Publish(outboundPrefix+o.endpoint, o.msg); err != nil {
			return err
		}
	}
	if len(r.failures) == 0 {
		return nil
	}
	meta := message.Metadata{}
	for k, v := range from.Metadata {
		meta.Set(k, v)
	}
	meta.Set(middleware.PoisonedTopicKey, TopicAccepted)
	return tx.AddDeadLetter(store.DeadLetter{ID: "encode-" + e.ID, Stage: "encode", Profile: e.Source.Profile,
		Reason: strings.Join(r.failures, "\n"), Payload: from.Payload, Metadata: meta})
}

func (g *Gateway) countRendered(outs []rendered) {
	for _, o := range outs {
		g.metrics.routed.WithLabelValues(o.endpoint, "rendered").Inc()
	}
}

// routeStage routes events published to the accepted topic: replayed
// encode failures, and events accepted by an earlier version that routed
// in a stage of its own. The ledger stage routes what it accepts itself.
func (g *Gateway) routeStage(msg *message.Message) error {
	var e canonical.ReleaseEvent
	if err := json.Unmarshal(msg.Payload, &e); err != nil {
		return transports.Permanent(err)
	}
	r, err := g.render(&e, msg)
	if err != nil {
		return err
	}
	if err := g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		return publishRendered(tx, &e, msg, r)
	}); err != nil {
		return err
	}
	g.countRendered(r.outs)
	return nil
}

// outName derives the outbound file name / idempotency key from the event
// id and the target profile, so a retry overwrites instead of doubling.
func outName(eventID string, p *mappings.Profile) string {
	return eventID + "." + strings.ReplaceAll(p.Name(), "/", "-") + p.Extension()
}

// copyOf is msg's payload and metadata under uuid, for the next pipe.
func copyOf(uuid string, payload []byte, meta map[string]string) *message.Message {
	out := message.NewMessage(uuid, payload)
	for k, v := range meta {
		out.Metadata.Set(k, v)
	}
	return out
}

// stager is an outbound transport that can write a delivery without making
// it visible, and then make everything written visible and durable at once
// (see filedrop.Publisher.Stage).
type stager interface {
	Stage(topic string, msgs ...*message.Message) error
	Flush() error
}

// deliverStage hands rendered messages to an outbound transport. When the
// transport stages deliveries, the messages are staged here and counted and
// logged as delivered by the returned flush, which the subscription runs
// before it records the batch's acknowledgement; flush is nil otherwise.
func (g *Gateway) deliverStage(ep *Endpoint) (handler message.NoPublishHandlerFunc, flush func(context.Context) error) {
	pub := g.outbound[ep.Name]
	delivered := func(event, name string) {
		g.metrics.delivered.WithLabelValues(ep.Name).Inc()
		g.logger.Info("delivered", watermill.LogFields{"endpoint": ep.Name, "event": event, "name": name})
	}
	send := pub.Publish
	done := delivered
	if st, ok := pub.(stager); ok {
		// The subscription runs flush after the batch's last ack, but on
		// shutdown it may do so while a handler still runs.
		var (
			mu     sync.Mutex
			staged [][2]string
		)
		send = st.Stage
		done = func(event, name string) {
			mu.Lock()
			staged = append(staged, [2]string{event, name})
			mu.Unlock()
		}
		flush = func(context.Context) error {
			mu.Lock()
			batch := staged
			staged = nil
			mu.Unlock()
			if err := st.Flush(); err != nil {
				return err // the batch is delivered again
			}
			for _, d := range batch {
				delivered(d[0], d[1])
			}
			return nil
		}
	}
	handler = func(msg *message.Message) error {
		if err := send(ep.Name, msg); err != nil {
			if transports.IsPermanent(err) {
				return fmt.Errorf("deliver to %s: %w", ep.Name, err) // still permanent: it wraps err
			}
			return err
		}
		done(msg.Metadata.Get(MetaEventID), msg.Metadata.Get(transports.MetaOutName))
		return nil
	}
	return handler, flush
}

// deadLetterStage stores what the poison queue sends, with its reason.
func (g *Gateway) deadLetterStage(msg *message.Message) error {
	stage := msg.Metadata.Get(middleware.PoisonedHandlerKey)
	reason := msg.Metadata.Get(middleware.ReasonForPoisonedKey)
	g.metrics.deadLetters.WithLabelValues(stage).Inc()
	g.logger.Error("dead letter", errors.New(reason), watermill.LogFields{"stage": stage, "uuid": msg.UUID})
	return g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		return tx.AddDeadLetter(store.DeadLetter{ID: msg.UUID, Stage: stage, Profile: msg.Metadata.Get(MetaProfile),
			Endpoint: msg.Metadata.Get(transports.MetaEndpoint), Reason: reason, Payload: msg.Payload, Metadata: msg.Metadata})
	})
}

func (m RouteMatch) matches(e *canonical.ReleaseEvent) bool {
	return in(m.Types, string(e.Type)) && in(m.Ports, e.Key.Port) && in(m.Carriers, e.Key.Carrier) && in(m.Profiles, e.Source.Profile)
}

func in(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
