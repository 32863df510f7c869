//go:build integration

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// Two instances on one PostgreSQL database: when the holder stops renewing
// (it died or hangs), its lease expires by the database's clock and the
// other takes it; the first cannot renew it afterwards.
func TestPostgresLeaseMovesWhenItsHolderStops(t *testing.T) {
	dsn := postgresDSN(t)
	a := openPostgres(t, store.Config{DSN: dsn})
	b := openPostgres(t, store.Config{DSN: dsn})
	ctx := context.Background()
	const ttl = 400 * time.Millisecond
	held, got, err := a.TryAcquireLease(ctx, "inbound/portbase", "a", ttl)
	require.NoError(t, err)
	require.True(t, got)

	var took store.Lease
	require.Eventually(t, func() bool {
		l, got, err := b.TryAcquireLease(ctx, "inbound/portbase", "b", ttl)
		require.NoError(t, err)
		took = l
		return got
	}, 10*time.Second, 20*time.Millisecond)
	assert.False(t, took.AcquiredAt.Before(held.ExpiresAt), "taken over only once expired: %v < %v", took.AcquiredAt, held.ExpiresAt)
	_, err = a.RenewLease(ctx, "inbound/portbase", "a", ttl)
	assert.ErrorIs(t, err, store.ErrLeaseLost)

	// The instance's own listing shows the new holder, by the same clock.
	list, err := a.Leases(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "b", list[0].Holder)
}

// An instance's heartbeat, kept by the database's clock, marks it gone
// once older than the bound and alive again with the next one.
func TestPostgresInstanceGone(t *testing.T) {
	s := openPostgres(t, store.Config{})
	ctx := context.Background()
	_, err := s.Register(ctx, store.Instance{ID: "a1", Host: "gw-1", PID: 1, Version: "dev"})
	require.NoError(t, err)
	const bound = 200 * time.Millisecond
	require.Eventually(t, func() bool {
		list, err := s.Instances(ctx, bound)
		require.NoError(t, err)
		return len(list) == 1 && !list[0].Alive
	}, 10*time.Second, 20*time.Millisecond)
	require.NoError(t, s.Heartbeat(ctx, "a1"))
	list, err := s.Instances(ctx, time.Minute)
	require.NoError(t, err)
	assert.True(t, list[0].Alive)
}
