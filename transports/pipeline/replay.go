package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// ReplayFilter selects the dead letters to put back.
type ReplayFilter struct {
	ID    string // one dead letter
	Stage string // e.g. decode, ledger, route, deliver_portbase-out
	All   bool   // every pending dead letter (of Stage, when set)
}

// ReplayResult says what happened to one dead letter.
type ReplayResult struct {
	ID, Stage string
	Err       error
	Events    int // decode: events published again
}

// Replay puts pending dead letters back where they failed, after a fix:
// a decode failure is decoded again with today's profiles (its good events
// enter the pipes), any later stage gets its message back on the topic it
// failed on. Each replayed dead letter is marked; one that fails again
// stays pending with the new reason returned here.
func (g *Gateway) Replay(ctx context.Context, f ReplayFilter) ([]ReplayResult, error) {
	if f.ID == "" && !f.All {
		return nil, errors.New("replay: name a dead letter (--id) or --all")
	}
	var results []ReplayResult
	for offset := 0; ; offset += 100 {
		dls, err := g.store.DeadLetters(ctx, store.DeadLetterFilter{ID: f.ID, Stage: f.Stage, Pending: true, Limit: 100, Offset: offset})
		if err != nil {
			return results, err
		}
		for _, d := range dls {
			r := ReplayResult{ID: d.ID, Stage: d.Stage}
			r.Events, r.Err = g.replayOne(ctx, d)
			results = append(results, r)
		}
		if len(dls) < 100 || f.ID != "" {
			break
		}
	}
	if f.ID != "" && len(results) == 0 {
		return nil, fmt.Errorf("replay: no pending dead letter %q", f.ID)
	}
	return results, nil
}

func (g *Gateway) replayOne(ctx context.Context, d store.DeadLetter) (int, error) {
	msg := copyOf(d.ID, d.Payload, d.Metadata)
	if d.Stage == "decode" {
		// A sealed payload is opened only to be decoded again; a key
		// that cannot open it leaves the dead letter pending.
		plain, err := g.OpenPayload(d)
		if err != nil {
			return 0, err
		}
		d.Payload = plain
	}
	events := 0
	err := g.store.InTx(ctx, func(tx *store.Tx) error {
		if d.Stage == "decode" {
			var batches []mappings.Batch
			payload, lines := g.replayPayload(d)
			derr := decodeWith(g.reg, bytes.NewReader(payload), mappings.DecodeOptions{
				Name: firstNonEmpty(d.Metadata[transports.MetaFilename], d.ID), From: d.Profile, Lines: lines, CredentialKey: g.credKey,
				SealKey: g.sealKey,
			}, func(b mappings.Batch) error { batches = append(batches, b); return nil })
			if derr != nil {
				return fmt.Errorf("still fails: %s", strings.Join(mappings.Lines(derr), "; "))
			}
			n, err := commitEvents(tx, batches, msg, d.Endpoint)
			events = n
			if err != nil {
				return err
			}
		} else {
			topic := d.Metadata[middleware.PoisonedTopicKey]
			if topic == "" {
				return fmt.Errorf("dead letter of stage %s names no topic to return to", d.Stage)
			}
			delete(msg.Metadata, middleware.PoisonedTopicKey)
			delete(msg.Metadata, middleware.PoisonedHandlerKey)
			delete(msg.Metadata, middleware.ReasonForPoisonedKey)
			if err := tx.Publish(g.replayTopic(topic), msg); err != nil {
				return err
			}
		}
		return tx.MarkReplayed(d.ID)
	})
	return events, err
}

// replayPayload is what a decode dead letter is decoded from again, and
// whether as JSON Lines. A line of a JSON Lines message is put back at its
// line, after blank ones, so that its problems name the line as before.
func (g *Gateway) replayPayload(d store.DeadLetter) ([]byte, bool) {
	if n, err := strconv.Atoi(d.Metadata[MetaLine]); err == nil && n > 0 {
		return append(bytes.Repeat([]byte("\n"), n-1), d.Payload...), true
	}
	return d.Payload, g.readsLines(d.Endpoint) || isJSONLinesType(d.Metadata[transports.MetaContentType])
}

// readsLines reports whether the inbound endpoint named reads JSON Lines
// whatever the names of its files.
func (g *Gateway) readsLines(endpoint string) bool {
	for _, ep := range g.cfg.Endpoints {
		if ep.Name == endpoint {
			return ep.JSONLines
		}
	}
	return false
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
