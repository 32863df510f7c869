package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// seedPayloads returns the sample messages under testdata/payloads.
func seedPayloads(f *testing.F) [][]byte {
	paths, err := filepath.Glob(filepath.Join("testdata", "payloads", "*"))
	require.NoError(f, err)
	require.NotEmpty(f, paths)
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		out = append(out, b)
	}
	return out
}

// FuzzParseDSN feeds arbitrary addresses to ParseDSN: it must never panic,
// must return a usable DSN or a one-line error wrapping a sentinel, and
// must never echo the password of a PostgreSQL address.
func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{
		"sqlite:data/pcsgate.db", "sqlite::memory:", "sqlite:x.db?synchronous=full&busy_timeout=5s",
		"sqlite:x.db?busy_timeout=", "sqlite:?", "postgres://u:pw@h:5432/db?sslmode=disable",
		"postgresql://:pw@/x", "postgres://%zz", "mysql://u:pw@h/x", "", "sqlite:a\x00b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := store.ParseDSN(in)
		if err != nil {
			assert.NotContains(t, err.Error(), "\n")
			assert.True(t, errors.Is(err, store.ErrBadDSN) || errors.Is(err, store.ErrEmpty) || errors.Is(err, store.ErrTooLarge), err.Error())
			if at := strings.LastIndexByte(in, '@'); strings.HasPrefix(in, "postgres") && at > 0 {
				if _, pw, ok := strings.Cut(in[:at], ":"); ok {
					if _, pw, ok := strings.Cut(pw, ":"); ok && len(pw) > 3 {
						assert.NotContains(t, err.Error(), pw)
					}
				}
			}
			return
		}
		switch d.Backend {
		case store.BackendSQLite:
			assert.True(t, d.Memory != (d.Path != ""), "exactly one of Memory and Path")
		case store.BackendPostgres:
			assert.Equal(t, in, d.URL)
		default:
			t.Fatalf("backend %q", d.Backend)
		}
	})
}

// FuzzSQLiteSchema writes a message with SQLiteSchema's insert query and
// reads it back with its UnmarshalMessage, without a database, so the
// fuzzer runs at full speed: UUID, payload and (UTF-8) metadata must come
// back unchanged, and the query must have one placeholder per argument.
func FuzzSQLiteSchema(f *testing.F) {
	for _, p := range seedPayloads(f) {
		f.Add("m-1", p, "file", "in.edi")
	}
	f.Add("", []byte{}, "", "")
	f.Add("\xff", []byte("\x00"), "k\x00", "\xff")
	schema := store.SQLiteSchema{}
	f.Fuzz(func(t *testing.T, uuid string, payload []byte, key, value string) {
		msg := newMessage(uuid, payload)
		msg.Metadata.Set(key, value)
		q, err := schema.InsertQuery(wsql.InsertQueryParams{Topic: "fuzz", Msgs: message.Messages{msg}})
		require.NoError(t, err)
		require.Len(t, q.Args, 3)
		assert.Equal(t, len(q.Args), strings.Count(q.Query, "?"))
		row := fakeRow{int64(7), q.Args[0], q.Args[1], q.Args[2]}
		r, err := schema.UnmarshalMessage(wsql.UnmarshalMessageParams{Row: row})
		require.NoError(t, err)
		assert.Equal(t, int64(7), r.Offset)
		assert.Equal(t, uuid, r.Msg.UUID)
		assert.Equal(t, string(payload), string(r.Msg.Payload))
		if utf8.ValidString(key) && utf8.ValidString(value) {
			assert.Equal(t, value, r.Msg.Metadata.Get(key))
		}
	})
}

// fakeRow plays back one row of driver values, converting as database/sql
// does for the destinations UnmarshalMessage uses.
type fakeRow []any

func (r fakeRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("%d destinations for %d columns", len(dest), len(r))
	}
	for i, d := range dest {
		switch d := d.(type) {
		case *int64:
			*d = r[i].(int64)
		case *[]byte:
			switch v := r[i].(type) {
			case string:
				*d = []byte(v)
			case []byte:
				*d = v
			}
		default:
			return fmt.Errorf("destination %T", d)
		}
	}
	return nil
}

// FuzzRoundTrip writes arbitrary bytes through a real store (a message's
// payload and metadata, a release body, a dead letter) and reads them back:
// what is accepted must come back byte for byte, what is refused must be
// refused with a sentinel, and nothing may panic. Each run is a few
// database round trips, so under -fuzz the engine's minimizing of new
// inputs takes most of a short time box; FuzzSQLiteSchema is the fast one.
// The seeds run in every go test.
func FuzzRoundTrip(f *testing.F) {
	for _, p := range seedPayloads(f) {
		f.Add(p, "file", "in.edi")
	}
	f.Add([]byte{}, "", "")
	f.Add([]byte("\x00\xff\xfe"), "k\x00", "\xff")
	f.Add([]byte(`{"a":1}`), "correlation_id", "c-1")

	ctx := context.Background()
	s, err := store.OpenConfig(ctx, store.Config{DSN: "sqlite::memory:", MaxBytes: 1 << 16}, nil)
	require.NoError(f, err)
	f.Cleanup(func() { _ = s.Close() })
	sub, err := s.Subscriber("fuzz")
	require.NoError(f, err)
	ch, err := sub.Subscribe(ctx, "fuzz")
	require.NoError(f, err)
	n := 0

	f.Fuzz(func(t *testing.T, payload []byte, key, value string) {
		n++
		id := fmt.Sprintf("m-%d", n)
		msg := newMessage(id, payload)
		msg.Metadata.Set(key, value)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Publish("fuzz", msg); err != nil {
				return err
			}
			return tx.AddDeadLetter(store.DeadLetter{ID: id, Payload: payload, Reason: "r", Metadata: map[string]string{key: value}})
		})
		if err != nil {
			require.ErrorIs(t, err, store.ErrTooLarge)
			return
		}
		got := receive(t, ch)
		got.Ack()
		assert.Equal(t, id, got.UUID)
		assert.Equal(t, string(payload), string(got.Payload))
		if utf8.ValidString(key) && utf8.ValidString(value) {
			assert.Equal(t, value, got.Metadata.Get(key))
		}
		dls, err := s.DeadLetters(ctx, store.DeadLetterFilter{ID: id})
		require.NoError(t, err)
		require.Len(t, dls, 1)
		assert.Equal(t, string(payload), string(dls[0].Payload))

		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.SaveRelease(id, store.ReleaseMeta{}, payload, 0)
		})
		if !json.Valid(payload) || !utf8.Valid(payload) {
			require.ErrorIs(t, err, store.ErrInvalidJSON)
			return
		}
		require.NoError(t, err)
		r, err := s.Release(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, string(payload), string(r.Body))
	})
}
