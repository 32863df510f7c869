// Package storetest gives tests a PostgreSQL store of their own: a schema
// created for the calling test or benchmark on the server that
// PCSGATE_TEST_POSTGRES names, and dropped when it ends.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/stretchr/testify/require"
)

// EnvPostgres names the PostgreSQL server of the integration tests.
const EnvPostgres = "PCSGATE_TEST_POSTGRES"

// PostgresDSN creates a schema for the calling test, dropped at its end,
// and returns an address whose search_path points at it, so runs and
// packages in parallel never share tables. Without PCSGATE_TEST_POSTGRES
// the test is skipped, saying what to set. A test (not a benchmark) runs
// with synchronous_commit off: durability is not under test there.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("set " + EnvPostgres + "=postgres://... to run against PostgreSQL")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "pcsgate_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	_, err = admin.Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	if _, bench := t.(*testing.B); !bench {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u.String()
}
