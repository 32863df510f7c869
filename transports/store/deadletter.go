package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// DeadLetter is a message that failed for good at some stage, kept with its
// original bytes so it can be replayed after a fix. Secrets (PINs, TCTs)
// must be masked by the caller before the payload and metadata get here.
type DeadLetter struct {
	// ID identifies the dead letter, normally the failed message's UUID.
	ID string `json:"id"`
	// Stage is the pipeline step that failed: decode, ledger, encode, ...
	Stage string `json:"stage"`
	// Profile is the mapping profile involved, if any.
	Profile string `json:"profile"`
	// Endpoint is the inbound or outbound endpoint involved, if any.
	Endpoint string `json:"endpoint"`
	// ReleaseKey is the key of the release the failed event belongs to,
	// for dead letters of the ledger and encode stages; empty otherwise.
	ReleaseKey string `json:"releaseKey,omitempty"`
	// Reason is the error, as the user sees it.
	Reason string `json:"reason"`
	// Payload is the message as received, byte for byte.
	Payload []byte `json:"payload"`
	// Metadata is the message's metadata.
	Metadata map[string]string `json:"metadata"`
	// CreatedAt is when it failed; zero means now.
	CreatedAt time.Time `json:"createdAt"`
	// ReplayedAt is when it was last put back, nil while pending.
	ReplayedAt *time.Time `json:"replayedAt,omitempty"`
	// DiscardedAt is when an operator gave it up; it is kept, no longer
	// pending. A discarded dead letter whose message fails again under
	// the same id stays discarded.
	DiscardedAt *time.Time `json:"discardedAt,omitempty"`
	// DiscardReason is why it was given up, when the operator said so.
	DiscardReason string `json:"discardReason,omitempty"`
}

// AddDeadLetter records d. A pending dead letter whose ID is already
// recorded is left as it is, so a redelivered failure is kept once; one
// that was replayed and fails again is pending again, with d's reason.
func (t *Tx) AddDeadLetter(d DeadLetter) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkKey("dead letter id", d.ID); err != nil {
		return err
	}
	where := "dead letter " + errtext.Quote(d.ID)
	for _, f := range []struct{ name, v string }{
		{"stage", d.Stage}, {"profile", d.Profile}, {"endpoint", d.Endpoint}, {"release key", d.ReleaseKey},
	} {
		if err := checkShort(where+" "+f.name, f.v); err != nil {
			return err
		}
	}
	if len(d.Reason) > t.s.cfg.MaxBytes || len(d.Payload) > t.s.cfg.MaxBytes {
		return fmt.Errorf("%s of %d bytes: at most %d expected: %w", where, len(d.Reason)+len(d.Payload), t.s.cfg.MaxBytes, ErrTooLarge)
	}
	if err := checkText(where+" reason", d.Reason); err != nil {
		return err
	}
	if d.Metadata == nil {
		d.Metadata = map[string]string{}
	}
	meta, err := json.Marshal(d.Metadata)
	if err != nil {
		return fmt.Errorf("%s metadata: %w", where, err)
	}
	if err := t.s.checkJSON(where+" metadata", meta); err != nil {
		return err
	}
	created := d.CreatedAt
	if created.IsZero() {
		created = t.s.now()
	}
	payload := d.Payload
	if payload == nil {
		payload = []byte{}
	}
	err = t.later(`INSERT INTO deadletters (id, stage, profile, endpoint, release_key, reason, payload, metadata, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
stage = excluded.stage, profile = excluded.profile, endpoint = excluded.endpoint, release_key = excluded.release_key,
reason = excluded.reason, payload = excluded.payload, metadata = excluded.metadata, created_at = excluded.created_at,
replayed_at = NULL WHERE deadletters.replayed_at IS NOT NULL`,
		d.ID, d.Stage, d.Profile, d.Endpoint, d.ReleaseKey, d.Reason, payload, string(meta), t.s.d.timeArg(created))
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}

// MarkReplayed records that the dead letter id was put back now. The error
// wraps ErrNotFound when there is no such dead letter.
func (t *Tx) MarkReplayed(id string) error {
	return t.markDeadLetter(id, "dead letter", `UPDATE deadletters SET replayed_at = ? WHERE id = ?`)
}

// MarkDiscarded records that the pending dead letter id was given up now:
// the row is kept with its bytes, no longer pending and never replayed.
// The error wraps ErrNotFound when there is no such pending dead letter.
func (t *Tx) MarkDiscarded(id string) error { return t.Discard(id, "") }

