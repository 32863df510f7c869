package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// A publish by another process (here a Store on another address of the
// same database, which shares no in-process state) wakes an idle
// subscription through PostgreSQL's notifications, well before the next
// poll: the median from publish to receipt is under a quarter of the poll
// interval, where polling alone gives about half of it.
func TestPostgresWakeAcrossProcesses(t *testing.T) {
	dsn := postgresDSN(t)
	const poll = 250 * time.Millisecond
	pub := openPostgres(t, store.Config{DSN: dsn, PollInterval: poll}).Publisher()
	other := openPostgres(t, store.Config{DSN: dsn + "&application_name=other", PollInterval: poll})
	sub, err := other.Subscriber("g")
	require.NoError(t, err)
	ch, err := sub.Subscribe(context.Background(), "wake")
	require.NoError(t, err)

	const n = 25
	var took []time.Duration
	for i := range n {
		start := time.Now()
		require.NoError(t, pub.Publish("wake", message.NewMessage(fmt.Sprint(i), nil)))
		m := receive(t, ch)
		took = append(took, time.Since(start))
		m.Ack()
		assert.Equal(t, fmt.Sprint(i), m.UUID)
	}
	slices.Sort(took)
	t.Logf("publish to receipt across processes: p50 %v, p90 %v, max %v", took[n/2], took[n*9/10], took[n-1])
	assert.Less(t, took[n/2], poll/4)
}
