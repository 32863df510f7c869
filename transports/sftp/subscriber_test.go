package sftp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

func TestPickupMetadata(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "COREOR_0412.edi", "UNB+UNOC:3'")
	assert.Equal(t, []string{"COREOR_0412.edi"}, p.poll(t))

	msg := p.receive(t)
	assert.Equal(t, "UNB+UNOC:3'", string(msg.Payload))
	assert.Equal(t, "partner-sftp", msg.Metadata.Get(transports.MetaEndpoint))
	assert.Equal(t, "COREOR_0412.edi", msg.Metadata.Get(transports.MetaFilename))
	assert.Equal(t, "2026-03-14T23:30:00Z", msg.Metadata.Get(transports.MetaReceivedAt))
	assert.Equal(t, transports.ContentHash([]byte("UNB+UNOC:3'")), msg.Metadata.Get(transports.MetaContentHash))
	assert.Equal(t, msg.Metadata.Get(transports.MetaContentHash), msg.Metadata.Get(transports.MetaIdempotencyKey))
	require.True(t, msg.Ack())
}

func TestArchiveAfterAck(t *testing.T) {
	tests := []struct {
		name     string
		archived []string // already in archive/2026-03-14/
		want     []string // files under the archive afterwards
	}{
		{name: "dated folder", want: []string{"2026-03-14/a.edi"}},
		{name: "name taken", archived: []string{"a.edi"}, want: []string{"2026-03-14/a.1.edi", "2026-03-14/a.edi"}},
		{name: "two names taken", archived: []string{"a.edi", "a.1.edi"}, want: []string{"2026-03-14/a.1.edi", "2026-03-14/a.2.edi", "2026-03-14/a.edi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPickup(t, nil, nil)
			for _, name := range tt.archived {
				require.NoError(t, p.srv.WriteFile("/in/archive/2026-03-14/"+name, []byte("older")))
			}
			p.put(t, "a.edi", "UNB")
			p.poll(t)
			msg := p.receive(t)
			assert.True(t, p.srv.Exists("/in/a.edi"), "moved before the ack")
			assert.Len(t, files(t, p.srv, "/in/archive"), len(tt.archived), "archived before the ack")

			require.True(t, msg.Ack())
			waitFiles(t, p.srv, "/in/archive", tt.want...)
			assert.NotContains(t, nameList(t, p.srv, "/in"), "a.edi")
			for _, name := range tt.archived {
				got, err := p.srv.ReadFile("/in/archive/2026-03-14/" + name)
				require.NoError(t, err)
				assert.Equal(t, "older", string(got), "an archived file was replaced")
			}
		})
	}
}

func TestDeleteAfterAck(t *testing.T) {
	p := newPickup(t, nil, func(c *sftp.Config) { c.Delete = true })
	p.put(t, "a.edi", "UNB")
	p.poll(t)
	msg := p.receive(t)
	assert.True(t, p.srv.Exists("/in/a.edi"), "deleted before the ack")

	require.True(t, msg.Ack())
	waitFiles(t, p.srv, "/in")
	assert.Empty(t, nameList(t, p.srv, "/in"), "no archive folder in delete mode")
}

func TestNackLeavesFile(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "a.edi", "UNB")
	p.poll(t)
	first := p.receive(t)
	assert.Empty(t, p.poll(t), "a file in flight was queued again")

	require.True(t, first.Nack())
	second := p.receivePolling(t)
	assert.Equal(t, first.Metadata.Get(transports.MetaContentHash), second.Metadata.Get(transports.MetaContentHash))
	assert.True(t, p.srv.Exists("/in/a.edi"))
	assert.Empty(t, files(t, p.srv, "/in/archive"))
	require.True(t, second.Ack())
	waitFiles(t, p.srv, "/in/archive", "2026-03-14/a.edi")
}

