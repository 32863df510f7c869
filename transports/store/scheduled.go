package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Scheduled messages wait in a table of their own for their due time, not
// in a handler: a handler that waited would keep its subscription's
// transaction open, which on PostgreSQL hides every message published after
// it from every subscriber. Whoever releases them (ReleaseDue) publishes
// them to their topic and deletes them in one short transaction.

// scheduledKey is the wake-up signal of scheduled messages; no topic can
// have this name.
const scheduledKey = "\x00scheduled"

// Schedule keeps msg in this transaction, to be published to topic by the
// first ReleaseDue at or after due.
func (t *Tx) Schedule(topic string, due time.Time, msg *message.Message) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := validateTopic(topic); err != nil {
		return err
	}
	switch {
	case msg.UUID == "":
		return fmt.Errorf("message uuid %w", ErrEmpty)
	case len(msg.UUID) > maxKeyBytes:
		return fmt.Errorf("message uuid %s: at most %d bytes expected: %w", errtext.Quote(msg.UUID), maxKeyBytes, ErrTooLarge)
	}
	meta, err := json.Marshal(msg.Metadata)
	if err != nil {
		return fmt.Errorf("scheduled message %s metadata: %w", errtext.Quote(msg.UUID), err)
	}
	if size := len(msg.Payload) + len(meta); size > t.s.cfg.MaxBytes {
		return fmt.Errorf("scheduled message %s of %d bytes with metadata: at most %d expected: %w", errtext.Quote(msg.UUID), size, t.s.cfg.MaxBytes, ErrTooLarge)
	}
	payload := msg.Payload
	if payload == nil {
		payload = []byte{} // NOT NULL
	}
	if err := t.later(`INSERT INTO scheduled (topic, uuid, payload, metadata, due_at) VALUES (?, ?, ?, ?, ?)`,
		topic, msg.UUID, payload, string(meta), t.s.d.timeArg(due)); err != nil {
		return fmt.Errorf("schedule message %s: %w", errtext.Quote(msg.UUID), err)
	}
	t.topic[scheduledKey] = false // wakes WatchScheduled after the commit
	return nil
}

// WatchScheduled returns a channel closed by the next commit through a
// Store on this database in this process that schedules a message. Taken
// before ReleaseDue, no such commit slips between the two.
func (s *Store) WatchScheduled() <-chan struct{} { return s.sh.watch(scheduledKey) }

// ReleaseDue publishes up to limit scheduled messages due at now, oldest due
// first, to their topics and deletes them, in one transaction. It returns
// how many it published and the due time of the earliest message left (zero
// when none is). On PostgreSQL rows another instance is releasing are
// skipped, not waited for.
func (s *Store) ReleaseDue(ctx context.Context, now time.Time, limit int) (n int, next time.Time, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		n, next = 0, time.Time{}
		due, err := tx.dueMessages(now, limit)
		if err != nil {
			return err
		}
		for _, d := range due {
			if err := tx.Publish(d.topic, d.msg); err != nil {
				return err
			}
			if _, err := tx.exec(`DELETE FROM scheduled WHERE id = ?`, d.id); err != nil {
				return fmt.Errorf("scheduled message %s: %w", errtext.Quote(d.msg.UUID), err)
			}
		}
		n = len(due)
		next, err = tx.nextDue()
		return err
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("release scheduled messages: %w", err)
	}
	return n, next, nil
}

// dueMessage is a scheduled message read by dueMessages.
type dueMessage struct {
	id    int64
	topic string
	msg   *message.Message
}

// dueMessages reads up to limit messages due at now, locking them on
// PostgreSQL.
func (t *Tx) dueMessages(now time.Time, limit int) ([]dueMessage, error) {
	q := `SELECT id, topic, uuid, payload, metadata FROM scheduled WHERE due_at <= ? ORDER BY due_at, id LIMIT ?`
	if t.s.d.dollar {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	var out []dueMessage
	err := t.eachRow(q, []any{t.s.d.timeArg(now), limit}, func(r row) error {
		var d dueMessage
		var uuid, meta string
		var payload []byte
		if err := r.Scan(&d.id, &d.topic, &uuid, &payload, &meta); err != nil {
			return err
		}
		d.msg = message.NewMessage(uuid, payload)
		if err := json.Unmarshal([]byte(meta), &d.msg.Metadata); err != nil {
			return fmt.Errorf("scheduled message %s metadata: %w", errtext.Quote(uuid), err)
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scheduled messages: %w", err)
	}
	return out, nil
}

// nextDue is the due time of the earliest scheduled message; zero if none.
func (t *Tx) nextDue() (time.Time, error) {
	var next time.Time
	if err := t.queryRow(`SELECT min(due_at) FROM scheduled`).Scan(scanTime{&next}); err != nil {
		return time.Time{}, fmt.Errorf("next scheduled message: %w", err)
	}
	return next, nil
}

// Scheduled counts the messages waiting to be published.
func (s *Store) Scheduled(ctx context.Context) (int, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM scheduled`).Scan(&n); err != nil {
		return 0, fmt.Errorf("scheduled messages: %w", err)
	}
	return n, nil
}
