package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// ReleaseRow is a release as the monitor lists it.
type ReleaseRow struct {
	Key       string          `json:"key"`
	Status    string          `json:"status"`
	Port      string          `json:"port"`
	Carrier   string          `json:"carrier"`
	Holder    string          `json:"holder"`
	Body      json.RawMessage `json:"body"`
	Version   int             `json:"version"`
	UpdatedAt time.Time       `json:"updatedAt"`
}

// ListFilter selects releases; empty fields match everything. The
// monitor's search page and API take the same fields.
type ListFilter struct {
	Port   string
	Status string
	// Query finds releases with a container, B/L, release number or AWB
	// that contains it, in any case.
	Query string
	// System is a port system (source pcs) the release came through.
	System string
	// Holder finds releases whose holder's name contains it, in any case.
	Holder string
	// Ready keeps releases ready for pick-up at Now.
	Ready bool
	// ExpiringWithin, when positive, keeps active releases whose validity
	// ends within that long after Now.
	ExpiringWithin time.Duration
	// Expired keeps active releases whose validity ended before Now.
	Expired bool
	// Now is the time Ready, ExpiringWithin and Expired are judged at;
	// zero means the store's clock.
	Now time.Time
	// Limit is the page size, 1 to 1000; 0 means 100.
	Limit int
	// Offset skips that many releases.
	Offset int
}

const releaseCols = `key, status, port, carrier, holder, body, version, updated_at`

func scanRelease(sc interface{ Scan(...any) error }) (ReleaseRow, error) {
	var r ReleaseRow
	var body []byte
	err := sc.Scan(&r.Key, &r.Status, &r.Port, &r.Carrier, &r.Holder, &body, &r.Version, scanTime{&r.UpdatedAt})
	r.Body = body
	return r, err
}

// where is the WHERE clause of f, with its arguments.
func (s *Store) where(f ListFilter) (string, []any) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.Port != "" {
		add("port = ?", f.Port)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add(`search LIKE ? ESCAPE '\'`, "%"+likeEscape(strings.ToUpper(q))+"%")
	}
	if f.System != "" {
		add(`systems LIKE ? ESCAPE '\'`, "% "+likeEscape(strings.ToLower(f.System))+" %")
	}
	if f.Holder != "" {
		add(`LOWER(holder) LIKE ? ESCAPE '\'`, "%"+likeEscape(strings.ToLower(f.Holder))+"%")
	}
	now := f.Now
	if now.IsZero() {
		now = s.now()
	}
	at := s.d.timeArg(now)
	const active = "status IN ('RELEASED', 'BLOCKED')"
	if f.Ready {
		add("collectable = ? AND (valid_from IS NULL OR valid_from <= ?) AND (valid_until IS NULL OR valid_until >= ?)", true, at, at)
	}
	if f.ExpiringWithin > 0 {
		add(active+" AND valid_until >= ? AND valid_until <= ?", at, s.d.timeArg(now.Add(f.ExpiringWithin)))
	}
	if f.Expired {
		add(active+" AND valid_until < ?", at)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListReleases lists the releases f selects, most recently updated first.
func (s *Store) ListReleases(ctx context.Context, f ListFilter) ([]ReleaseRow, error) {
	limit, err := pageLimit(f.Limit, f.Offset)
	if err != nil {
		return nil, err
	}
	cond, args := s.where(f)
	q := `SELECT ` + releaseCols + ` FROM releases` + cond + " ORDER BY updated_at DESC, key LIMIT ? OFFSET ?"
	args = append(args, limit, f.Offset)
	rows, err := s.reader.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	defer rows.Close()
	var out []ReleaseRow
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, fmt.Errorf("releases: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("releases: %w", err)
	}
	return out, nil
}

// Release returns one release; the error wraps ErrNotFound when there is
// none under key.
func (s *Store) Release(ctx context.Context, key string) (ReleaseRow, error) {
	r, err := scanRelease(s.reader.QueryRowContext(ctx, s.d.q(`SELECT `+releaseCols+` FROM releases WHERE key = ?`), key))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ReleaseRow{}, fmt.Errorf("release %s %w", errtext.Quote(key), ErrNotFound)
	case err != nil:
		return ReleaseRow{}, fmt.Errorf("release %s: %w", errtext.Quote(key), err)
	}
	return r, nil
}