func TestLeftOnServer(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		adjust  func(*sftp.Config)
	}{
		{name: "part file", file: "a.edi.part", content: "UNB"},
		{name: "tmp file", file: "a.edi.tmp", content: "UNB"},
		{name: "dotfile", file: ".a.edi", content: "UNB"},
		{name: "done marker", file: "a.edi.done", content: ""},
		{name: "empty file", file: "a.edi", content: ""},
		{name: "not included", file: "a.txt", content: "UNB", adjust: func(c *sftp.Config) { c.Include = []string{"*.edi", "COREOR_*"} }},
		{name: "too big", file: "a.edi", content: "12345", adjust: func(c *sftp.Config) { c.MaxBytes = 4 }},
		{name: "unsafe name", file: "a\x01.edi", content: "UNB"},
		{name: "leading space", file: " a.edi", content: "UNB"},
		{name: "no done marker", file: "a.edi", content: "UNB", adjust: func(c *sftp.Config) { c.DoneMarker = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPickup(t, nil, tt.adjust)
			require.NoError(t, p.srv.WriteFile("/in/"+tt.file, []byte(tt.content)))
			require.NoError(t, p.srv.Partner().Mkdir("/in/folder.edi"))

			assert.Empty(t, p.poll(t))
			assert.Empty(t, p.poll(t), "second poll")
			assert.True(t, p.srv.Exists("/in/"+tt.file))
		})
	}
}

func TestIncludedAndTaken(t *testing.T) {
	p := newPickup(t, nil, func(c *sftp.Config) { c.Include = []string{"*.edi", "COREOR_*"} })
	for _, name := range []string{"a.edi", "COREOR_1.txt", "b.xml"} {
		p.put(t, name, "x")
	}
	assert.ElementsMatch(t, []string{"a.edi", "COREOR_1.txt"}, p.poll(t))
}

func TestDoneMarker(t *testing.T) {
	p := newPickup(t, nil, func(c *sftp.Config) { c.DoneMarker = true })
	require.NoError(t, p.srv.WriteFile("/in/a.edi", []byte("UNB")))
	assert.Empty(t, p.poll(t), "taken without its marker")

	require.NoError(t, p.srv.WriteFile("/in/a.edi.done", nil))
	assert.Equal(t, []string{"a.edi"}, p.poll(t))
	msg := p.receive(t)
	assert.Equal(t, "UNB", string(msg.Payload))
	require.True(t, msg.Ack())
	waitFiles(t, p.srv, "/in/archive", "2026-03-14/a.edi")
	waitFiles(t, p.srv, "/in", "archive/2026-03-14/a.edi")
}

func TestSettle(t *testing.T) {
	p := newPickup(t, nil, func(c *sftp.Config) { c.Settle = 10 * time.Second })
	require.NoError(t, p.srv.WriteFile("/in/a.edi", []byte("UNB")))
	assert.Empty(t, p.poll(t), "first listing")
	p.clock.Advance(9 * time.Second)
	assert.Empty(t, p.poll(t), "before the settle time")

	require.NoError(t, p.srv.WriteFile("/in/a.edi", []byte("UNB+more")))
	p.clock.Advance(5 * time.Second)
	assert.Empty(t, p.poll(t), "grown: settling starts again")
	p.clock.Advance(10 * time.Second)
	assert.Equal(t, []string{"a.edi"}, p.poll(t))
	assert.Equal(t, "UNB+more", string(p.receive(t).Payload))
}

// A file that grows between the listing and the download is left for the
// next poll, which takes it whole.
func TestChangedWhileListed(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "a.edi", "UNB")
	var grown atomic.Bool
	p.srv.SetHook(func(op sftptest.Op) error {
		if op.Method == "Get" && op.Path == "/in/a.edi" && grown.CompareAndSwap(false, true) {
			return p.srv.WriteFile("/in/a.edi", []byte("UNB+UNH"))
		}
		return nil
	})
	assert.Equal(t, []string{"a.edi"}, p.poll(t))
	// A poll may queue the file as first listed once more; the download
	// then notices, and a later poll takes the file as it is now.
	assert.Equal(t, "UNB+UNH", string(p.receivePolling(t).Payload))
	assert.True(t, grown.Load())
}

func TestConnectionDroppedWhileReading(t *testing.T) {
	p := newPickup(t, nil, nil)
	payload := strings.Repeat("UNH+1+COREOR:D:00B:UN'", 5000) // 110 kB
	p.put(t, "big.edi", payload)
	p.srv.DropWhileReading(40 << 10)

	logins := p.srv.Logins()
	assert.Equal(t, []string{"big.edi"}, p.poll(t))
	msg := p.receive(t)
	assert.Equal(t, payload, string(msg.Payload))
	assert.Equal(t, 2, p.srv.Logins()-logins, "one login before the drop, one after")
	// The connection had served the listing: it is replaced at once.
	assert.Empty(t, p.sleeps.got())
	require.True(t, msg.Ack())
	waitFiles(t, p.srv, "/in/archive", "2026-03-14/big.edi")
	assert.Empty(t, p.poll(t), "delivered twice")
}

