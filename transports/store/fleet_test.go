package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// manualClock is a clock the test moves by hand, safe for concurrent use.
type manualClock struct{ ns atomic.Int64 }

func newManualClock(t time.Time) *manualClock {
	c := &manualClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *manualClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *manualClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// A lease has one holder at a time: another instance is refused while it
// is held, the holder renews it, and once released another takes it.
func TestLeaseOneHolder(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, store.Config{})
			l, got, err := s.TryAcquireLease(ctx, "inbound/portbase", "a", time.Minute)
			require.NoError(t, err)
			require.True(t, got)
			assert.Equal(t, "a", l.Holder)
			assert.Equal(t, time.Minute, l.ExpiresAt.Sub(l.AcquiredAt))

			other, got, err := s.TryAcquireLease(ctx, "inbound/portbase", "b", time.Minute)
			require.NoError(t, err)
			assert.False(t, got, "held by a")
			assert.Equal(t, l, other, "the lease as it stands")
			_, err = s.RenewLease(ctx, "inbound/portbase", "b", time.Minute)
			assert.ErrorIs(t, err, store.ErrLeaseLost)

			renewed, err := s.RenewLease(ctx, "inbound/portbase", "a", 2*time.Minute)
			require.NoError(t, err)
			assert.Equal(t, l.AcquiredAt, renewed.AcquiredAt, "a renewal keeps the start")
			assert.True(t, renewed.ExpiresAt.After(l.ExpiresAt))
			again, got, err := s.TryAcquireLease(ctx, "inbound/portbase", "a", time.Minute)
			require.NoError(t, err)
			assert.True(t, got, "the holder acquiring again renews")
			assert.Equal(t, l.AcquiredAt, again.AcquiredAt)

			require.NoError(t, s.ReleaseLease(ctx, "inbound/portbase", "b"), "not b's: nothing happens")
			list, err := s.Leases(ctx)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, "a", list[0].Holder)

			require.NoError(t, s.ReleaseLease(ctx, "inbound/portbase", "a"))
			l, got, err = s.TryAcquireLease(ctx, "inbound/portbase", "b", time.Minute)
			require.NoError(t, err)
			assert.True(t, got, "free after the release")
			assert.Equal(t, "b", l.Holder)
		})
	}
}

// A holder that stops renewing (dead or hung) loses its lease when the
// ttl has passed by the store's clock, not before, and cannot renew it
// after another instance took it.
func TestLeaseExpiresWithoutItsHolder(t *testing.T) {
	clock := newManualClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	s := openSQLite(t, store.Config{Clock: clock.now})
	ctx := context.Background()
	_, got, err := s.TryAcquireLease(ctx, "sftp/dakosy", "a", 6*time.Second)
	require.NoError(t, err)
	require.True(t, got)

	clock.advance(5999 * time.Millisecond)
	_, got, err = s.TryAcquireLease(ctx, "sftp/dakosy", "b", 6*time.Second)
	require.NoError(t, err)
	assert.False(t, got, "a millisecond before expiry")

	clock.advance(time.Millisecond)
	list, err := s.Leases(ctx)
	require.NoError(t, err)
	assert.Empty(t, list, "an expired lease is not listed")
	l, got, err := s.TryAcquireLease(ctx, "sftp/dakosy", "b", 6*time.Second)
	require.NoError(t, err)
	assert.True(t, got, "expired")
	assert.Equal(t, clock.now(), l.AcquiredAt)

	_, err = s.RenewLease(ctx, "sftp/dakosy", "a", 6*time.Second)
	assert.ErrorIs(t, err, store.ErrLeaseLost, "a woke up too late")
}

// A holder that renews in time keeps its lease however long it runs.
func TestLeaseRenewedKeepsIt(t *testing.T) {
	clock := newManualClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	s := openSQLite(t, store.Config{Clock: clock.now})
	ctx := context.Background()
	_, got, err := s.TryAcquireLease(ctx, "inbound/x", "a", 6*time.Second)
	require.NoError(t, err)
	require.True(t, got)
	for range 10 {
		clock.advance(4 * time.Second)
		_, err := s.RenewLease(ctx, "inbound/x", "a", 6*time.Second)
		require.NoError(t, err)
		_, got, err := s.TryAcquireLease(ctx, "inbound/x", "b", 6*time.Second)
		require.NoError(t, err)
		require.False(t, got)
	}
	clock.advance(6 * time.Second)
	_, err = s.RenewLease(ctx, "inbound/x", "a", 6*time.Second)
	assert.ErrorIs(t, err, store.ErrLeaseLost, "expired: renewing is too late even with no other taker")
}

// Instances racing for a free lease through stores of their own: exactly
// one gets it.
func TestLeaseRace(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			const n = 6
			stores := make([]*store.Store, n)
			for i := range stores {
				stores[i] = b.open(t, store.Config{DSN: dsn})
			}
			var wg sync.WaitGroup
			var winners atomic.Int32
			start := make(chan struct{})
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, got, err := s.TryAcquireLease(context.Background(), "inbound/race", string(rune('a'+i)), time.Minute)
					assert.NoError(t, err)
					if got {
						winners.Add(1)
					}
				}()
			}
			close(start)
			wg.Wait()
			assert.Equal(t, int32(1), winners.Load())
		})
	}
}

