package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// EventRow is one event of a release's history as the ledger records it.
// Body is the canonical event JSON; Hash links it into the release's hash
// chain. Both are stored byte for byte.
type EventRow struct {
	ID         string          `json:"id"`
	ReleaseKey string          `json:"releaseKey"`
	Seq        int64           `json:"seq"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurredAt"`
	ReceivedAt time.Time       `json:"receivedAt"`
	Late       bool            `json:"late"`
	Hash       string          `json:"hash"`
	Body       json.RawMessage `json:"body"`
	// RawHash is the lower-case hex SHA-256 of the raw message (file or
	// request body) the event was decoded from; empty when not known.
	RawHash string `json:"rawHash,omitempty"`
	// Endpoint is the inbound endpoint the event came through; empty for
	// events recorded before it was kept.
	Endpoint string `json:"endpoint,omitempty"`
	// MaskedHash, for an event of a message that carried a secret (whose
	// RawHash is empty), is the hash of the message's copy with the
	// secrets masked, as kept with AddRawMessage; empty otherwise.
	MaskedHash string `json:"-"`
	// MessageKept: a copy of the message the event came in is kept (see
	// MessageOf); set by ReleaseEvents.
	MessageKept bool `json:"messageKept"`
}

// AddEvent records e unless an event with its id is already recorded, and
// reports whether it inserted it: the id is deterministic, so a redelivered
// message yields inserted == false. No release needs to exist for the key;
// an event may arrive before its release.
func (t *Tx) AddEvent(e EventRow) (inserted bool, err error) {
	if err := t.checkEvent(e); err != nil {
		return false, err
	}
	q, args := t.eventInsert(e)
	res, err := t.exec(q, args...)
	if err != nil {
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	}
	return n == 1, nil
}

// AddEventSaveRelease is AddEvent followed, when it inserted e, by
// SaveRelease(key, meta, body, expectVersion): the event and the release
// it changed. On PostgreSQL it is one statement.
func (t *Tx) AddEventSaveRelease(e EventRow, key string, meta ReleaseMeta, body []byte, expectVersion int) (inserted bool, err error) {
	if !t.w.batched() {
		if inserted, err = t.AddEvent(e); err != nil || !inserted {
			return inserted, err
		}
		return true, t.SaveRelease(key, meta, body, expectVersion)
	}
	if err := t.checkEvent(e); err != nil {
		return false, err
	}
	if err := t.checkRelease(key, meta, body, expectVersion); err != nil {
		return false, err
	}
	evq, args := t.eventInsert(e)
	relq, relArgs := t.releaseWrite(key, meta, body, expectVersion, true)
	var (
		events, saved int64
		stored        sql.NullInt64
	)
	err = t.queryRow(`WITH ev AS (`+evq+` RETURNING 1), rel AS (`+relq+`)
SELECT (SELECT count(*) FROM ev), (SELECT count(*) FROM rel), (SELECT version FROM releases WHERE key = ?)`,
		append(append(args, relArgs...), key)...).Scan(&events, &saved, &stored)
	switch {
	case err != nil:
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	case events == 0:
		return false, nil
	case saved == 0:
		return true, releaseConflict(key, expectVersion, stored)
	}
	return true, nil
}

// checkEvent checks what AddEvent is given.
func (t *Tx) checkEvent(e EventRow) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkKey("event id", e.ID); err != nil {
		return err
	}
	// The event's id is quoted into a message only when a check fails.
	if err := checkKey("release key", e.ReleaseKey); err != nil {
		return fmt.Errorf("event %s %w", errtext.Quote(e.ID), err)
	}
	for _, f := range []struct{ name, v string }{{"type", e.Type}, {"endpoint", e.Endpoint}, {"hash", e.Hash}} {
		if err := checkShort(f.name, f.v); err != nil {
			return fmt.Errorf("event %s %w", errtext.Quote(e.ID), err)
		}
	}
	if err := checkRawHash(e.ID, e.RawHash); err != nil {
		return err
	}
	if err := checkRawHash(e.ID, e.MaskedHash); err != nil {
		return err
	}
	if err := t.s.checkJSON("body", e.Body); err != nil {
		return fmt.Errorf("event %s %w", errtext.Quote(e.ID), err)
	}
	return nil
}

// eventInsert is the statement of AddEvent, with ? placeholders.
func (t *Tx) eventInsert(e EventRow) (string, []any) {
	return `INSERT INTO events (id, release_key, seq, type, occurred_at, received_at, late, hash, body, raw_hash, endpoint, masked_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		[]any{e.ID, e.ReleaseKey, e.Seq, e.Type, t.s.d.timeArg(e.OccurredAt), t.s.d.timeArg(e.ReceivedAt),
			e.Late, e.Hash, string(e.Body), e.RawHash, e.Endpoint, e.MaskedHash}
}

// checkRawHash accepts an empty raw hash or 64 lower-case hex digits.
func checkRawHash(id, h string) error {
	if h == "" {
		return nil
	}
	ok := len(h) == 64
	for i := 0; ok && i < len(h); i++ {
		ok = h[i] >= '0' && h[i] <= '9' || h[i] >= 'a' && h[i] <= 'f'
	}
	if !ok {
		return fmt.Errorf("event %s raw hash %s %w", errtext.Quote(id), errtext.Quote(h), ErrInvalidHash)
	}
	return nil
}
