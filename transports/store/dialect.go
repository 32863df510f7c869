package store

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// dialect holds what differs between the backends: the watermill-sql
// adapters, the migrations, placeholders and how times are stored. Every
// query of this package is written once, with ? placeholders.
type dialect struct {
	name       string
	dollar     bool // PostgreSQL numbers its placeholders: $1, $2, ...
	schema     wsql.SchemaAdapter
	offsets    wsql.OffsetsAdapter
	migrations []migration
	// tablesAmong selects, of the table names given as arguments in
	// place of %s, those that exist (in the search path, on PostgreSQL).
	tablesAmong string
}

func newSQLiteDialect(batchSize int) *dialect {
	return &dialect{
		name:        BackendSQLite,
		schema:      SQLiteSchema{BatchSize: batchSize},
		offsets:     SQLiteOffsets{},
		migrations:  sqliteMigrations,
		tablesAmong: `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (%s)`,
	}
}

func newPostgresDialect(batchSize int) *dialect {
	return &dialect{
		name:   BackendPostgres,
		dollar: true,
		schema: &wsql.DefaultPostgreSQLSchema{
			GenerateMessagesTableName: MessagesTable,
			// Payloads are raw EDIFACT, XML or flat files, not JSON.
			GeneratePayloadType: func(string) string { return "BYTEA" },
			SubscribeBatchSize:  batchSize,
		},
		offsets: wsql.DefaultPostgreSQLOffsetsAdapter{
			GenerateMessagesOffsetsTableName: OffsetsTable,
		},
		migrations:  postgresMigrations,
		tablesAmong: `SELECT tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false)) AND tablename IN (%s)`,
	}
}

// q rewrites the ? placeholders of query for the backend.
func (d *dialect) q(query string) string {
	if !d.dollar {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// timeLayout is how SQLite stores times: UTC, fixed width, so text order is
// time order. Times are cut to microseconds on both backends, the precision
// of PostgreSQL's timestamptz.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// timeArg converts t for a query argument.
func (d *dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d.dollar {
		return t
	}
	return t.Format(timeLayout)
}

// timePtrArg is timeArg for a time that may be absent (NULL).
func (d *dialect) timePtrArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.timeArg(*t)
}

// scanTime reads a time column of either backend into *T.
type scanTime struct{ t *time.Time }

func (s scanTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("time column holds a %T", src)
	}
	return nil
}

func (s scanTime) parse(v string) error {
	t, err := time.Parse(timeLayout, v)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, v)
	}
	if err != nil {
		return fmt.Errorf("time column %s: RFC 3339 expected", errtext.Quote(v))
	}
	*s.t = t.UTC()
	return nil
}

// scanNullTime reads a nullable time column into **T.
type scanNullTime struct{ t **time.Time }

func (s scanNullTime) Scan(src any) error {
	if src == nil {
		*s.t = nil
		return nil
	}
	var t time.Time
	if err := (scanTime{&t}).Scan(src); err != nil {
		return err
	}
	*s.t = &t
	return nil
}

// disallowedTopicChars is watermill-sql's own rule for topic names, which
// become part of table names.
var disallowedTopicChars = regexp.MustCompile(`[^A-Za-z0-9\-\$\:\.\_]`)

// maxTopicBytes bounds topic names.
const maxTopicBytes = 200

func validateTopic(topic string) error {
	switch {
	case topic == "":
		return fmt.Errorf("topic name %w", ErrEmpty)
	case len(topic) > maxTopicBytes:
		return fmt.Errorf("topic %s: at most %d bytes expected: %w", errtext.Quote(topic), maxTopicBytes, ErrTooLarge)
	case disallowedTopicChars.MatchString(topic):
		return fmt.Errorf("topic %s %w", errtext.Quote(topic), ErrInvalidTopic)
	}
	return nil
}

// maxIdentBytes is PostgreSQL's identifier length; longer names would be
// cut silently and two topics could share a table.
const maxIdentBytes = 63

// MessagesTable is the quoted name of the table holding topic's messages,
// the same on both backends: "watermill_<topic>", shortened with a hash of
// the topic when longer than 63 bytes.
func MessagesTable(topic string) string { return `"` + messagesTableName(topic) + `"` }

// messagesTableName is MessagesTable unquoted.
func messagesTableName(topic string) string { return tableName("watermill_", topic) }

// OffsetsTable is the quoted name of the table holding the consumer groups'
// positions in topic: "watermill_offsets_<topic>", shortened like
// MessagesTable.
func OffsetsTable(topic string) string { return `"` + tableName("watermill_offsets_", topic) + `"` }

// tableName is prefix+topic, shortened to PostgreSQL's identifier length
// with a hash of the topic.
func tableName(prefix, topic string) string {
	name := prefix + topic
	if len(name) > maxIdentBytes {
		h := fnv.New64a()
		_, _ = h.Write([]byte(topic))
		suffix := fmt.Sprintf("_%016x", h.Sum64())
		name = name[:maxIdentBytes-len(suffix)] + suffix
	}
	return name
}
