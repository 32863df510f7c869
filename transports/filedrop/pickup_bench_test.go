package filedrop_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/filedrop"
)

// BenchmarkPickup: one file per op, renamed into a watched folder (settle
// 1 ms), delivered and acked, one after the other: the time per op is the
// latency from the rename to the message.
func BenchmarkPickup(b *testing.B) {
	dir := b.TempDir()
	sub, err := filedrop.NewSubscriber(filedrop.Config{Dir: dir, Settle: time.Millisecond, Poll: time.Hour}, nil)
	require.NoError(b, err)
	defer sub.Close()
	msgs, err := sub.Subscribe(context.Background(), "in")
	require.NoError(b, err)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := dropFile(dir, fmt.Sprintf("f%07d.edi", i), benchPayload); err != nil {
			b.Fatal(err)
		}
		select {
		case msg := <-msgs:
			msg.Ack()
		case <-time.After(10 * time.Second):
			b.Fatal("no message")
		}
	}
}
