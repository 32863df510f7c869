package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// RawMessage is an inbound message as the monitor shows it: its bytes as
// received, with the value of every secret field masked by the caller.
type RawMessage struct {
	// Hash is the lower-case hex SHA-256 of Body: the message's content
	// hash when it carried no secret, else that of the masked copy.
	Hash string
	// Endpoint is the inbound endpoint it came through.
	Endpoint string
	// Name is the file name it came under, if any.
	Name string
	// ReceivedAt is when it was received; zero means now.
	ReceivedAt time.Time
	// Body is the message's bytes, secrets masked.
	Body []byte
}

// messageHashOf is the hash of the kept message of an event row: that of
// its masked copy when the message carried a secret, else its raw hash.
const messageHashOf = `CASE WHEN events.masked_hash <> '' THEN events.masked_hash ELSE events.raw_hash END`

// AddRawMessage keeps m unless a message with its hash is kept already,
// and reports whether it was kept: a message larger than the store's
// MaxBytes is not, and is no error, since the events it carried stand
// without it.
func (t *Tx) AddRawMessage(m RawMessage) (bool, error) {
	if err := t.check(); err != nil {
		return false, err
	}
	if m.Hash == "" || checkRawHash("", m.Hash) != nil {
		return false, fmt.Errorf("raw message %s hash %s: 64 lower-case hex digits expected: %w", errtext.Quote(m.Name), errtext.Quote(m.Hash), ErrInvalidHash)
	}
	for _, f := range []struct{ name, v string }{{"endpoint", m.Endpoint}, {"name", m.Name}} {
		if err := checkShort("raw message "+f.name, f.v); err != nil {
			return false, err
		}
	}
	if len(m.Body) > t.s.cfg.MaxBytes {
		return false, nil
	}
	received := m.ReceivedAt
	if received.IsZero() {
		received = t.s.now()
	}
	body := m.Body
	if body == nil {
		body = []byte{}
	}
	if err := t.later(`INSERT INTO raw_messages (content_hash, endpoint, name, received_at, body) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (content_hash) DO NOTHING`, m.Hash, m.Endpoint, m.Name, t.s.d.timeArg(received), body); err != nil {
		return false, fmt.Errorf("raw message %s: %w", errtext.Quote(m.Name), err)
	}
	return true, nil
}

// MessageOf returns the kept message the event id came in and the key of
// the release the event belongs to. The error wraps ErrNotFound when there
// is no such event, or its message was not kept.
func (s *Store) MessageOf(ctx context.Context, id string) (RawMessage, string, error) {
	var (
		m   RawMessage
		key string
	)
	err := s.reader.QueryRowContext(ctx, s.d.q(`SELECT m.content_hash, m.endpoint, m.name, m.received_at, m.body, events.release_key
FROM events JOIN raw_messages m ON m.content_hash = `+messageHashOf+` WHERE events.id = ?`), id).
		Scan(&m.Hash, &m.Endpoint, &m.Name, scanTime{&m.ReceivedAt}, &m.Body, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return RawMessage{}, "", fmt.Errorf("message of event %s %w", errtext.Quote(id), ErrNotFound)
	case err != nil:
		return RawMessage{}, "", fmt.Errorf("message of event %s: %w", errtext.Quote(id), err)
	}
	return m, key, nil
}
