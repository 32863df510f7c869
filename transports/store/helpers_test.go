package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/store/storetest"
)

// backend opens fresh, empty stores of one kind.
type backend struct {
	name string
	// dsn returns the address of a new, empty database for t.
	dsn func(t testing.TB) string
}

// open opens a store at cfg.DSN, or at a new database when it is empty,
// and closes it when the test ends.
func (b backend) open(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	if cfg.DSN == "" {
		cfg.DSN = b.dsn(t)
	}
	s, err := store.OpenConfig(context.Background(), testConfig(cfg), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

var (
	sqliteBackend   = backend{name: store.BackendSQLite, dsn: sqliteDSN}
	postgresBackend = backend{name: store.BackendPostgres, dsn: postgresDSN}
)

// backends lists SQLite, and PostgreSQL, whose tests skip unless
// PCSGATE_TEST_POSTGRES is set.
func backends() []backend { return []backend{sqliteBackend, postgresBackend} }

func openSQLite(t testing.TB, cfg store.Config) *store.Store   { return sqliteBackend.open(t, cfg) }
func openPostgres(t testing.TB, cfg store.Config) *store.Store { return postgresBackend.open(t, cfg) }

// testConfig shortens the waits that would otherwise slow the tests down.
func testConfig(cfg store.Config) store.Config {
	if cfg.ResendInterval == 0 {
		cfg.ResendInterval = 5 * time.Millisecond
	}
	if cfg.RetryInterval == 0 {
		cfg.RetryInterval = 50 * time.Millisecond
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 100 * time.Millisecond
	}
	return cfg
}

// sqliteDSN returns a database file in a directory that does not exist yet.
func sqliteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "data", "pcsgate.db")
}

// postgresDSN creates a schema of its own for the calling test, dropped at
// the end, and returns an address whose search_path points at it, so runs
// and packages in parallel never share tables.
func postgresDSN(t testing.TB) string {
	t.Helper()
	return storetest.PostgresDSN(t)
}

// receive returns the next message of ch or fails the test after 10s.
func receive(t *testing.T, ch <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case m, ok := <-ch:
		require.True(t, ok, "subscription closed")
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
		return nil
	}
}

// newMessage returns a message with the given UUID and payload.
func newMessage(uuid string, payload []byte) *message.Message {
	return message.NewMessage(uuid, payload)
}
