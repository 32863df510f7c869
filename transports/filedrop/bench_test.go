package filedrop_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

var benchPayload = []byte("UNA:+.? 'UNB+UNOC:3+MSCU+NLRTMPB+260314:1030+412'UNH+1+COREOR:D:00B:UN:SMDG20'BGM+129+REL0412+9'EQD+CN+CSQU3054383+45G1:102:5'UNT+4+1'UNZ+1+412'")

// BenchmarkPublish: one file per op, written and renamed, synced to disk or
// not.
func BenchmarkPublish(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("no_sync=%t", noSync), func(b *testing.B) {
			pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: b.TempDir(), Extension: ".edi", NoSync: noSync}, nil)
			require.NoError(b, err)
			b.ReportAllocs()
			b.SetBytes(int64(len(benchPayload)))
			for i := 0; b.Loop(); i++ {
				if err := pub.Publish("out", outMsg(fmt.Sprintf("evt-%d", i), string(benchPayload))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReceive: one dropped file per op, listed, read, delivered, acked
// and archived; "sealed": each message is acked as carrying a secret, so
// its file is archived as an encrypted copy instead of moved.
func BenchmarkReceive(b *testing.B) {
	for _, sealed := range []bool{false, true} {
		b.Run(map[bool]string{false: "moved", true: "sealed"}[sealed], func(b *testing.B) { benchReceive(b, sealed) })
	}
}

func benchReceive(b *testing.B, sealed bool) {
	dir := b.TempDir()
	var tick atomic.Int64
	clock := func() time.Time { return day0.Add(time.Duration(tick.Add(1)) * time.Hour) } // every listing settles
	cfg := filedrop.Config{Dir: dir, Poll: time.Hour, NoWatch: true, Clock: clock}
	if sealed {
		cfg.Sealer = keySealer(bytes.Repeat([]byte{7}, seal.KeySize))
	}
	sub, err := filedrop.NewSubscriber(cfg, nil)
	require.NoError(b, err)
	defer sub.Close()

	n := b.N
	for i := range n {
		require.NoError(b, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%07d.edi", i)), benchPayload, 0o600))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchPayload)))
	b.ResetTimer()
	msgs, err := sub.Subscribe(context.Background(), "in")
	require.NoError(b, err)
	_, err = sub.Rescan()
	require.NoError(b, err)
	for i := 0; i < n; {
		select {
		case msg := <-msgs:
			if sealed {
				msg.Metadata.Set(transports.MetaSealFiles, "true")
			}
			msg.Ack()
			i++
		case <-time.After(time.Second):
			_, err = sub.Rescan() // more than the queue holds
			require.NoError(b, err)
		}
	}
	require.NoError(b, sub.Close()) // waits for the last file to be archived
}
