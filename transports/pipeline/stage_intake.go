package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/errtext"
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
		var values secretValues
		batches, secret, derr := g.decode(ep, msg, values.add)
		if secret {
			// Set before the ack: the file drop then keeps its copy of
			// the file sealed. SFTP and HTTP keep no copy of their own
			// here (an SFTP file is moved or deleted on the partner's
			// server), so they have nothing to seal.
			msg.Metadata.Set(transports.MetaSealFiles, "true")
		}
		var raw *store.RawMessage
		if len(batches) > 0 {
			// Masked before the transaction; set on msg before its
			// events are made, so each names the copy.
			if raw = keptCopy(msg, ep.Name, secret, values.list(), derr); raw != nil && secret {
				msg.Metadata.Set(MetaMaskedHash, raw.Hash)
			}
		}
		// Everything that needs no ledger state is done before the
		// transaction, which then holds the single SQLite writer less.
		evs, err := g.prepare(batches, msg, ep.Name)
		if err != nil {
			return err
		}
		bad, rest := splitLineErrors(derr)
		in := &intake{ep: ep, msg: msg, evs: evs, raw: raw, derr: derr, bad: bad, rest: rest, secret: secret, keys: dedupeKeysOf(ep, msg, evs, bad)}
		in.lines = len(bad) > 0 || len(in.keys.lines) > 0
		acks := g.acksFor(ep, msg)
		if err := g.store.InTx(inOrder(msg.Context()), func(tx *store.Tx) error {
			if err := g.commitIntake(tx, in); err != nil {
				return err
			}
			return acks(tx, in)
		}); err != nil {
			return err // transient: retried, then dead-lettered
		}
		g.logIntake(in, time.Since(start))
		g.logOutcomes(in)
		reportOutcomes(in)
		return nil
	}
}

// intake is one inbound message on its way through intakeStage.
type intake struct {
	ep   *Endpoint
	msg  *message.Message
	evs  []decoded
	raw  *store.RawMessage // the copy kept for the monitor, or nil
	derr error             // what could not be decoded; nil when everything could
	keys dedupeKeys
	// A JSON Lines message (lines) is a message per line: bad are the
	// lines that could not be read, each kept on its own, and rest the
	// problems of the whole input.
	lines bool
	bad   []*mappings.LineError
	rest  error
	// secret: the message carries a secret, or may; its dead letters keep
	// its bytes sealed.
	secret bool

	// Set by commitIntake, again on each try of its transaction.
	contentDup      bool      // the whole message was seen before
	interchangeSeen bool      // its interchange was seen before
	dups            int       // business duplicates among evs
	dupLines        int       // lines of a JSON Lines message seen before
	decodeDead      int       // dead letters of the decode stage kept
	outcomes        []outcome // per event of evs
	why             []error   // per event of evs: why the ledger rejected it
}

// decode decodes msg with the endpoint's profile (or detects it), giving
// onSecret each value found in a secret field. It returns the batches it
// could read, whether msg carries a secret (or may: the engine could not
// read far enough to tell) and, apart, what it could not read.
func (g *Gateway) decode(ep *Endpoint, msg *message.Message, onSecret func(string)) ([]mappings.Batch, bool, error) {
	var batches []mappings.Batch
	var secret atomic.Bool
	derr := decodeWith(g.reg, bytes.NewReader(msg.Payload), mappings.DecodeOptions{
		Name: firstNonEmpty(msg.Metadata.Get(transports.MetaFilename), msg.UUID), From: ep.Profile,
		Lines: ep.JSONLines || isJSONLinesType(msg.Metadata.Get(transports.MetaContentType)), CredentialKey: g.credKey,
		SealKey: g.sealKey, SecretSeen: func() { secret.Store(true) }, OnSecret: onSecret,
	}, func(b mappings.Batch) error {
		batches = append(batches, b)
		return nil
	})
	return batches, secret.Load(), derr
}

// decodeWith decodes for the intake and replays; tests stand in for the
// engine with it.
var decodeWith = (*mappings.Registry).Decode

