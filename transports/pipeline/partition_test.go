package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/store/storetest"
)

// blockingPartner is an HTTP partner that holds every request carrying
// hold until released, and counts the others it accepted.
type blockingPartner struct {
	hold     []byte
	held     chan struct{} // closed when the first held request arrives
	release  chan struct{}
	once     sync.Once
	accepted atomic.Int64
}

func (p *blockingPartner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if bytes.Contains(body, p.hold) {
		p.once.Do(func() { close(p.held) })
		<-p.release
	}
	p.accepted.Add(1)
	w.WriteHeader(http.StatusOK)
}

// On PostgreSQL the outbound messages of an endpoint are split by release
// into partitions delivered side by side: a partner that hangs on one
// release's message holds up only the releases of that partition, not
// the endpoint. With one partition the 40 releases after it would all
// wait.
func TestPartitionsDeliverSideBySide(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	p := &blockingPartner{hold: []byte(workloadContainer(0)), held: make(chan struct{}), release: make(chan struct{})}
	partner := httptest.NewServer(p)
	defer partner.Close()
	unblock := sync.OnceFunc(func() { close(p.release) })
	defer unblock()
	h := startWith(t, func(cfg *pipeline.Config) {
		cfg.Store = dsn
		cfg.Postgres.Partitions = 4
		for i := range cfg.Endpoints {
			if ep := &cfg.Endpoints[i]; ep.Name == "partner-out" {
				ep.Transport, ep.FiledropOut = "http", nil
				ep.HTTPOut = &httptr.OutboundConfig{URL: partner.URL, MaxRetries: -1, Timeout: time.Minute}
			}
		}
	})
	h.drop(t, "portbase", workloadName(0), string(workloadMessage(0)))
	select {
	case <-p.held:
	case <-time.After(20 * time.Second):
		t.Fatal("the first release never reached the partner")
	}
	const more = 40
	for i := 1; i <= more; i++ {
		h.drop(t, "portbase", workloadName(i), string(workloadMessage(i)))
	}
	// Releases hash over 4 partitions: about three quarters of them are
	// not behind the held one.
	require.Eventually(t, func() bool {
		return p.accepted.Load() >= more/2
	}, 20*time.Second, 20*time.Millisecond, "releases of other partitions delivered while one hangs")
	assert.Less(t, p.accepted.Load(), int64(more+1), "the held release is still held")
	unblock()
	require.Eventually(t, func() bool {
		return p.accepted.Load() == more+1
	}, 20*time.Second, 20*time.Millisecond, fmt.Sprintf("all %d delivered once the partner answers", more+1))
	h.drained(t)
}

// A store that had more partitions than the configuration now names keeps
// the messages of the partitions beyond: they are delivered all the same.
func TestLeftoverPartitionDelivered(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	st, err := store.Open(context.Background(), dsn, watermill.NopLogger{})
	require.NoError(t, err)
	msg := message.NewMessage(watermill.NewUUID(), []byte("left in partition 6"))
	msg.Metadata.Set(transports.MetaOutName, "left-over.txt")
	msg.Metadata.Set(pipeline.MetaEventID, "left-over")
	require.NoError(t, st.Publisher().Publish("outbound_partner-out.6", msg))
	require.NoError(t, st.Close())

	h := startWith(t, func(cfg *pipeline.Config) {
		cfg.Store = dsn
		cfg.Postgres.Partitions = 2
	})
	require.Eventually(t, func() bool {
		return slices.Contains(h.files("partner"), "left-over.txt")
	}, 20*time.Second, 20*time.Millisecond, "the message of partition 6 delivered with 2 partitions configured")
	assert.Equal(t, "left in partition 6", read(t, filepath.Join(h.dir, "outbox", "partner", "left-over.txt")))
}
