package store

import (
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
}

// AddEvent records e unless an event with its id is already recorded, and
// reports whether it inserted it: the id is deterministic, so a redelivered
// message yields inserted == false. No release needs to exist for the key;
// an event may arrive before its release.
func (t *Tx) AddEvent(e EventRow) (inserted bool, err error) {
	if err := t.check(); err != nil {
		return false, err
	}
	if err := checkKey("event id", e.ID); err != nil {
		return false, err
	}
	if err := checkKey("event "+errtext.Quote(e.ID)+" release key", e.ReleaseKey); err != nil {
		return false, err
	}
	if err := checkShort("event "+errtext.Quote(e.ID)+" type", e.Type); err != nil {
		return false, err
	}
	if err := checkShort("event "+errtext.Quote(e.ID)+" hash", e.Hash); err != nil {
		return false, err
	}
	if err := t.s.checkJSON("event "+errtext.Quote(e.ID)+" body", e.Body); err != nil {
		return false, err
	}
	res, err := t.exec(`INSERT INTO events (id, release_key, seq, type, occurred_at, received_at, late, hash, body)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.ReleaseKey, e.Seq, e.Type, t.s.d.timeArg(e.OccurredAt), t.s.d.timeArg(e.ReceivedAt),
		e.Late, e.Hash, string(e.Body))
	if err != nil {
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	}
	return n == 1, nil
}