// isJSONLinesType reports whether a sender's content type declares JSON
// Lines.
func isJSONLinesType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/x-ndjson" || mt == "application/jsonl"
}

// inOrder keeps the order of messages a transport handed out at once (the
// file drop does): their transactions queue in the order delivered.
func inOrder(ctx context.Context) context.Context {
	if turn := transports.TurnOf(ctx); turn != nil {
		return store.InOrder(ctx, turn)
	}
	return ctx
}

// dedupeKeys are the deduplication keys of an inbound message, its
// interchange, the lines of a JSON Lines message and its events, recorded
// in one statement. A duplicate of content seen before also counts as a
// sighting of its interchange, lines and events.
type dedupeKeys struct {
	keys        []store.DedupeKey // the content's key first
	interchange int               // index in keys, or -1
	lines       map[int]int       // by line number: index in keys of the line's content
	business    []int             // per event: index in keys, or -1
}

func dedupeKeysOf(ep *Endpoint, msg *message.Message, evs []decoded, bad []*mappings.LineError) dedupeKeys {
	dupKey := ep.Name + "/" + firstNonEmpty(msg.Metadata.Get(transports.MetaIdempotencyKey), msg.Metadata.Get(transports.MetaContentHash))
	k := dedupeKeys{keys: []store.DedupeKey{{Kind: store.DedupeContent, Key: dupKey}}, interchange: -1, business: make([]int, len(evs))}
	// Each line of a JSON Lines message is a message of its own: its
	// content is its key, whatever file it comes in.
	addLine := func(s mappings.Span) {
		if _, done := k.lines[s.Line]; s.Line == 0 || done {
			return
		}
		if k.lines == nil {
			k.lines = map[int]int{}
		}
		k.lines[s.Line] = len(k.keys)
		k.keys = append(k.keys, store.DedupeKey{Kind: store.DedupeContent, Key: ep.Name + "/" + transports.ContentHash(msg.Payload[s.Start:s.End])})
	}
	for _, ev := range evs {
		addLine(ev.span)
	}
	for _, le := range bad {
		addLine(le.Span)
	}
	if len(evs) > 0 && evs[0].e.Source.InterchangeRef != "" {
		src := evs[0].e.Source
		k.interchange = len(k.keys)
		k.keys = append(k.keys, store.DedupeKey{Kind: store.DedupeInterchange, Key: src.Profile + "/" + src.Sender + "/" + src.InterchangeRef})
	}
	for i, ev := range evs {
		k.business[i] = -1
		if bk := canonical.BusinessKey(ev.e); bk != "" {
			k.business[i] = len(k.keys)
			k.keys = append(k.keys, store.DedupeKey{Kind: store.DedupeBusinessKey, Key: bk})
		}
	}
	return k
}

