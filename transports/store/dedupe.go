package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Dedupe kinds used by the gateway. Seen takes any kind; these name the
// ones DESIGN §8 asks for.
const (
	// DedupeInterchange: sender + interchange control reference.
	DedupeInterchange = "interchange"
	// DedupeBusinessKey: profile + message ref + container + function.
	DedupeBusinessKey = "business"
	// DedupeContent: hash of an inbound body, or its idempotency key.
	DedupeContent = "content"
)

// Seen records key under kind and reports whether it was recorded before,
// counting every sighting. The record is part of the transaction: if the
// transaction rolls back, the sighting never happened.
func (t *Tx) Seen(kind, key string) (dup bool, err error) {
	if err := t.check(); err != nil {
		return false, err
	}
	if err := checkKey("dedupe kind", kind); err != nil {
		return false, err
	}
	if err := checkKey("dedupe "+quote(kind)+" key", key); err != nil {
		return false, err
	}
	now := t.s.d.timeArg(t.s.now())
	var count int64
	err = t.queryRow(`INSERT INTO dedupe (kind, key, first_seen, last_seen, count) VALUES (?, ?, ?, ?, 1)
ON CONFLICT (kind, key) DO UPDATE SET count = dedupe.count + 1, last_seen = excluded.last_seen
RETURNING count`, kind, key, now, now).Scan(&count)
	if err != nil {
		return false, fmt.Errorf("dedupe %s key %s: %w", quote(kind), quote(key), err)
	}
	return count > 1, nil
}

// DedupeRow is the record of one deduplication key.
type DedupeRow struct {
	Kind      string    `json:"kind"`
	Key       string    `json:"key"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
	Count     int64     `json:"count"`
}

// Dedupe returns the record of key under kind; the error wraps ErrNotFound
// when it was never seen.
func (s *Store) Dedupe(ctx context.Context, kind, key string) (DedupeRow, error) {
	r := DedupeRow{Kind: kind, Key: key}
	err := s.reader.QueryRowContext(ctx, s.d.q(`SELECT first_seen, last_seen, count FROM dedupe WHERE kind = ? AND key = ?`),
		kind, key).Scan(scanTime{&r.FirstSeen}, scanTime{&r.LastSeen}, &r.Count)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return DedupeRow{}, fmt.Errorf("dedupe %s key %s %w", quote(kind), quote(key), ErrNotFound)
	case err != nil:
		return DedupeRow{}, fmt.Errorf("dedupe %s key %s: %w", quote(kind), quote(key), err)
	}
	return r, nil
}

// PruneDedupe forgets keys last seen before cutoff and reports how many.
// Without pruning the table grows with every message.
func (s *Store) PruneDedupe(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(`DELETE FROM dedupe WHERE last_seen < ?`, s.d.timeArg(cutoff))
		if err != nil {
			return fmt.Errorf("dedupe prune: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
