package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

func TestParseDSN(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    store.DSN
		wantErr error
		errText string
	}{
		{name: "relative file", in: "sqlite:data/pcsgate.db", want: store.DSN{Backend: "sqlite", Path: "data/pcsgate.db"}},
		{name: "absolute file with settings", in: "sqlite:/var/lib/pcsgate.db?synchronous=FULL&busy_timeout=10s",
			want: store.DSN{Backend: "sqlite", Path: "/var/lib/pcsgate.db", Synchronous: "full", BusyTimeout: 10 * time.Second}},
		{name: "busy timeout in milliseconds", in: "sqlite:x.db?busy_timeout=250",
			want: store.DSN{Backend: "sqlite", Path: "x.db", BusyTimeout: 250 * time.Millisecond}},
		{name: "memory", in: "sqlite::memory:", want: store.DSN{Backend: "sqlite", Memory: true}},
		{name: "postgres", in: "postgres://u:secret@db:5432/pcsgate?sslmode=disable",
			want: store.DSN{Backend: "postgres", URL: "postgres://u:secret@db:5432/pcsgate?sslmode=disable"}},
		{name: "postgresql scheme", in: "postgresql://db/pcsgate", want: store.DSN{Backend: "postgres", URL: "postgresql://db/pcsgate"}},
		{name: "empty", in: "", wantErr: store.ErrEmpty, errText: "store address is empty"},
		{name: "no path", in: "sqlite:", wantErr: store.ErrEmpty},
		{name: "unknown scheme hides the rest", in: "mysql://root:hunter2@db/x", wantErr: store.ErrBadDSN,
			errText: `store address starting "mysql": expected sqlite:PATH, sqlite::memory: or postgres://...: is not a valid store address`},
		{name: "postgres without host hides the password", in: "postgres://:hunter2@/x", wantErr: store.ErrBadDSN},
		{name: "unknown sqlite parameter", in: "sqlite:x.db?cache=shared", wantErr: store.ErrBadDSN,
			errText: `store address parameter "cache": expected synchronous or busy_timeout: is not a valid store address`},
		{name: "bad synchronous", in: "sqlite:x.db?synchronous=off", wantErr: store.ErrBadDSN},
		{name: "bad busy timeout", in: "sqlite:x.db?busy_timeout=-1s", wantErr: store.ErrBadDSN},
		{name: "NUL in path", in: "sqlite:a\x00b", wantErr: store.ErrBadDSN},
		{name: "too long", in: "sqlite:" + strings.Repeat("a", 5000), wantErr: store.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := store.ParseDSN(c.in)
			if c.wantErr != nil {
				require.ErrorIs(t, err, c.wantErr)
				assert.NotContains(t, err.Error(), "hunter2")
				if c.errText != "" {
					assert.Equal(t, c.errText, err.Error())
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestOpenCreatesDirectoriesAndKeepsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	dsn := "sqlite:" + filepath.Join(dir, "pcsgate.db")
	ctx := context.Background()

	s, err := store.Open(ctx, dsn, nil)
	require.NoError(t, err)
	assert.Equal(t, store.BackendSQLite, s.Backend())
	require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveRelease("R1", store.ReleaseMeta{Status: "RELEASED"}, []byte(`{}`), 0)
	}))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")

	_, err = os.Stat(filepath.Join(dir, "pcsgate.db"))
	require.NoError(t, err)

	s2, err := store.Open(ctx, dsn, nil)
	require.NoError(t, err)
	defer s2.Close()
	v, err := s2.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, 14, v, "migrations run once")
	r, err := s2.Release(ctx, "R1")
	require.NoError(t, err)
	assert.Equal(t, "RELEASED", r.Status)
}

// TestWriterSettings: the writer connection logs ahead, syncs as
// configured and keeps the statement journals of a group's savepoints in
// memory rather than in temporary files.
func TestWriterSettings(t *testing.T) {
	s := openSQLite(t, store.Config{DSN: sqliteDSN(t), Synchronous: store.SyncFull})
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "temp_store": "2", "foreign_keys": "1"}
	require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) error {
		for name, v := range want {
			got, err := tx.PragmaForTest(name)
			require.NoError(t, err)
			assert.Equal(t, v, got, name)
		}
		return nil
	}))
}

func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite::memory:", nil)
	require.NoError(t, err)
	defer s.Close()
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(ctx, "t")
	require.NoError(t, err)
	require.NoError(t, s.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveRelease("R1", store.ReleaseMeta{}, []byte(`{}`), 0); err != nil {
			return err
		}
		return tx.Publish("t", newMessage("m-1", []byte("x")))
	}))
	m := receive(t, ch)
	assert.Equal(t, "m-1", m.UUID)
	m.Ack()
	_, err = s.Release(ctx, "R1")
	require.NoError(t, err)

	other, err := store.Open(ctx, "sqlite::memory:", nil)
	require.NoError(t, err)
	defer other.Close()
	_, err = other.Release(ctx, "R1")
	require.ErrorIs(t, err, store.ErrNotFound, "each in-memory store is its own database")
}

