package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ChainFilter selects the releases Chains reads, in key order.
type ChainFilter struct {
	// After continues a listing: only releases with a key greater than
	// After. Empty starts at the first.
	After string
	// Key selects one release; empty for all.
	Key string
	// UpdatedSince selects releases changed at or after it; zero for all.
	UpdatedSince time.Time
	// Limit is the page size, 1 to 1000; 0 means 100.
	Limit int
}

// Chain is a release as stored with its recorded events in seq order:
// what an audit checks the hash chain of.
type Chain struct {
	Key    string
	Body   json.RawMessage
	Events []EventRow
}

// Chains reads one page of releases with their events, for audits. Two
// queries in one read-only transaction, so a release and its events come
// from the same snapshot while the gateway goes on writing. The next page
// starts After the last key returned; fewer than Limit chains means the
// last page.
func (s *Store) Chains(ctx context.Context, f ChainFilter) ([]Chain, error) {
	limit, err := pageLimit(f.Limit, 0)
	if err != nil {
		return nil, err
	}
	where, args := chainWhere(s.d, f)
	args = append(args, limit)
	iso := sql.LevelDefault
	if s.d.dollar {
		iso = sql.LevelRepeatableRead // one snapshot for both queries
	}
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: iso})
	if err != nil {
		return nil, fmt.Errorf("chains: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	chains, at, err := readChainReleases(ctx, tx, s.d.q(`SELECT key, body FROM releases WHERE `+where+` ORDER BY key LIMIT ?`), args)
	if err != nil || len(chains) == 0 {
		return chains, err
	}
	q := `SELECT release_key, id, seq, type, occurred_at, received_at, late, hash, body, raw_hash FROM events
WHERE release_key IN (SELECT key FROM releases WHERE ` + where + ` ORDER BY key LIMIT ?) ORDER BY release_key, seq, id`
	if err := readChainEvents(ctx, tx, s.d.q(q), args, chains, at); err != nil {
		return nil, err
	}
	return chains, nil
}

// chainWhere is the condition and arguments selecting f's releases.
func chainWhere(d *dialect, f ChainFilter) (string, []any) {
	conds, args := []string{"key > ?"}, []any{f.After}
	if f.Key != "" {
		conds, args = append(conds, "key = ?"), append(args, f.Key)
	}
	if !f.UpdatedSince.IsZero() {
		conds, args = append(conds, "updated_at >= ?"), append(args, d.timeArg(f.UpdatedSince))
	}
	return strings.Join(conds, " AND "), args
}

// readChainReleases reads the releases of a page, and where each is in it.
func readChainReleases(ctx context.Context, tx *sql.Tx, q string, args []any) ([]Chain, map[string]int, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("chains: %w", err)
	}
	defer rows.Close()
	var chains []Chain
	at := map[string]int{}
	for rows.Next() {
		var (
			c    Chain
			body []byte
		)
		if err := rows.Scan(&c.Key, &body); err != nil {
			return nil, nil, fmt.Errorf("chains: %w", err)
		}
		c.Body = body
		at[c.Key] = len(chains)
		chains = append(chains, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("chains: %w", err)
	}
	return chains, at, nil
}

// readChainEvents adds the events of a page's releases to their chains.
func readChainEvents(ctx context.Context, tx *sql.Tx, q string, args []any, chains []Chain, at map[string]int) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("chain events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e    EventRow
			body []byte
		)
		if err := rows.Scan(&e.ReleaseKey, &e.ID, &e.Seq, &e.Type, scanTime{&e.OccurredAt}, scanTime{&e.ReceivedAt},
			&e.Late, &e.Hash, &body, &e.RawHash); err != nil {
			return fmt.Errorf("chain events: %w", err)
		}
		e.Body = body
		if i, ok := at[e.ReleaseKey]; ok {
			chains[i].Events = append(chains[i].Events, e)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("chain events: %w", err)
	}
	return nil
}

// Orphan is a release key that recorded events name but no stored release
// has.
type Orphan struct {
	Key    string
	Events int
}

// Orphans lists the release keys of recorded events whose release is not
// stored, in key order, at most limit (1 to 1000; 0 means 100). The
// gateway records an event and its release in one transaction, so such a
// key means a release was removed.
func (s *Store) Orphans(ctx context.Context, limit int) ([]Orphan, error) {
	limit, err := pageLimit(limit, 0)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, s.d.q(`SELECT release_key, COUNT(*) FROM events e
WHERE NOT EXISTS (SELECT 1 FROM releases r WHERE r.key = e.release_key)
GROUP BY release_key ORDER BY release_key LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("orphan events: %w", err)
	}
	defer rows.Close()
	var out []Orphan
	for rows.Next() {
		var o Orphan
		if err := rows.Scan(&o.Key, &o.Events); err != nil {
			return nil, fmt.Errorf("orphan events: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("orphan events: %w", err)
	}
	return out, nil
}
