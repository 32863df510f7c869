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
	if err := checkShort("event "+errtext.Quote(e.ID)+" endpoint", e.Endpoint); err != nil {
		return false, err
	}
	if err := checkShort("event "+errtext.Quote(e.ID)+" hash", e.Hash); err != nil {
		return false, err
	}
	if err := checkRawHash(e.ID, e.RawHash); err != nil {
		return false, err
	}
	if err := checkRawHash(e.ID, e.MaskedHash); err != nil {
		return false, err
	}
	if err := t.s.checkJSON("event "+errtext.Quote(e.ID)+" body", e.Body); err != nil {
		return false, err
	}
	res, err := t.exec(`INSERT INTO events (id, release_key, seq, type, occurred_at, received_at, late, hash, body, raw_hash, endpoint, masked_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.ReleaseKey, e.Seq, e.Type, t.s.d.timeArg(e.OccurredAt), t.s.d.timeArg(e.ReceivedAt),
		e.Late, e.Hash, string(e.Body), e.RawHash, e.Endpoint, e.MaskedHash)
	if err != nil {
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("event %s: %w", errtext.Quote(e.ID), err)
	}
	return n == 1, nil
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