// maxEvents bounds the history ReleaseEvents returns.
const maxEvents = 10000

// ReleaseEvents returns the recorded events of a release in sequence order
// (at most 10,000).
func (s *Store) ReleaseEvents(ctx context.Context, key string) ([]EventRow, error) {
	rows, err := s.reader.QueryContext(ctx, s.d.q(`SELECT id, release_key, seq, type, occurred_at, received_at, late, hash, body,
EXISTS (SELECT 1 FROM raw_messages m WHERE m.content_hash = `+messageHashOf+`)
FROM events WHERE release_key = ? ORDER BY seq, occurred_at, id LIMIT ?`), key, maxEvents)
	if err != nil {
		return nil, fmt.Errorf("release %s events: %w", errtext.Quote(key), err)
	}
	defer rows.Close()
	var out []EventRow
	for rows.Next() {
		var (
			e    EventRow
			body []byte
		)
		if err := rows.Scan(&e.ID, &e.ReleaseKey, &e.Seq, &e.Type, scanTime{&e.OccurredAt}, scanTime{&e.ReceivedAt},
			&e.Late, &e.Hash, &body, &e.MessageKept); err != nil {
			return nil, fmt.Errorf("release %s events: %w", errtext.Quote(key), err)
		}
		e.Body = body
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("release %s events: %w", errtext.Quote(key), err)
	}
	return out, nil
}

// Counts summarises the ledger for the monitor.
type Counts struct {
	Releases           int64            `json:"releases"`
	ReleasesByStatus   map[string]int64 `json:"releasesByStatus"`
	Events             int64            `json:"events"`
	LateEvents         int64            `json:"lateEvents"`
	DeadLetters        int64            `json:"deadLetters"`
	DeadLettersPending int64            `json:"deadLettersPending"`
	DedupeKeys         int64            `json:"dedupeKeys"`
	Duplicates         int64            `json:"duplicates"`
}

// Counts counts releases (in total and by status), events, dead letters and
// recognised duplicates.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c := Counts{ReleasesByStatus: map[string]int64{}}
	rows, err := s.reader.QueryContext(ctx, `SELECT status, COUNT(*) FROM releases GROUP BY status`)
	if err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			status string
			n      int64
		)
		if err := rows.Scan(&status, &n); err != nil {
			return Counts{}, fmt.Errorf("counts: %w", err)
		}
		c.ReleasesByStatus[status] = n
		c.Releases += n
	}
	if err := rows.Err(); err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
	}
	singles := []struct {
		q    string
		dest []any
	}{
		{`SELECT COUNT(*), COALESCE(SUM(CASE WHEN late THEN 1 ELSE 0 END), 0) FROM events`, []any{&c.Events, &c.LateEvents}},
		{`SELECT COUNT(*), COALESCE(SUM(CASE WHEN replayed_at IS NULL AND discarded_at IS NULL THEN 1 ELSE 0 END), 0) FROM deadletters`, []any{&c.DeadLetters, &c.DeadLettersPending}},
		{`SELECT COUNT(*), CAST(COALESCE(SUM(count - 1), 0) AS BIGINT) FROM dedupe`, []any{&c.DedupeKeys, &c.Duplicates}},
	}
	for _, q := range singles {
		if err := s.reader.QueryRowContext(ctx, q.q).Scan(q.dest...); err != nil {
			return Counts{}, fmt.Errorf("counts: %w", err)
		}
	}
	return c, nil
}