func TestConnectionDroppedWhileArchiving(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "a.edi", "UNB")
	var dropped atomic.Int32
	p.srv.SetHook(func(op sftptest.Op) error {
		if op.Method == "Rename" && dropped.CompareAndSwap(0, 1) {
			return sftptest.ErrDrop
		}
		return nil
	})
	p.poll(t)
	require.True(t, p.receive(t).Ack())
	waitFiles(t, p.srv, "/in/archive", "2026-03-14/a.edi")
	assert.Equal(t, int32(1), dropped.Load())
	assert.Empty(t, p.poll(t), "delivered twice")
}

// After the rename went through but its answer was lost, the retry finds
// the file gone and neither fails nor archives it a second time.
func TestArchiveAnswerLost(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "a.edi", "UNB")
	var lost atomic.Bool
	p.srv.SetHook(func(op sftptest.Op) error {
		if op.Method == "Rename" && lost.CompareAndSwap(false, true) {
			// Rename behind the client's back, then lose the answer.
			if err := p.srv.Partner().Rename(op.Path, op.Target); err != nil {
				return err
			}
			return sftptest.ErrDrop
		}
		return nil
	})
	p.poll(t)
	require.True(t, p.receive(t).Ack())
	waitFiles(t, p.srv, "/in", "archive/2026-03-14/a.edi")
	assert.True(t, lost.Load())
	assert.Empty(t, p.poll(t))
}

func TestFailureReason(t *testing.T) {
	tests := []struct {
		name  string
		error string
		want  []string // files under /, but for /out
	}{
		{name: "error folder", error: "/rejected", want: []string{"in/archive", "rejected/a.edi", "rejected/a.edi.error.txt"}},
		{name: "no error folder", want: []string{"in/archive/2026-03-14/a.edi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPickup(t, nil, func(c *sftp.Config) { c.Error = tt.error })
			require.NoError(t, p.srv.Partner().MkdirAll("/in/archive"))
			p.put(t, "a.edi", "UNB")
			p.poll(t)
			msg := p.receive(t)
			msg.Metadata.Set(transports.MetaFailureReason, "EQD C237.8260 \"CSQU3054381\" has a wrong\nISO 6346 check digit")
			require.True(t, msg.Ack())
			if tt.error == "" {
				waitFiles(t, p.srv, "/in", "archive/2026-03-14/a.edi")
				return
			}
			const want = "EQD C237.8260 \"CSQU3054381\" has a wrong ISO 6346 check digit\n"
			require.Eventually(t, func() bool {
				reason, err := p.srv.ReadFile("/rejected/a.edi.error.txt")
				return err == nil && string(reason) == want
			}, testTimeout, 2*time.Millisecond, "the reason was never written beside the file")
			assert.Equal(t, []string{"a.edi", "a.edi.error.txt"}, files(t, p.srv, "/rejected"))
			assert.Empty(t, files(t, p.srv, "/in/archive"))
		})
	}
}

// Two subscriptions share the folder; a file in flight in one is not
// queued again for the other.
func TestNoConcurrentDoubleDelivery(t *testing.T) {
	p := newPickup(t, nil, nil)
	other, err := p.sub.Subscribe(context.Background(), "partner-sftp")
	require.NoError(t, err)
	p.put(t, "a.edi", "UNB")
	p.poll(t)

	var msg = func() interface{ Ack() bool } {
		select {
		case m := <-p.msgs:
			return m
		case m := <-other:
			return m
		case <-time.After(testTimeout):
			require.FailNow(t, "no message")
			return nil
		}
	}()
	for range 3 {
		assert.Empty(t, p.poll(t), "queued again while in flight")
	}
	require.True(t, msg.Ack())
	waitFiles(t, p.srv, "/in/archive", "2026-03-14/a.edi")
}

// Close gives an acked file the time to be archived.
func TestCloseArchivesAckedFile(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "a.edi", "UNB")
	p.poll(t)
	require.True(t, p.receive(t).Ack())
	require.NoError(t, p.sub.Close())
	assert.Equal(t, []string{"2026-03-14/a.edi"}, files(t, p.srv, "/in/archive"))
}