// Discard is MarkDiscarded that keeps the reason the dead letter was given
// up for, text of at most 1024 bytes.
func (t *Tx) Discard(id, reason string) error {
	if err := checkShort("dead letter "+errtext.Quote(id)+" discard reason", reason); err != nil {
		return err
	}
	return t.markDeadLetter(id, "pending dead letter",
		`UPDATE deadletters SET discarded_at = ?, discard_reason = ? WHERE id = ? AND replayed_at IS NULL AND discarded_at IS NULL`, reason)
}

// markDeadLetter runs update, which sets a time (and the values of more,
// if any) on the dead letter id; what names the dead letters it may touch
// in the error of none.
func (t *Tx) markDeadLetter(id, what, update string, more ...any) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkKey("dead letter id", id); err != nil {
		return err
	}
	args := append(append([]any{t.s.d.timeArg(t.s.now())}, more...), id)
	res, err := t.exec(update, args...)
	if err != nil {
		return fmt.Errorf("dead letter %s: %w", errtext.Quote(id), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("dead letter %s: %w", errtext.Quote(id), err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s %w", what, errtext.Quote(id), ErrNotFound)
	}
	return nil
}

// DeadLetterFilter selects dead letters; empty fields match everything.
type DeadLetterFilter struct {
	ID       string
	Stage    string
	Profile  string
	Endpoint string
	// ReleaseKey keeps the dead letters of one release's events.
	ReleaseKey string
	// Pending keeps only dead letters neither replayed nor discarded.
	Pending bool
	// Limit is the page size, 1 to 1000; 0 means 100.
	Limit int
	// Offset skips that many dead letters.
	Offset int
}

// DeadLetters lists dead letters, oldest first.
func (s *Store) DeadLetters(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error) {
	limit, err := pageLimit(f.Limit, f.Offset)
	if err != nil {
		return nil, err
	}
	var (
		conds []string
		args  []any
	)
	for _, c := range []struct{ col, v string }{
		{"id", f.ID}, {"stage", f.Stage}, {"profile", f.Profile}, {"endpoint", f.Endpoint}, {"release_key", f.ReleaseKey},
	} {
		if c.v != "" {
			conds = append(conds, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if f.Pending {
		conds = append(conds, "replayed_at IS NULL AND discarded_at IS NULL")
	}
	q := `SELECT id, stage, profile, endpoint, release_key, reason, payload, metadata, created_at, replayed_at, discarded_at, discard_reason
FROM deadletters`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY created_at, id LIMIT ? OFFSET ?"
	args = append(args, limit, f.Offset)
	rows, err := s.reader.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("dead letters: %w", err)
	}
	defer rows.Close()
	var out []DeadLetter
	for rows.Next() {
		var (
			d    DeadLetter
			meta []byte
		)
		if err := rows.Scan(&d.ID, &d.Stage, &d.Profile, &d.Endpoint, &d.ReleaseKey, &d.Reason, &d.Payload, &meta,
			scanTime{&d.CreatedAt}, scanNullTime{&d.ReplayedAt}, scanNullTime{&d.DiscardedAt}, &d.DiscardReason); err != nil {
			return nil, fmt.Errorf("dead letters: %w", err)
		}
		if err := json.Unmarshal(meta, &d.Metadata); err != nil {
			return nil, fmt.Errorf("dead letter %s metadata %w", errtext.Quote(d.ID), ErrInvalidJSON)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dead letters: %w", err)
	}
	return out, nil
}

// DeadLettersOf lists the dead letters of the events of the release under
// key (those the ledger rejected, or that could not be encoded), oldest
// first, at most a page of the largest size.
func (s *Store) DeadLettersOf(ctx context.Context, key string) ([]DeadLetter, error) {
	if key == "" {
		return nil, nil
	}
	return s.DeadLetters(ctx, DeadLetterFilter{ReleaseKey: key, Limit: maxPage})
}

// maxPage bounds list pages.
const maxPage = 1000

// pageLimit checks a page request and applies the default size.
func pageLimit(limit, offset int) (int, error) {
	switch {
	case limit < 0 || limit > maxPage:
		return 0, fmt.Errorf("list limit %d: 0 to %d expected: %w", limit, maxPage, ErrBadFilter)
	case offset < 0:
		return 0, fmt.Errorf("list offset %d: 0 or more expected: %w", offset, ErrBadFilter)
	case limit == 0:
		return 100, nil
	}
	return limit, nil
}
