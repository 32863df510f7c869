package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// A delivery's failed attempts are recorded one by one, so the monitor can
// show what a message went through before it was delivered or became a
// dead letter. A delivery that succeeds at once writes nothing here.

// Attempt is one failed attempt to deliver an outbound message.
type Attempt struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// maxAttemptReason bounds the reason kept of an attempt.
const maxAttemptReason = 500

// maxAttemptsShown bounds the attempts read per message.
const maxAttemptsShown = 50

// AddDeliveryFailure records that delivering the outbound message uuid to
// endpoint failed at with reason (cut to 500 bytes).
func (s *Store) AddDeliveryFailure(ctx context.Context, uuid, endpoint string, at time.Time, reason string) error {
	reason = errtext.Clip(reason, maxAttemptReason)
	if !utf8.ValidString(reason) {
		reason = strings.ToValidUTF8(reason, "?")
	}
	return s.rawTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO delivery_failures (uuid, endpoint, at, reason) VALUES (?, ?, ?, ?)`),
			uuid, endpoint, s.d.timeArg(at), reason)
		return err
	})
}

// DeliveryFailures returns the failed attempts of each outbound message of
// uuids that has any, oldest first, at most 50 each.
func (s *Store) DeliveryFailures(ctx context.Context, uuids []string) (map[string][]Attempt, error) {
	out := map[string][]Attempt{}
	if len(uuids) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(uuids)), ", ")
	args := make([]any, len(uuids))
	for i, u := range uuids {
		args[i] = u
	}
	rows, err := s.reader.QueryContext(ctx, s.d.q(`SELECT uuid, at, reason FROM delivery_failures WHERE uuid IN (`+marks+`) ORDER BY uuid, at`), args...)
	if err != nil {
		return nil, fmt.Errorf("delivery failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uuid string
		var a Attempt
		if err := rows.Scan(&uuid, scanTime{&a.At}, &a.Reason); err != nil {
			return nil, fmt.Errorf("delivery failures: %w", err)
		}
		if len(out[uuid]) < maxAttemptsShown {
			out[uuid] = append(out[uuid], a)
		}
	}
	return out, rows.Err()
}
