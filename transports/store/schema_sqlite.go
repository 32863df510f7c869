package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// SQLiteSchema is the watermill-sql SchemaAdapter for SQLite: one STRICT
// table per topic whose INTEGER PRIMARY KEY AUTOINCREMENT column is the
// offset.
//
// SQLite runs one write transaction at a time, so offsets become visible in
// the order they were assigned, and a reader that has seen offset n has seen
// every offset below it. That is why, unlike the PostgreSQL adapter, no
// transaction ids are needed to keep readers from skipping a message that
// commits late.
//
// The adapter is written for the Store's subscriptions, which read outside
// a transaction and funnel the offset writes through the single writer
// connection (see the package documentation). Used with a plain *sql.DB it
// still produces correct SQL, but a subscriber transaction held open across
// a handler would fail with SQLITE_BUSY as soon as anyone else writes.
type SQLiteSchema struct {
	// BatchSize is how many messages SelectQuery returns at most. Default 100.
	BatchSize int
}

// SchemaInitializingQueries creates the topic's message table.
func (s SQLiteSchema) SchemaInitializingQueries(p wsql.SchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return []wsql.Query{{Query: `CREATE TABLE IF NOT EXISTS ` + MessagesTable(p.Topic) + ` (
	"offset" INTEGER PRIMARY KEY AUTOINCREMENT,
	uuid TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	payload BLOB NOT NULL,
	metadata TEXT NOT NULL
) STRICT`}}, nil
}

// InsertQuery inserts all messages with one statement; their offsets follow
// the order of the slice.
func (s SQLiteSchema) InsertQuery(p wsql.InsertQueryParams) (wsql.Query, error) {
	if len(p.Msgs) == 0 {
		return wsql.Query{}, fmt.Errorf("topic %s: no messages to insert: %w", errtext.Quote(p.Topic), ErrEmpty)
	}
	args := make([]any, 0, 3*len(p.Msgs))
	var meta []byte
	for _, m := range p.Msgs {
		meta = appendMetadata(meta[:0], m.Metadata)
		payload := []byte(m.Payload)
		if payload == nil {
			payload = []byte{}
		}
		args = append(args, m.UUID, payload, string(meta))
	}
	q := `INSERT INTO ` + MessagesTable(p.Topic) + ` (uuid, payload, metadata) VALUES ` +
		strings.TrimSuffix(strings.Repeat(`(?,?,?),`, len(p.Msgs)), ",")
	return wsql.Query{Query: q, Args: args}, nil
}

// SelectQuery returns the next batch after the consumer group's acked offset.
func (s SQLiteSchema) SelectQuery(p wsql.SelectQueryParams) (wsql.Query, error) {
	next, err := p.OffsetsAdapter.NextOffsetQuery(wsql.NextOffsetQueryParams{
		Topic:         p.Topic,
		ConsumerGroup: p.ConsumerGroup,
	})
	if err != nil {
		return wsql.Query{}, err
	}
	batch := s.BatchSize
	if batch <= 0 {
		batch = defaultBatchSize
	}
	q := `SELECT "offset", uuid, payload, metadata FROM ` + MessagesTable(p.Topic) +
		` WHERE "offset" > (` + next.Query + `) ORDER BY "offset" LIMIT ` + strconv.Itoa(batch)
	return wsql.Query{Query: q, Args: next.Args}, nil
}

// UnmarshalMessage turns a row of SelectQuery into a message.
func (s SQLiteSchema) UnmarshalMessage(p wsql.UnmarshalMessageParams) (wsql.Row, error) {
	var r wsql.Row
	if err := p.Row.Scan(&r.Offset, &r.UUID, &r.Payload, &r.Metadata); err != nil {
		return wsql.Row{}, fmt.Errorf("message row: %w", err)
	}
	msg := message.NewMessage(string(r.UUID), r.Payload)
	if len(r.Metadata) > 0 && !parseMetadata(r.Metadata, msg.Metadata) {
		clear(msg.Metadata)
		if err := json.Unmarshal(r.Metadata, &msg.Metadata); err != nil {
			return wsql.Row{}, fmt.Errorf("message %s at offset %d metadata: %w", errtext.Quote(string(r.UUID)), r.Offset, ErrInvalidJSON)
		}
	}
	r.Msg = msg
	return r, nil
}

// SubscribeIsolationLevel is unused by the Store, whose subscriptions read
// outside a transaction; it reports the default for other callers.
func (s SQLiteSchema) SubscribeIsolationLevel() sql.IsolationLevel { return sql.LevelDefault }

// SQLiteOffsets is the watermill-sql OffsetsAdapter for SQLite: one table per
// topic holding the last acked offset of each consumer group.
//
// SQLite has no SELECT ... FOR UPDATE. Within one Store, subscriptions of the
// same consumer group and topic take turns through an in-process lock held
// from the read of a batch until its ack is written, which gives each
// message to one member of the group, in order.
type SQLiteOffsets struct{}

// SchemaInitializingQueries creates the topic's offsets table.
func (SQLiteOffsets) SchemaInitializingQueries(p wsql.OffsetsSchemaInitializingQueriesParams) ([]wsql.Query, error) {
	return []wsql.Query{{Query: `CREATE TABLE IF NOT EXISTS ` + OffsetsTable(p.Topic) + ` (
	consumer_group TEXT PRIMARY KEY,
	offset_acked INTEGER NOT NULL
) STRICT, WITHOUT ROWID`}}, nil
}

// NextOffsetQuery returns the group's acked offset, 0 for a new group: a new
// consumer group reads the topic from its start.
func (SQLiteOffsets) NextOffsetQuery(p wsql.NextOffsetQueryParams) (wsql.Query, error) {
	return wsql.Query{
		Query: `SELECT COALESCE((SELECT offset_acked FROM ` + OffsetsTable(p.Topic) + ` WHERE consumer_group = ?), 0)`,
		Args:  []any{p.ConsumerGroup},
	}, nil
}

// AckMessageQuery moves the group's offset forward, never back.
func (SQLiteOffsets) AckMessageQuery(p wsql.AckMessageQueryParams) (wsql.Query, error) {
	t := OffsetsTable(p.Topic)
	return wsql.Query{
		Query: `INSERT INTO ` + t + ` (consumer_group, offset_acked) VALUES (?, ?)
ON CONFLICT (consumer_group) DO UPDATE SET offset_acked = excluded.offset_acked
WHERE excluded.offset_acked > ` + t + `.offset_acked`,
		Args: []any{p.ConsumerGroup, p.LastRow.Offset},
	}, nil
}

// ConsumedMessageQuery is not needed: members of a group take turns through
// the Store's lock rather than through row locks.
func (SQLiteOffsets) ConsumedMessageQuery(wsql.ConsumedMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{}, nil
}

// BeforeSubscribingQueries is empty: a missing offsets row means offset 0.
func (SQLiteOffsets) BeforeSubscribingQueries(wsql.BeforeSubscribingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}

// Interface guards.
var (
	_ wsql.SchemaAdapter  = SQLiteSchema{}
	_ wsql.OffsetsAdapter = SQLiteOffsets{}
)
