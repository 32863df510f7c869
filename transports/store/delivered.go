package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// A delivery is marked done as soon as its effect is (a file named, an
// upload renamed, a POST answered), in a short transaction of its own, not
// with the acknowledgement of the batch it came in. A crash or a hang
// between the effect and the batch's acknowledgement then delivers that
// batch again, and each message already marked is skipped. Marks are only
// needed until the acknowledgement is written; PruneDelivered forgets old
// ones.

// maxMarksPerStatement bounds the rows of one INSERT of marks, under
// SQLite's limit of bound parameters.
const maxMarksPerStatement = 300

// MarkDelivered records that the outbound messages uuids were delivered to
// endpoint at at. Marking a message twice is no error. The commit does not
// wait for PostgreSQL's log to reach the disk (see InTxReplayable): a mark
// lost with a server crash delivers its message once more; it never loses
// one.
func (s *Store) MarkDelivered(ctx context.Context, endpoint string, at time.Time, uuids ...string) error {
	if len(uuids) == 0 {
		return nil
	}
	if err := checkKey("endpoint", endpoint); err != nil {
		return err
	}
	for _, u := range uuids {
		if err := checkKey("message uuid", u); err != nil {
			return err
		}
	}
	return s.InTxReplayable(ctx, func(tx *Tx) error {
		for rest := uuids; len(rest) > 0; {
			n := min(len(rest), maxMarksPerStatement)
			args := make([]any, 0, 3*n)
			for _, u := range rest[:n] {
				args = append(args, endpoint, u, s.d.timeArg(at))
			}
			values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", n), ", ")
			if _, err := tx.exec(`INSERT INTO delivered (endpoint, uuid, at) VALUES `+values+` ON CONFLICT (endpoint, uuid) DO NOTHING`, args...); err != nil {
				return fmt.Errorf("mark delivered to %s: %w", errtext.Quote(endpoint), err)
			}
			rest = rest[n:]
		}
		return nil
	})
}

// IsDelivered reports whether the outbound message uuid is marked delivered
// to endpoint.
func (s *Store) IsDelivered(ctx context.Context, endpoint, uuid string) (bool, error) {
	// Asked once per message and endpoint: prepared once on SQLite.
	q := s.d.q(`SELECT 1 FROM delivered WHERE endpoint = ? AND uuid = ?`)
	var row *sql.Row
	if st := s.rstmts.get(q); st != nil {
		row = st.QueryRowContext(ctx, endpoint, uuid)
	} else {
		s.rstmts.prepare(ctx, []string{q})
		row = s.reader.QueryRowContext(ctx, q, endpoint, uuid)
	}
	var one int
	err := row.Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("delivered to %s: %w", errtext.Quote(endpoint), err)
	}
	return true, nil
}

// DeliveredAhead looks ahead in d's topic: for each of the next messages
// its group has not acknowledged (in publish order, as many as a
// subscription reads at once), whether it is marked delivered to
// endpoint, keyed by uuid. One query answers for a batch what IsDelivered
// answers for one message; a message not among them is asked with
// IsDelivered.
func (s *Store) DeliveredAhead(ctx context.Context, endpoint string, d Delivery) (map[string]bool, error) {
	n := s.cfg.BatchSize
	if err := checkKey("endpoint", endpoint); err != nil {
		return nil, err
	}
	if err := validateTopic(d.Topic); err != nil {
		return nil, err
	}
	q := s.d.q(`SELECT m.uuid, EXISTS (SELECT 1 FROM delivered WHERE endpoint = ? AND uuid = m.uuid) FROM ` +
		MessagesTable(d.Topic) + ` m WHERE m."offset" > COALESCE((SELECT offset_acked FROM ` + OffsetsTable(d.Topic) +
		` WHERE consumer_group = ?), 0) ORDER BY m."offset" LIMIT ` + strconv.Itoa(n))
	st := s.rstmts.get(q)
	if st == nil {
		s.rstmts.prepare(ctx, []string{q})
	}
	var rows *sql.Rows
	var err error
	if st != nil {
		rows, err = st.QueryContext(ctx, endpoint, d.Group)
	} else {
		rows, err = s.reader.QueryContext(ctx, q, endpoint, d.Group)
	}
	if err != nil {
		return nil, fmt.Errorf("delivered to %s: %w", errtext.Quote(endpoint), err)
	}
	defer rows.Close()
	ahead := make(map[string]bool, n)
	for rows.Next() {
		var uuid string
		var marked bool
		if err := rows.Scan(&uuid, &marked); err != nil {
			return nil, fmt.Errorf("delivered to %s: %w", errtext.Quote(endpoint), err)
		}
		ahead[uuid] = marked
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("delivered to %s: %w", errtext.Quote(endpoint), err)
	}
	return ahead, nil
}

// PruneDelivered forgets the marks of deliveries done before cutoff and
// reports how many.
func (s *Store) PruneDelivered(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := s.pruneBefore(ctx, `DELETE FROM delivered WHERE at < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune delivery marks: %w", err)
	}
	return n, nil
}