// commitIntake is the intake's transaction: it records the message's
// deduplication keys, applies each new event to the ledger (dead-lettering
// those the ledger rejects for good) and keeps what could not be decoded
// as a dead letter with the original bytes.
func (g *Gateway) commitIntake(tx *store.Tx, in *intake) error {
	in.contentDup, in.interchangeSeen, in.dups, in.decodeDead = false, false, 0, 0
	in.outcomes, in.why = make([]outcome, len(in.evs)), make([]error, len(in.evs))
	if len(in.evs) > 0 {
		// The first event's release comes with the keys' answer (on
		// PostgreSQL: one round trip fewer).
		tx.FindReleaseAhead(in.evs[0].e.Key.String(), unitOf(in.evs[0].e.Key))
	}
	seen, err := tx.SeenEach(in.keys.keys)
	if err != nil {
		return err
	}
	if seen[0] {
		in.contentDup = true
		return nil
	}
	if in.raw != nil {
		if _, err := tx.AddRawMessage(*in.raw); err != nil {
			return err
		}
	}
	// The same interchange again (sender + control reference) is counted;
	// its messages are then skipped one by one by their business keys, so
	// a corrected resend under the same reference still delivers what is
	// new.
	in.interchangeSeen = in.keys.interchange >= 0 && seen[in.keys.interchange]
	in.dupLines = 0
	for _, at := range in.keys.lines {
		if seen[at] {
			in.dupLines++
		}
	}
	for i, ev := range in.evs {
		if l, ok := in.keys.lines[ev.span.Line]; ok && seen[l] {
			in.outcomes[i] = outcomeSkipped
			continue
		}
		if b := in.keys.business[i]; b >= 0 && seen[b] {
			in.dups++
			in.outcomes[i] = outcomeSkipped
			continue
		}
		res, err := g.applyEvent(tx, ev.e, ev.msg.Payload, ev.msg, ev.r)
		if transports.IsPermanent(err) {
			in.why[i] = err
			res, err = outcomeRejected, tx.AddDeadLetter(ledgerDeadLetter(ev.msg, err))
		}
		if err != nil {
			return err
		}
		in.outcomes[i] = res
	}
	for _, le := range in.bad {
		if seen[in.keys.lines[le.Line]] {
			continue // kept when it came first
		}
		if err := g.addDecodeDeadLetter(tx, in, lineDeadLetter(in, le)); err != nil {
			return err
		}
	}
	if in.rest != nil {
		return g.addDecodeDeadLetter(tx, in, store.DeadLetter{
			ID: in.msg.UUID, Stage: "decode", Profile: in.ep.Profile, Endpoint: in.ep.Name,
			Reason: strings.Join(mappings.Lines(in.rest), "\n"), Payload: in.msg.Payload, Metadata: in.msg.Metadata,
		})
	}
	return nil
}

// addDecodeDeadLetter keeps d, a dead letter of the inbound message's
// bytes, with those bytes sealed when the message carries a secret.
func (g *Gateway) addDecodeDeadLetter(tx *store.Tx, in *intake, d store.DeadLetter) error {
	var err error
	if d.Payload, err = g.sealKey.sealIf(in.secret, d.Payload); err != nil {
		return err
	}
	in.decodeDead++
	return tx.AddDeadLetter(d)
}

// splitLineErrors parts the problems of a decoded message into those of
// single JSON Lines (bad) and the others (rest).
func splitLineErrors(err error) (bad []*mappings.LineError, rest error) {
	if err == nil {
		return nil, nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if _, line := err.(*mappings.LineError); !line {
			errs = j.Unwrap()
		}
	}
	var others []error
	for _, e := range errs {
		if le, ok := e.(*mappings.LineError); ok {
			bad = append(bad, le)
		} else {
			others = append(others, e)
		}
	}
	return bad, errors.Join(others...)
}

// lineDeadLetter keeps one bad line of a JSON Lines message as a dead
// letter of its own: its bytes, its problems and its line number (in
// MetaLine); a replay decodes that line alone.
func lineDeadLetter(in *intake, le *mappings.LineError) store.DeadLetter {
	meta := message.Metadata{}
	for k, v := range in.msg.Metadata {
		meta.Set(k, v)
	}
	meta.Set(MetaLine, strconv.Itoa(le.Line))
	return store.DeadLetter{
		ID: in.msg.UUID + "-line-" + strconv.Itoa(le.Line), Stage: "decode", Profile: in.ep.Profile, Endpoint: in.ep.Name,
		Reason: strings.Join(mappings.Lines(le), "\n"), Payload: in.msg.Payload[le.Start:le.End], Metadata: meta,
	}
}

