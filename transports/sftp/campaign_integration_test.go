//go:build integration && linux

package sftp_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// The SFTP fault campaign: transfers to and from OpenSSH through the fault
// proxy, each connection cut at a random byte in the middle of the file.
const (
	sftpCampaignTransfers = 50 // per direction
	sftpCampaignSize      = 256 << 10
)

// TestSFTPCutCampaign uploads 50 files and downloads 50 files, each
// transfer cut once mid-way, and asserts that every file arrives whole
// exactly once and that no partial file is ever visible under a final
// name: a watcher lists the upload folder all along, and every payload
// picked up must equal the file dropped. PCSGATE_CRASH_SEED replays a
// run's cut points.
func TestSFTPCutCampaign(t *testing.T) {
	s := startSSHD(t)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("PCSGATE_CRASH_SEED"); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "PCSGATE_CRASH_SEED")
	}
	t.Logf("cut schedule seed %d (PCSGATE_CRASH_SEED replays it)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	in, out := folders(t)
	proxy := sftptest.NewProxy(t, s.addr)
	conn := s.connection(t, proxy.Addr())

	up := sftpUploads(t, conn, proxy, out, rng)
	down := sftpDownloads(t, conn, proxy, in, rng)
	transporttest.Figure("sftp cuts: %d uploads and %d downloads of %d KiB, each cut once mid-way (%d connections in all); partial files seen under a final name %d, uploads lost %d, files doubled %d; downloads lost %d, payloads differing %d, picked up twice %d\n",
		sftpCampaignTransfers, sftpCampaignTransfers, sftpCampaignSize>>10, proxy.Connections(),
		up.partial, up.lost, up.doubled, down.lost, down.differing, down.twice)
}

// campaignPayload is file k's content: sftpCampaignSize bytes that differ
// from every other file's.
func campaignPayload(k int) []byte {
	line := fmt.Sprintf("UNH+%d+COREOR:D:00B:UN'BGM+129+REL%06d+9'", k, k)
	return bytes.Repeat([]byte(line), sftpCampaignSize/len(line)+1)[:sftpCampaignSize]
}

type uploadFigures struct{ partial, lost, doubled int }

// sftpUploads publishes the files, each with its connection cut at a
// random byte of the middle 80 %, while a watcher checks the size of every
// final name it sees.
func sftpUploads(t *testing.T, conn sftp.Connection, proxy *sftptest.Proxy, out string, rng *rand.Rand) uploadFigures {
	pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: out, Extension: ".edi"}, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, pub.Close()) }()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var partial []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		partial = watchFinalSizes(ctx, out, sftpCampaignSize)
	}()
	for k := range sftpCampaignTransfers {
		before := proxy.Connections()
		proxy.CutUploadAfter(int64(sftpCampaignSize/10 + rng.IntN(sftpCampaignSize*8/10)))
		require.NoError(t, pub.Publish("out", outMsg(fmt.Sprintf("up-%02d", k), string(campaignPayload(k)))), "upload %d", k)
		assert.Greater(t, proxy.Connections(), before, "upload %d was not cut", k)
	}
	cancel()
	wg.Wait()
	assert.Empty(t, partial, "partial files seen under a final name")

	var f uploadFigures
	f.partial = len(partial)
	names := localNames(t, out)
	for k := range sftpCampaignTransfers {
		got, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("up-%02d.edi", k)))
		if !assert.NoError(t, err, "upload %d lost", k) {
			f.lost++
			continue
		}
		assert.True(t, bytes.Equal(campaignPayload(k), got), "upload %d differs", k)
	}
	assert.Len(t, names, sftpCampaignTransfers, "files in the upload folder (temporary files left or names doubled): %v", names)
	f.doubled = max(0, len(names)-sftpCampaignTransfers)
	return f
}

// watchFinalSizes lists dir until ctx ends and returns the final names
// (not dot-files, not .part) it saw with another size than size.
func watchFinalSizes(ctx context.Context, dir string, size int64) []string {
	var bad []string
	for ctx.Err() == nil {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			n := e.Name()
			if strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".edi") {
				continue
			}
			if info, err := e.Info(); err == nil && info.Size() != size {
				bad = append(bad, fmt.Sprintf("%s (%d bytes)", n, info.Size()))
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Millisecond): // listing is the only way to see a name
		}
	}
	return bad
}

type downloadFigures struct{ lost, differing, twice int }

// sftpDownloads drops the files one at a time and picks each up with its
// connection cut at a random byte of the middle 80 %.
func sftpDownloads(t *testing.T, conn sftp.Connection, proxy *sftptest.Proxy, in string, rng *rand.Rand) downloadFigures {
	sub, msgs, stop := startYearlySubscriber(t, conn, in)
	defer stop()
	var f downloadFigures
	for k := range sftpCampaignTransfers {
		name := fmt.Sprintf("down-%02d.edi", k)
		drop(t, in, name, campaignPayload(k))
		before := proxy.Connections()
		proxy.CutDownloadAfter(int64(sftpCampaignSize/10 + rng.IntN(sftpCampaignSize*8/10)))
		pollUntilQueued(t, sub, name)
		msg := receiveFrom(t, msgs)
		if !bytes.Equal(campaignPayload(k), msg.Payload) {
			f.differing++
			assert.Failf(t, "download differs", "%s: %d bytes", name, len(msg.Payload))
		}
		require.True(t, msg.Ack())
		assert.Greater(t, proxy.Connections(), before, "download %d was not cut", k)
		archived := filepath.Join(in, "archive", "2026-03-14", name)
		require.Eventually(t, func() bool { _, err := os.Stat(archived); return err == nil }, testTimeout, 5*time.Millisecond, "%s archived", name)
	}
	names, err := sub.Poll()
	require.NoError(t, err)
	f.twice = len(names)
	assert.Empty(t, names, "picked up twice")
	left := localNames(t, in)
	assert.Equal(t, []string{"archive"}, left, "left in the pick-up folder")
	archived, err := filepath.Glob(filepath.Join(in, "archive", "*", "*"))
	require.NoError(t, err)
	f.lost = sftpCampaignTransfers - len(archived)
	assert.Len(t, archived, sftpCampaignTransfers, "files archived")
	return f
}

// pollUntilQueued polls until a poll succeeds: one whose listing the cut
// interrupts fails and is tried again. Whether name was queued shows in
// the message received next.
func pollUntilQueued(t *testing.T, sub *sftp.Subscriber, name string) {
	for try := 0; try < 5; try++ {
		if _, err := sub.Poll(); err == nil {
			return
		}
	}
	require.FailNow(t, "five polls failed", name)
}
