package store_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// InTxReplayable commits without waiting for the log on PostgreSQL; InTx
// keeps the server's setting.
func TestInTxReplayable(t *testing.T) {
	u, err := url.Parse(postgresDSN(t))
	require.NoError(t, err)
	q := u.Query()
	q.Set("synchronous_commit", "on") // the tests' default is off
	u.RawQuery = q.Encode()
	s := openPostgres(t, store.Config{DSN: u.String()})
	ctx := context.Background()
	setting := func(run func(context.Context, func(*store.Tx) error) error) string {
		var v string
		require.NoError(t, run(ctx, func(tx *store.Tx) error {
			var err error
			v, err = tx.SettingForTest("synchronous_commit")
			return err
		}))
		return v
	}
	require.Equal(t, "off", setting(s.InTxReplayable))
	require.Equal(t, "on", setting(s.InTx))
	require.Equal(t, "off", setting(s.InTxReplayable), "again, after a transaction that kept it on")
}
