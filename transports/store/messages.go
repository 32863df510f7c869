package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Kinds of MessageRow.
const (
	KindEvent      = "event"
	KindOutbound   = "outbound"
	KindDeadLetter = "deadletter"
)

// MaxMessagesBack bounds the offset of Messages: each kind is read up to
// offset + limit rows, newest first, so a deep page costs that many.
const MaxMessagesBack = 5000

// MessageQuery says which messages Messages lists.
type MessageQuery struct {
	// Events lists the events received, DeadLetters the dead letters;
	// when Endpoint is set, only those of that endpoint.
	Events, DeadLetters bool
	Endpoint            string
	// Deliveries are the outbound topics whose messages to list, each
	// with the group that delivers it.
	Deliveries []Delivery
	// Limit is the page size (default 100, at most 1000); Offset counts
	// rows from the newest, at most 5000 back.
	Limit, Offset int
}

// MessageRow is one message the gateway handled: an event it received,
// a message it rendered for an outbound endpoint, or a dead letter.
type MessageRow struct {
	// Kind is KindEvent, KindOutbound or KindDeadLetter.
	Kind string `json:"kind"`
	// At is when it was received, published or failed.
	At time.Time `json:"at"`
	// ID is the event id, the outbound message's id or the dead letter id.
	ID string `json:"id"`
	// EventID is the event an outbound message renders.
	EventID string `json:"eventId,omitempty"`
	// Topic is the outbound topic of an outbound message.
	Topic string `json:"topic,omitempty"`
	// Profile is the source profile of an event, the target profile of
	// an outbound message, the profile of a dead letter.
	Profile string `json:"profile,omitempty"`
	// SourceProfile and SourceEndpoint are, for an outbound message, the
	// profile and endpoint of the event it renders, when known.
	SourceProfile  string `json:"sourceProfile,omitempty"`
	SourceEndpoint string `json:"sourceEndpoint,omitempty"`
	// Delivered is whether the outbound message's group acknowledged it.
	Delivered bool `json:"delivered,omitempty"`
	// Failures are an outbound message's failed delivery attempts, oldest
	// first.
	Failures []Attempt `json:"failures,omitempty"`
	// Endpoint is the endpoint an event came through (empty for events
	// recorded before pcsgate kept it) or a dead letter's.
	Endpoint string `json:"endpoint,omitempty"`
	// Stage and Reason are a dead letter's.
	Stage  string `json:"stage,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Replayed and Discarded say what became of a dead letter; neither
	// means it is pending.
	Replayed  bool `json:"replayed,omitempty"`
	Discarded bool `json:"discarded,omitempty"`
}

// Messages lists one page of the messages q names, newest first. Each
// kind is read with its own bounded query, newest first, and the kinds
// are merged; ties in time are ordered by kind and id.
func (s *Store) Messages(ctx context.Context, q MessageQuery) ([]MessageRow, error) {
	limit, err := pageLimit(q.Limit, q.Offset)
	if err != nil {
		return nil, err
	}
	if q.Offset > MaxMessagesBack {
		return nil, fmt.Errorf("message offset %d: at most %d expected: %w", q.Offset, MaxMessagesBack, ErrBadFilter)
	}
	n := q.Offset + limit
	var out []MessageRow
	if q.Events {
		if out, err = s.recentEvents(ctx, out, q.Endpoint, n); err != nil {
			return nil, fmt.Errorf("recent events: %w", err)
		}
	}
	for _, d := range q.Deliveries {
		if out, err = s.recentOutbound(ctx, out, d, n); err != nil {
			return nil, fmt.Errorf("recent messages of topic %s: %w", errtext.Quote(d.Topic), err)
		}
	}
	if q.DeadLetters {
		if out, err = s.recentDeadLetters(ctx, out, q.Endpoint, n); err != nil {
			return nil, fmt.Errorf("recent dead letters: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b MessageRow) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.Kind, b.Kind), cmp.Compare(b.ID, a.ID))
	})
	if q.Offset >= len(out) {
		return nil, nil
	}
	page := out[q.Offset:min(len(out), n)]
	return page, s.addFailures(ctx, page)
}

// addFailures sets the failed delivery attempts of the outbound messages
// of page.
func (s *Store) addFailures(ctx context.Context, page []MessageRow) error {
	var uuids []string
	for _, r := range page {
		if r.Kind == KindOutbound {
			uuids = append(uuids, r.ID)
		}
	}
	fails, err := s.DeliveryFailures(ctx, uuids)
	if err != nil {
		return err
	}
	for i := range page {
		page[i].Failures = fails[page[i].ID]
	}
	return nil
}

// recentEvents appends the n events received last, of endpoint if set.
func (s *Store) recentEvents(ctx context.Context, out []MessageRow, endpoint string, n int) ([]MessageRow, error) {
	query := `SELECT id, received_at, ` + s.jsonField("body", "source", "profile") + `, endpoint FROM events`
	var args []any
	if endpoint != "" {
		query += ` WHERE endpoint = ?`
		args = append(args, endpoint)
	}
	query += ` ORDER BY received_at DESC, id DESC LIMIT ?`
	rows, err := s.reader.QueryContext(ctx, s.d.q(query), append(args, n)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		r := MessageRow{Kind: KindEvent}
		var p *string
		if err := rows.Scan(&r.ID, scanTime{&r.At}, &p, &r.Endpoint); err != nil {
			return out, err
		}
		if p != nil {
			r.Profile = *p
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// recentOutbound appends the n messages published last to d's topic, with
// whether d's group acknowledged each and the profile of its event.
func (s *Store) recentOutbound(ctx context.Context, out []MessageRow, d Delivery, n int) ([]MessageRow, error) {
	if err := s.initTopic(ctx, d.Topic); err != nil {
		return out, err
	}
	eventID := s.jsonField("m.metadata", "pcsgate_event_id")
	rows, err := s.reader.QueryContext(ctx, s.d.q(`SELECT m.uuid, m.created_at, `+eventID+`, `+s.jsonField("m.metadata", "pcsgate_target_profile")+`,
m."offset" <= COALESCE((SELECT offset_acked FROM `+OffsetsTable(d.Topic)+` WHERE consumer_group = ?), 0),
`+s.jsonField("e.body", "source", "profile")+`, e.endpoint
FROM `+MessagesTable(d.Topic)+` m LEFT JOIN events e ON e.id = `+eventID+` ORDER BY m."offset" DESC LIMIT ?`), d.Group, n)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		r := MessageRow{Kind: KindOutbound, Topic: d.Topic}
		var ev, target, source, from *string
		if err := rows.Scan(&r.ID, scanTime{&r.At}, &ev, &target, &r.Delivered, &source, &from); err != nil {
			return out, err
		}
		r.EventID, r.Profile, r.SourceProfile, r.SourceEndpoint = deref(ev), deref(target), deref(source), deref(from)
		out = append(out, r)
	}
	return out, rows.Err()
}

// recentDeadLetters appends the n dead letters made last, of endpoint if
// set; their reasons, not their bytes.
func (s *Store) recentDeadLetters(ctx context.Context, out []MessageRow, endpoint string, n int) ([]MessageRow, error) {
	query := `SELECT id, created_at, stage, profile, endpoint, reason, replayed_at IS NOT NULL, discarded_at IS NOT NULL FROM deadletters`
	var args []any
	if endpoint != "" {
		query += ` WHERE endpoint = ?`
		args = append(args, endpoint)
	}
	query += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	rows, err := s.reader.QueryContext(ctx, s.d.q(query), append(args, n)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		r := MessageRow{Kind: KindDeadLetter}
		if err := rows.Scan(&r.ID, scanTime{&r.At}, &r.Stage, &r.Profile, &r.Endpoint, &r.Reason, &r.Replayed, &r.Discarded); err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
