package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// BenchmarkPublishSubscribe publishes b.N messages, one transaction each,
// from 8 goroutines while one subscription reads and acks them, and reports
// the end-to-end rate.
func BenchmarkPublishSubscribe(b *testing.B) {
	cases := []struct {
		name string
		open func(testing.TB, store.Config) *store.Store
		cfg  store.Config
	}{
		{"sqlite/synchronous=full", openSQLite, store.Config{Synchronous: store.SyncFull}},
		{"sqlite/synchronous=normal", openSQLite, store.Config{Synchronous: store.SyncNormal}},
		{"postgres", openPostgres, store.Config{}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s := c.open(b, c.cfg)
			benchPublishSubscribe(b, s, 8)
		})
	}
}

func benchPublishSubscribe(b *testing.B, s *store.Store, publishers int) {
	topic := "bench"
	sub, err := s.Subscriber("bench")
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := sub.Subscribe(ctx, topic)
	require.NoError(b, err)
	pub := s.Publisher()
	payload := make([]byte, 512)

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	work := make(chan int)
	var wg sync.WaitGroup
	for range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				if err := pub.Publish(topic, message.NewMessage(watermill.NewUUID(), payload)); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	go func() {
		for i := range b.N {
			work <- i
		}
		close(work)
	}()
	for range b.N {
		select {
		case m := <-ch:
			m.Ack()
		case <-time.After(30 * time.Second):
			b.Fatal("timed out waiting for messages")
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	require.NoError(b, sub.Close())
}

// BenchmarkPublish measures publishing alone, one transaction per message,
// from 1 and 8 goroutines.
func BenchmarkPublish(b *testing.B) {
	for _, sync := range []string{store.SyncFull, store.SyncNormal} {
		for _, par := range []int{1, 8} {
			b.Run(fmt.Sprintf("sqlite/synchronous=%s/publishers=%d", sync, par), func(b *testing.B) {
				s := openSQLite(b, store.Config{Synchronous: sync})
				benchPublish(b, s, par)
			})
		}
	}
	b.Run("postgres/publishers=8", func(b *testing.B) {
		benchPublish(b, openPostgres(b, store.Config{}), 8)
	})
}

func benchPublish(b *testing.B, s *store.Store, publishers int) {
	pub := s.Publisher()
	payload := make([]byte, 512)
	require.NoError(b, pub.Publish("bench", message.NewMessage(watermill.NewUUID(), payload)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	work := make(chan struct{})
	var wg sync.WaitGroup
	for range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				if err := pub.Publish("bench", message.NewMessage(watermill.NewUUID(), payload)); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkIntakeTx runs the statements the gateway's intake runs for one
// inbound message with one new event, one transaction each, from 16
// goroutines as the file drop's messages in flight do: three
// deduplication keys in one statement with the release looked up by key
// and by unit, the event and the release in one statement, its unit, two
// outbound messages. ns/op is the
// single writer's time per message, which bounds the gateway's rate.
func BenchmarkIntakeTx(b *testing.B) {
	benchIntakeTx(b, openSQLite(b, store.Config{Synchronous: store.SyncFull}))
}

// BenchmarkIntakeTxPostgres is BenchmarkIntakeTx on PostgreSQL, where each
// round trip of the committer's connection counts.
func BenchmarkIntakeTxPostgres(b *testing.B) {
	benchIntakeTx(b, openPostgres(b, store.Config{}))
}

func benchIntakeTx(b *testing.B, s *store.Store) {
	body := []byte(`{"id":"ev","type":"RELEASE_CREATED","key":{"containerNumber":"MSCU1234565","port":"NLRTM"},"release":{"pin":"x"}}`)
	out := make([]byte, 900)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := intakeTx(s, i, body, out); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func intakeTx(s *store.Store, i int64, body, out []byte) error {
	id := fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15) // spread as hashes are
	return s.InTx(context.Background(), func(tx *store.Tx) error {
		key := "SEA/NLRTM/MSC/" + id
		tx.FindReleaseAhead(key, "NLRTM/"+id)
		if _, err := tx.SeenEach([]store.DedupeKey{{Kind: store.DedupeContent, Key: "c/" + id},
			{Kind: store.DedupeInterchange, Key: "i/" + id}, {Kind: store.DedupeBusinessKey, Key: "b/" + id}}); err != nil {
			return err
		}
		if _, _, _, _, err := tx.FindRelease(key, "NLRTM/"+id); err != nil {
			return err
		}
		if _, err := tx.AddEventSaveRelease(store.EventRow{ID: "ev" + id, ReleaseKey: key, Seq: 1, Type: "RELEASE_CREATED",
			OccurredAt: time.Now(), ReceivedAt: time.Now(), Hash: id, Body: body},
			key, store.ReleaseMeta{Status: "RELEASED", Port: "NLRTM", Carrier: "MSC"}, body, 0); err != nil {
			return err
		}
		if err := tx.SetUnit("NLRTM/"+id, key); err != nil {
			return err
		}
		for _, topic := range []string{"outbound_a", "outbound_b"} {
			if err := tx.Publish(topic, message.NewMessage(watermill.NewUUID(), out)); err != nil {
				return err
			}
		}
		return nil
	})
}
