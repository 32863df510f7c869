package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Outcomes of HourCount.
const (
	OutcomeReceived  = "received"
	OutcomeRejected  = "rejected"
	OutcomeDelivered = "delivered"
	OutcomeFailed    = "failed"
)

// HourCount is how many messages of one system had one outcome in one hour.
type HourCount struct {
	// Hour is the start of the hour, in UTC.
	Hour time.Time `json:"hour"`
	// System is the port community system, as profile names begin
	// (portbase, cpu...); empty when nothing names it.
	System  string `json:"system"`
	Outcome string `json:"outcome"`
	Count   int64  `json:"count"`
}

// Delivery names an outbound topic and the consumer group that delivers it.
type Delivery struct {
	Topic, Group string
}

// HourlyCounts counts what happened since since, per hour, system and
// outcome, with one grouped query per kind:
//   - received: events recorded, by the time they were received and the
//     system they came from;
//   - rejected and failed: dead letters by the time they were made and the
//     system of their profile, or their endpoint's name when they have
//     none (a message whose profile is detected and that could not be
//     read); those of a delivery stage ("deliver_...") failed, the others
//     were rejected;
//   - delivered: messages of each topic of deliveries its group has
//     acknowledged, by the time they were published and the system of
//     the profile they were rendered in (metadata key targetKey).
//
// The result is ordered by hour, system and outcome.
func (s *Store) HourlyCounts(ctx context.Context, since time.Time, targetKey string, deliveries []Delivery) ([]HourCount, error) {
	sum := map[HourCount]int64{}
	add := func(outcome string) func(groupRow) error {
		return func(r groupRow) error {
			t, err := time.Parse("2006-01-02T15", r.hour)
			if err != nil {
				return fmt.Errorf("hour %s: %w", errtext.Quote(r.hour), err)
			}
			sys, _, _ := strings.Cut(r.profile, "/")
			sum[HourCount{Hour: t, System: sys, Outcome: outcome}] += r.n
			return nil
		}
	}
	err := s.groupCount(ctx, `SELECT `+s.hourOf("received_at", false)+`, `+s.jsonField("body", "source", "pcs")+`, false, COUNT(*)
FROM events WHERE received_at >= ? GROUP BY 1, 2`, add(OutcomeReceived), s.d.timeArg(since))
	if err != nil {
		return nil, fmt.Errorf("hourly counts of events: %w", err)
	}
	rejected, failed := add(OutcomeRejected), add(OutcomeFailed)
	err = s.groupCount(ctx, `SELECT `+s.hourOf("created_at", false)+`, CASE WHEN profile = '' THEN endpoint ELSE profile END, stage LIKE 'deliver%', COUNT(*)
FROM deadletters WHERE created_at >= ? GROUP BY 1, 2, 3`, func(r groupRow) error {
		if r.deliver {
			return failed(r)
		}
		return rejected(r)
	}, s.d.timeArg(since))
	if err != nil {
		return nil, fmt.Errorf("hourly counts of dead letters: %w", err)
	}
	for _, d := range deliveries {
		if err := s.hourlyDelivered(ctx, since, targetKey, d, add(OutcomeDelivered)); err != nil {
			return nil, fmt.Errorf("hourly counts of topic %s: %w", errtext.Quote(d.Topic), err)
		}
	}
	out := make([]HourCount, 0, len(sum))
	for k, n := range sum {
		k.Count = n
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b HourCount) int {
		return cmp.Or(a.Hour.Compare(b.Hour), cmp.Compare(a.System, b.System), cmp.Compare(a.Outcome, b.Outcome))
	})
	return out, nil
}

// hourlyDelivered counts the messages of d's topic that its group has
// acknowledged, by hour and target profile.
func (s *Store) hourlyDelivered(ctx context.Context, since time.Time, targetKey string, d Delivery, add func(groupRow) error) error {
	if err := s.initTopic(ctx, d.Topic); err != nil {
		return err
	}
	return s.groupCount(ctx, `SELECT `+s.hourOf("created_at", true)+`, `+s.jsonField("metadata", targetKey)+`, false, COUNT(*)
FROM `+MessagesTable(d.Topic)+` WHERE created_at >= ? AND "offset" <= COALESCE(
(SELECT offset_acked FROM `+OffsetsTable(d.Topic)+` WHERE consumer_group = ?), 0) GROUP BY 1, 2`,
		add, s.d.timeArg(since), d.Group)
}

// groupRow is a row of the grouped queries of HourlyCounts: an hour, a
// profile (or system), whether the stage delivers, and a count.
type groupRow struct {
	hour, profile string
	deliver       bool
	n             int64
}

// groupCount runs query, whose rows are groupRows, and passes each to add.
func (s *Store) groupCount(ctx context.Context, query string, add func(groupRow) error, args ...any) error {
	rows, err := s.reader.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r       groupRow
			profile *string
		)
		if err := rows.Scan(&r.hour, &profile, &r.deliver, &r.n); err != nil {
			return err
		}
		if profile != nil {
			r.profile = *profile
		}
		if err := add(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// hourOf is the SQL of the hour of a time column: "2006-01-02T15", UTC.
// A naive column (PostgreSQL's TIMESTAMP of Watermill's tables) holds the
// server's time as it is.
func (s *Store) hourOf(col string, naive bool) string {
	switch {
	case s.d.dollar && naive:
		return `to_char(` + col + `, 'YYYY-MM-DD"T"HH24')`
	case s.d.dollar:
		return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')`
	}
	return `substr(` + col + `, 1, 13)`
}

// jsonField is the SQL of a text field of a JSON column, path naming its
// keys from the top; path parts are constants of the code, never input.
func (s *Store) jsonField(col string, path ...string) string {
	if s.d.dollar {
		out := col
		for i, p := range path {
			op := "->"
			if i == len(path)-1 {
				op = "->>"
			}
			out += op + "'" + p + "'"
		}
		return out
	}
	return `json_extract(` + col + `, '$.` + strings.Join(path, ".") + `')`
}

// Backlog counts the messages of d's topic its group has not acknowledged
// yet: what waits to be delivered.
func (s *Store) Backlog(ctx context.Context, d Delivery) (int64, error) {
	if err := s.initTopic(ctx, d.Topic); err != nil {
		return 0, err
	}
	var n int64
	err := s.reader.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM `+MessagesTable(d.Topic)+` WHERE "offset" > COALESCE(
(SELECT offset_acked FROM `+OffsetsTable(d.Topic)+` WHERE consumer_group = ?), 0)`), d.Group).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("backlog of topic %s: %w", errtext.Quote(d.Topic), err)
	}
	return n, nil
}

// Ping reports whether the store answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.reader.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// ExistingTopics returns those of topics whose tables exist in the store,
// in the order given: the topics some instance has used, whether or not
// this one subscribes to them.
func (s *Store) ExistingTopics(ctx context.Context, topics []string) ([]string, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	names := make([]any, len(topics))
	for i, topic := range topics {
		if err := validateTopic(topic); err != nil {
			return nil, err
		}
		names[i] = messagesTableName(topic)
	}
	query := fmt.Sprintf(s.d.tablesAmong, strings.TrimSuffix(strings.Repeat("?, ", len(topics)), ", "))
	rows, err := s.reader.QueryContext(ctx, s.d.q(query), names...)
	if err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("topics: %w", err)
		}
		found[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	var out []string
	for i, topic := range topics {
		if found[names[i].(string)] {
			out = append(out, topic)
		}
	}
	return out, nil
}