// Lease arguments are checked before anything is written.
func TestLeaseArguments(t *testing.T) {
	s := openSQLite(t, store.Config{})
	ctx := context.Background()
	_, _, err := s.TryAcquireLease(ctx, "", "a", time.Second)
	assert.ErrorIs(t, err, store.ErrEmpty)
	_, _, err = s.TryAcquireLease(ctx, "x", "", time.Second)
	assert.ErrorIs(t, err, store.ErrEmpty)
	_, _, err = s.TryAcquireLease(ctx, "x", "a", 0)
	assert.ErrorIs(t, err, store.ErrBadConfig)
	_, err = s.RenewLease(ctx, "x\x00", "a", time.Second)
	assert.ErrorIs(t, err, store.ErrInvalidText)
}

// Instances register, heartbeat, are listed gone once their heartbeat is
// older than the bound, come back with the next heartbeat, and leave with
// their leases; a day after they went they are forgotten.
func TestInstances(t *testing.T) {
	clock := newManualClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	s := openSQLite(t, store.Config{Clock: clock.now})
	ctx := context.Background()
	a, err := s.Register(ctx, store.Instance{ID: "a1", Host: "gw-1", PID: 41, Version: "v1.2.0"})
	require.NoError(t, err)
	assert.Equal(t, clock.now(), a.StartedAt)
	clock.advance(time.Second)
	_, err = s.Register(ctx, store.Instance{ID: "b2", Host: "gw-2", PID: 42, Version: "v1.2.0"})
	require.NoError(t, err)

	clock.advance(9 * time.Second)
	require.NoError(t, s.Heartbeat(ctx, "b2"))
	list, err := s.Instances(ctx, 0)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, store.Instance{ID: "a1", Host: "gw-1", PID: 41, Version: "v1.2.0", StartedAt: a.StartedAt, HeartbeatAt: a.StartedAt}, list[0],
		"a1's heartbeat is exactly InstanceGoneAfter old: gone")
	assert.True(t, list[1].Alive)
	assert.Equal(t, clock.now(), list[1].HeartbeatAt)

	list, err = s.Instances(ctx, time.Minute)
	require.NoError(t, err)
	assert.True(t, list[0].Alive, "alive within a longer bound")

	require.NoError(t, s.Heartbeat(ctx, "a1"))
	list, err = s.Instances(ctx, 0)
	require.NoError(t, err)
	assert.True(t, list[0].Alive, "back with its heartbeat")

	_, got, err := s.TryAcquireLease(ctx, "inbound/x", "b2", time.Hour)
	require.NoError(t, err)
	require.True(t, got)
	require.NoError(t, s.Unregister(ctx, "b2"))
	assert.ErrorIs(t, s.Heartbeat(ctx, "b2"), store.ErrNotFound)
	leases, err := s.Leases(ctx)
	require.NoError(t, err)
	assert.Empty(t, leases, "its leases went with it")

	clock.advance(24*time.Hour + time.Second)
	_, err = s.Register(ctx, store.Instance{ID: "c3", Host: "gw-1", PID: 43, Version: "v1.3.0"})
	require.NoError(t, err)
	list, err = s.Instances(ctx, 0)
	require.NoError(t, err)
	require.Len(t, list, 1, "a1, gone for a day, is forgotten")
	assert.Equal(t, "c3", list[0].ID)
}

// The instance calls run the same on both backends.
func TestInstancesBothBackends(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			in, err := s.Register(ctx, store.Instance{ID: "a1", Host: "gw-1", PID: 41, Version: "dev"})
			require.NoError(t, err)
			require.NoError(t, s.Heartbeat(ctx, "a1"))
			list, err := s.Instances(ctx, 0)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.True(t, list[0].Alive)
			assert.Equal(t, in.StartedAt, list[0].StartedAt)
			assert.False(t, list[0].HeartbeatAt.Before(in.StartedAt))
			_, err = s.Register(ctx, store.Instance{ID: "", Host: "gw-1"})
			assert.ErrorIs(t, err, store.ErrEmpty)
		})
	}
}

// The first fingerprint recorded for a key stays; later ones get it back.
func TestRecordKeyFingerprint(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			ctx := context.Background()
			got, err := s.RecordKeyFingerprint(ctx, "credential_key", "f1")
			require.NoError(t, err)
			assert.Equal(t, "f1", got, "the first is recorded")
			got, err = s.RecordKeyFingerprint(ctx, "credential_key", "f2")
			require.NoError(t, err)
			assert.Equal(t, "f1", got, "another gets the recorded one back")
			got, err = s.RecordKeyFingerprint(ctx, "secret_key", "f2")
			require.NoError(t, err)
			assert.Equal(t, "f2", got, "per key name")
			_, err = s.RecordKeyFingerprint(ctx, "credential_key", "")
			assert.ErrorIs(t, err, store.ErrEmpty)
		})
	}
}
