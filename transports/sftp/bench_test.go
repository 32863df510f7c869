package sftp_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// The in-memory server delays each write by 1µs per byte, so these measure
// pcsgate's overhead per file plus that delay, over 127.0.0.1.

func BenchmarkPublish(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			u := newUpload(b, nil, nil).pub
			payload := make([]byte, size)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			b.ResetTimer()
			for i := range b.N {
				if err := u.Publish("out", outMsg(fmt.Sprintf("evt-%d", i%100), string(payload))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPickup(b *testing.B) {
	p := newPickup(b, nil, nil)
	payload := make([]byte, 1<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		name := fmt.Sprintf("f-%d.edi", i)
		require.NoError(b, p.srv.Put("/in/"+name, payload))
		b.StartTimer()
		if _, err := p.sub.Poll(); err != nil {
			b.Fatal(err)
		}
		msg := <-p.msgs
		msg.Ack()
	}
}
