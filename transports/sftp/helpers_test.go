package sftp_test

import (
	"context"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// testTimeout bounds every wait of these tests.
const testTimeout = 10 * time.Second

// newServer starts an in-memory SFTP server with the folders /in and /out.
func newServer(t testing.TB) *sftptest.Server {
	t.Helper()
	srv := sftptest.New(t, sftptest.Options{})
	require.NoError(t, srv.Partner().MkdirAll("/in"))
	require.NoError(t, srv.Partner().MkdirAll("/out"))
	return srv
}

// connection is how the transport reaches srv: password, pinned
// fingerprint, quick retries.
func connection(srv *sftptest.Server) sftp.Connection {
	return sftp.Connection{
		Addr:               srv.Addr(),
		User:               srv.User(),
		Password:           srv.Password(),
		HostKeyFingerprint: srv.Fingerprint(),
		Timeout:            testTimeout,
		Backoff:            time.Millisecond,
	}
}

// manualClock is a Clock that moves only when told.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newManualClock(at time.Time) *manualClock { return &manualClock{now: at} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// day0 is the manual clock's start: 00:30 in Amsterdam on 15 March 2026,
// which is still 14 March in UTC.
var day0 = time.Date(2026, 3, 15, 0, 30, 0, 0, time.FixedZone("CET", 3600))

// sleeps records the waits asked of an injected Sleep and returns at once.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// pickup is a subscriber on a test server, driven by Poll: its schedule
// never fires during a test, and its initial poll is over when newPickup
// returns.
type pickup struct {
	srv    *sftptest.Server
	clock  *manualClock
	sleeps *pickupSleeps
	sub    *sftp.Subscriber
	msgs   <-chan *message.Message
}

// pickupSleeps is the Sleep of a pickup. Waits longer than any backoff are
// the schedule's: they report on scheduled and last until the subscriber
// closes. Shorter ones are backoffs: recorded, and over at once.
type pickupSleeps struct {
	sleeps
	scheduled chan time.Duration
}

func (s *pickupSleeps) sleep(ctx context.Context, d time.Duration) error {
	if d <= sftp.MaxBackoff {
		return s.sleeps.sleep(ctx, d)
	}
	select {
	case s.scheduled <- d:
	default:
	}
	<-ctx.Done()
	return ctx.Err()
}

// newPickup builds a subscriber on /in of srv (a new server when nil) and
// subscribes.
func newPickup(t testing.TB, srv *sftptest.Server, adjust func(*sftp.Config)) *pickup {
	t.Helper()
	if srv == nil {
		srv = newServer(t)
	}
	p := &pickup{srv: srv, clock: newManualClock(day0), sleeps: &pickupSleeps{scheduled: make(chan time.Duration, 1)}}
	cfg := sftp.Config{Connection: connection(srv), Dir: "/in", Schedule: "@yearly", Clock: p.clock.Now}
	cfg.Sleep = p.sleeps.sleep
	if adjust != nil {
		adjust(&cfg)
	}
	sub, err := sftp.NewSubscriber(cfg, nil)
	require.NoError(t, err)
	p.sub = sub
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		require.NoError(t, sub.Close())
	})
	msgs, err := sub.Subscribe(ctx, "partner-sftp")
	require.NoError(t, err)
	p.msgs = msgs
	select {
	case <-p.sleeps.scheduled: // the initial poll is over
	case <-time.After(testTimeout):
		require.FailNow(t, "the initial poll did not end")
	}
	return p
}

// poll lists the folder and returns the names queued.
func (p *pickup) poll(t testing.TB) []string {
	t.Helper()
	names, err := p.sub.Poll()
	require.NoError(t, err)
	return names
}

// put writes a file into /in the careful way.
func (p *pickup) put(t testing.TB, name, content string) {
	t.Helper()
	require.NoError(t, p.srv.Put(path.Join("/in", name), []byte(content)))
}

// receive waits for the next message.
func (p *pickup) receive(t testing.TB) *message.Message {
	t.Helper()
	return receiveFrom(t, p.msgs)
}

// receivePolling waits for the next message, polling while it waits: for
// files that a poll may take only after a later listing.
func (p *pickup) receivePolling(t testing.TB) *message.Message {
	t.Helper()
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case msg, ok := <-p.msgs:
			require.True(t, ok, "subscription closed")
			return msg
		case <-tick.C:
			_, _ = p.sub.Poll()
		case <-deadline.C:
			require.FailNow(t, "no message")
			return nil
		}
	}
}

// receiveFrom waits for the next message on msgs.
func receiveFrom(t testing.TB, msgs <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-msgs:
		require.True(t, ok, "subscription closed")
		return msg
	case <-time.After(testTimeout):
		require.FailNow(t, "no message")
		return nil
	}
}

// files lists the files under dir on the server, recursively.
func files(t testing.TB, srv *sftptest.Server, dir string) []string {
	t.Helper()
	names, err := srv.Files(dir)
	require.NoError(t, err)
	return names
}

// waitFiles waits until the files under dir are exactly want: the
// transport files a message asynchronously after its Ack.
func waitFiles(t testing.TB, srv *sftptest.Server, dir string, want ...string) {
	t.Helper()
	require.Eventually(t, func() bool {
		got, err := srv.Files(dir)
		return err == nil && equalNames(got, want)
	}, testTimeout, 2*time.Millisecond, "files under %s never became %v (now %v)", dir, want, files(t, srv, dir))
}

func equalNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