func TestOpenRejects(t *testing.T) {
	cases := []struct {
		name    string
		cfg     store.Config
		wantErr error
	}{
		{"bad address", store.Config{DSN: "redis://x"}, store.ErrBadDSN},
		{"bad synchronous", store.Config{DSN: "sqlite::memory:", Synchronous: "off"}, store.ErrBadConfig},
		{"negative poll interval", store.Config{DSN: "sqlite::memory:", PollInterval: -time.Second}, store.ErrBadConfig},
		{"huge batch", store.Config{DSN: "sqlite::memory:", BatchSize: 100000}, store.ErrBadConfig},
		{"tiny MaxBytes", store.Config{DSN: "sqlite::memory:", MaxBytes: 10}, store.ErrBadConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := store.OpenConfig(context.Background(), c.cfg, nil)
			require.ErrorIs(t, err, c.wantErr)
		})
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pcsgate.db")
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO pcsgate_migrations (version, description, applied_at) VALUES (99, 'future', 'x')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = store.Open(ctx, "sqlite:"+path, nil)
	require.ErrorIs(t, err, store.ErrSchemaTooNew)
	assert.Equal(t, "store schema version 99: at most 14 expected: was written by a newer pcsgate", err.Error())
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite::memory:", nil)
	require.NoError(t, err)
	sub, err := s.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(ctx, "t")
	require.NoError(t, err)
	pub := s.Publisher()
	require.NoError(t, s.Close())

	_, open := <-ch
	assert.False(t, open, "Close closes the subscriptions")
	calls := []struct {
		name string
		call func() error
	}{
		{"InTx", func() error { return s.InTx(ctx, func(*store.Tx) error { return nil }) }},
		{"Publish", func() error { return pub.Publish("t", newMessage("u", nil)) }},
		{"Subscriber", func() error { _, err := s.Subscriber("g"); return err }},
		{"Subscribe", func() error { _, err := sub.Subscribe(ctx, "t"); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.call(), store.ErrClosed)
		})
	}
	assert.NoError(t, sub.Close(), "closing a closed subscriber is fine")
}

// TestConcurrentWritersNeverLock runs many writing goroutines through two
// stores on the same SQLite file, with subscriptions acking in between: the
// single-writer funnel and busy_timeout must keep "database is locked" away.
func TestConcurrentWritersNeverLock(t *testing.T) {
	dsn := sqliteDSN(t)
	stores := []*store.Store{openSQLite(t, store.Config{DSN: dsn}), openSQLite(t, store.Config{DSN: dsn})}
	ctx := context.Background()
	const writers, perWriter = 8, 40

	sub, err := stores[1].Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(ctx, "events")
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[w%2]
			for i := range perWriter {
				key := fmt.Sprintf("%c-%d", 'A'+w, i)
				errs <- s.InTx(ctx, func(tx *store.Tx) error {
					if _, err := tx.Seen("k", key); err != nil {
						return err
					}
					if err := tx.SaveRelease(key, store.ReleaseMeta{}, []byte(`{}`), 0); err != nil {
						return err
					}
					return tx.Publish("events", newMessage(key, nil))
				})
			}
		}()
	}
	seen := map[string]bool{}
	for len(seen) < writers*perWriter {
		m := receive(t, ch)
		seen[m.UUID] = true
		m.Ack()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	c, err := stores[0].Counts(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(writers*perWriter), c.Releases)
}

func TestTableNames(t *testing.T) {
	long1 := "outbound." + strings.Repeat("x", 60) + "-1"
	long2 := "outbound." + strings.Repeat("x", 60) + "-2"
	cases := []struct {
		name, topic, want string
	}{
		{"short", "received", `"watermill_received"`},
		{"dots and dashes", "outbound.portbase-nl", `"watermill_outbound.portbase-nl"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, store.MessagesTable(c.topic))
		})
	}
	for _, name := range []func(string) string{store.MessagesTable, store.OffsetsTable} {
		a, b := name(long1), name(long2)
		assert.NotEqual(t, a, b, "long topics keep distinct tables")
		assert.LessOrEqual(t, len(a), 63+2, "fits PostgreSQL's identifier limit (plus quotes)")
	}
}

// A store address is printed and logged with its password masked.
func TestRedacted(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"sqlite:data/pcsgate.db", "sqlite:data/pcsgate.db"},
		{"sqlite::memory:", "sqlite::memory:"},
		{"postgres://pcsgate:s3cr3t@db:5432/pcsgate?sslmode=disable", "postgres://pcsgate:xxxxx@db:5432/pcsgate?sslmode=disable"},
		{"postgresql://pcsgate@db/pcsgate", "postgresql://pcsgate@db/pcsgate"},
		{"postgres://db/pcsgate?user=pcsgate&password=s3cr3t", "postgres://db/pcsgate?password=xxxxx&user=pcsgate"},
		{"postgres://u:s3cr3t@db:bad port/x", `store address starting "postgres"`},
	} {
		got := store.Redacted(tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		assert.NotContains(t, got, "s3cr3t")
	}
}

// Opening a PostgreSQL store that cannot be reached names it without its
// password.
func TestOpenPostgresErrorMasksPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Port 1 of the loopback: refused at once.
	_, err := store.Open(ctx, "postgres://pcsgate:s3cr3t@127.0.0.1:1/pcsgate?sslmode=disable&connect_timeout=2", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pcsgate:xxxxx@127.0.0.1:1")
	assert.NotContains(t, err.Error(), "s3cr3t")
}
