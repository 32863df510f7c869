package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Dedupe kinds used by the gateway. Seen takes any kind; these name the
// ones the pipeline needs.
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
	seen, err := t.SeenEach([]DedupeKey{{kind, key}})
	if err != nil {
		return false, err
	}
	return seen[0], nil
}

// DedupeKey is one key of a kind, for SeenEach.
type DedupeKey struct{ Kind, Key string }

// seenChunk bounds the keys of one statement of SeenEach, under both
// backends' limits of bound parameters.
const seenChunk = 200

// SeenEach records each key as Seen does and reports, in the order given,
// whether each was recorded before; a key given twice counts as seen the
// second time. It takes one statement for up to 200 keys where Seen takes
// one per key.
func (t *Tx) SeenEach(keys []DedupeKey) ([]bool, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	// Each distinct key once, with how often it was given: a statement
	// may not insert and then update the same row (PostgreSQL).
	type sighting struct {
		first int // index of its first occurrence in keys
		n     int64
	}
	at := make(map[DedupeKey]*sighting, len(keys))
	distinct := make([]DedupeKey, 0, len(keys))
	for i, k := range keys {
		if err := checkKey("dedupe kind", k.Kind); err != nil {
			return nil, err
		}
		if err := checkKey("key", k.Key); err != nil {
			return nil, fmt.Errorf("dedupe %s %w", errtext.Quote(k.Kind), err)
		}
		if s := at[k]; s != nil {
			s.n++
			continue
		}
		at[k] = &sighting{first: i, n: 1}
		distinct = append(distinct, k)
	}
	seen := make([]bool, len(keys))
	for i, k := range keys {
		seen[i] = at[k].first != i // given before in this call
	}
	now := t.s.d.timeArg(t.s.now())
	for len(distinct) > 0 {
		chunk := distinct[:min(len(distinct), seenChunk)]
		distinct = distinct[len(chunk):]
		args := make([]any, 0, 5*len(chunk))
		for _, k := range chunk {
			args = append(args, k.Kind, k.Key, now, now, at[k].n)
		}
		err := t.eachRow(`INSERT INTO dedupe (kind, key, first_seen, last_seen, count) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(chunk)), ", ")+`
ON CONFLICT (kind, key) DO UPDATE SET count = dedupe.count + excluded.count, last_seen = excluded.last_seen
RETURNING kind, key, count`, args, func(r row) error {
			var k DedupeKey
			var count int64
			if err := r.Scan(&k.Kind, &k.Key, &count); err != nil {
				return err
			}
			if s := at[k]; s != nil && count > s.n {
				seen[s.first] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("dedupe %s key %s: %w", errtext.Quote(chunk[0].Kind), errtext.Quote(chunk[0].Key), err)
		}
	}
	return seen, nil
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
		return DedupeRow{}, fmt.Errorf("dedupe %s key %s %w", errtext.Quote(kind), errtext.Quote(key), ErrNotFound)
	case err != nil:
		return DedupeRow{}, fmt.Errorf("dedupe %s key %s: %w", errtext.Quote(kind), errtext.Quote(key), err)
	}
	return r, nil
}

// PruneDedupe forgets keys last seen before cutoff and reports how many.
// Without pruning the table grows with every message.
func (s *Store) PruneDedupe(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := s.pruneBefore(ctx, `DELETE FROM dedupe WHERE last_seen < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("dedupe prune: %w", err)
	}
	return n, nil
}

// pruneBefore runs query, a DELETE taking cutoff as its one argument, in a
// transaction and reports how many rows it removed.
func (s *Store) pruneBefore(ctx context.Context, query string, cutoff time.Time) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(query, s.d.timeArg(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