// logIntake counts and logs the inbound message once its transaction has
// committed: as a duplicate, as rejected (nothing could be read from it)
// or as received.
func (g *Gateway) logIntake(in *intake, took time.Duration) {
	events := 0
	for _, res := range in.outcomes {
		if res != outcomeSkipped {
			events++
		}
	}
	ep, msg, problems := in.ep.Name, in.msg, mappings.Lines(in.derr)
	file := msg.Metadata.Get(transports.MetaFilename)
	// Nothing could be read; of a JSON Lines message, no line (lines seen
	// before were read before).
	nothingRead := events == 0
	if in.lines {
		nothingRead = len(in.evs) == 0
	}
	switch {
	case in.contentDup:
		g.metrics.duplicates.WithLabelValues(store.DedupeContent).Inc()
		g.logger.Info("duplicate message ignored", watermill.LogFields{"endpoint": ep, "file": file, "uuid": msg.UUID})
	case in.derr != nil && nothingRead:
		msg.Metadata.Set(transports.MetaFailureReason, strings.Join(problems, "\n"))
		g.metrics.rejected.WithLabelValues(ep).Inc()
		g.logger.Info("message rejected", watermill.LogFields{"endpoint": ep, "file": file, "uuid": msg.UUID, "problems": len(problems),
			"reason": logReason(problems)})
	default:
		if in.interchangeSeen {
			g.metrics.duplicates.WithLabelValues(store.DedupeInterchange).Inc()
		}
		if in.dups > 0 {
			g.metrics.duplicates.WithLabelValues(store.DedupeBusinessKey).Add(float64(in.dups))
		}
		if in.dupLines > 0 {
			g.metrics.duplicates.WithLabelValues(store.DedupeContent).Add(float64(in.dupLines))
		}
		g.metrics.received.WithLabelValues(ep).Inc()
		g.metrics.events.WithLabelValues("decoded").Add(float64(events))
		g.logger.Info("message received", watermill.LogFields{"endpoint": ep, "file": file, "uuid": msg.UUID,
			"events": events, "duplicates": in.dups + in.dupLines, "problems": len(problems), "ms": took.Milliseconds()})
	}
}

// maxLogReason bounds the reason a log line carries; the whole is in the
// dead letter and the reason file.
const maxLogReason = 300

// logReason is the first problem of a rejected message, for its log line:
// problem texts never hold a secret's value (the engine cleans them), and
// an operator sees at once why it was refused.
func logReason(problems []string) string {
	if len(problems) == 0 {
		return ""
	}
	r := problems[0]
	r = errtext.Clip(r, maxLogReason)
	if len(problems) > 1 {
		r += fmt.Sprintf(" (and %d more)", len(problems)-1)
	}
	return r
}

// logOutcomes counts and logs each applied event of the inbound message,
// and the dead letters of the decode stage its transaction kept.
func (g *Gateway) logOutcomes(in *intake) {
	if in.decodeDead > 0 {
		g.metrics.deadLetters.WithLabelValues("decode").Add(float64(in.decodeDead))
	}
	for i, res := range in.outcomes {
		switch res {
		case outcomeSkipped:
		case outcomeRejected:
			ev := in.evs[i].msg
			g.metrics.deadLetters.WithLabelValues("ledger").Inc()
			g.logger.Error("dead letter", errors.New(ev.Metadata.Get(middleware.ReasonForPoisonedKey)),
				watermill.LogFields{"stage": "ledger", "uuid": ev.UUID})
		default:
			g.applied(in.evs[i].e, res, in.evs[i].r)
		}
	}
}

// decoded is one event of an inbound message, ready for the ledger: its
// canonical message and its renderings.
type decoded struct {
	e    *canonical.ReleaseEvent
	msg  *message.Message
	r    renderings
	span mappings.Span // its line, in a JSON Lines message
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
			evs = append(evs, decoded{e, m, g.render(e, m), b.Span})
		}
	}
	return evs, nil
}

// ledgerDeadLetter is the dead letter of an event the ledger rejected for
// good, as the poison queue would have made it: a replay puts it back on
// the canonical topic. The reason is also left in msg's metadata.
func ledgerDeadLetter(msg *message.Message, why error) store.DeadLetter {
	msg.Metadata.Set(middleware.PoisonedTopicKey, TopicCanonical)
	msg.Metadata.Set(middleware.PoisonedHandlerKey, "ledger")
	msg.Metadata.Set(middleware.ReasonForPoisonedKey, why.Error())
	return store.DeadLetter{ID: msg.UUID, Stage: "ledger", Profile: msg.Metadata.Get(MetaProfile),
		Endpoint: msg.Metadata.Get(transports.MetaEndpoint), ReleaseKey: msg.Metadata.Get(MetaReleaseKey),
		Reason: why.Error(), Payload: msg.Payload, Metadata: msg.Metadata}
}