func TestPollAfterClose(t *testing.T) {
	p := newPickup(t, nil, nil)
	require.NoError(t, p.sub.Close())
	_, err := p.sub.Poll()
	require.ErrorIs(t, err, transports.ErrClosed)
}

func TestRetriesThenGivesUp(t *testing.T) {
	p := newPickup(t, nil, func(c *sftp.Config) {
		c.MaxRetries = 3
		c.Backoff = time.Second
	})
	p.srv.SetHook(func(op sftptest.Op) error {
		if op.Method == "List" {
			return sftptest.ErrDrop
		}
		return nil
	})
	_, err := p.sub.Poll()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sftp "+p.srv.Addr()+`: list "/in": `)
	assert.Contains(t, err.Error(), "(gave up after 4 attempts)")
	assert.False(t, transports.IsPermanent(err))
	// The first attempt connects anew, so there is no immediate retry.
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, p.sleeps.got())
}

func TestServerAnswerNotRetried(t *testing.T) {
	p := newPickup(t, nil, func(c *sftp.Config) { c.Dir = "/missing" })
	_, err := p.sub.Poll()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `list "/missing": `)
	assert.Empty(t, p.sleeps.got(), "a server's answer was retried")
}

// A connection the server dropped while idle is replaced at once.
func TestIdleConnectionDropped(t *testing.T) {
	p := newPickup(t, nil, nil)
	p.put(t, "a.edi", "UNB")
	p.put(t, "b.edi", "UNB")
	p.poll(t)
	msg := p.receive(t) // b.edi now waits, so the connection stays open
	p.srv.DropConnections()
	require.True(t, msg.Ack())
	require.True(t, p.receive(t).Ack())
	waitFiles(t, p.srv, "/in/archive", "2026-03-14/a.edi", "2026-03-14/b.edi")
	assert.Empty(t, p.sleeps.got(), "waited before replacing an idle connection")
}

// The subscription starts even when the server is down; polls report it.
func TestSubscribeServerDown(t *testing.T) {
	srv := newServer(t)
	cfg := sftp.Config{Connection: connection(srv), Dir: "/in", Schedule: "@yearly"}
	cfg.MaxRetries = -1
	require.NoError(t, srv.Close())
	sub, err := sftp.NewSubscriber(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	msgs, err := sub.Subscribe(context.Background(), "partner-sftp")
	require.NoError(t, err)
	require.NotNil(t, msgs)
	_, err = sub.Poll()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sftp "+srv.Addr()+": list")
	assert.False(t, errors.Is(err, sftp.ErrHostKey))
}

// nameList lists the names in dir.
func nameList(t testing.TB, srv *sftptest.Server, dir string) []string {
	t.Helper()
	names, err := srv.List(dir)
	require.NoError(t, err)
	return names
}

// A file that is never taken is reported once per size, not at every poll.
func TestLeftFileReportedOnce(t *testing.T) {
	srv := newServer(t)
	logs := watermill.NewCaptureLogger()
	sub, err := sftp.NewSubscriber(sftp.Config{Connection: connection(srv), Dir: "/in", Schedule: "@yearly", MaxBytes: 4}, logs)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	_, err = sub.Subscribe(context.Background(), "partner-sftp")
	require.NoError(t, err)

	reports := func() []string {
		var reasons []string
		for _, m := range logs.Captured()[watermill.ErrorLogLevel] {
			if m.Msg == "File left on the server, not taken" {
				reasons = append(reasons, fmt.Sprint(m.Fields["reason"]))
			}
		}
		return reasons
	}
	require.NoError(t, srv.Put("/in/a.edi", []byte("12345")))
	for range 3 {
		_, err := sub.Poll()
		require.NoError(t, err)
	}
	assert.Equal(t, []string{`file "a.edi" of 5 bytes is larger than the limit of 4 bytes (max_bytes)`}, reports())

	require.NoError(t, srv.WriteFile("/in/a.edi", []byte("123456")))
	_, err = sub.Poll()
	require.NoError(t, err)
	assert.Len(t, reports(), 2, "a new size is reported again")
	assert.True(t, srv.Exists("/in/a.edi"))
}
