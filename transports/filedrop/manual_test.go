package filedrop_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/filedrop"
)

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

// testSettle is the settle time of manual subscribers.
const testSettle = 10 * time.Second

// day0 is the manual clock's start: 00:30 in Amsterdam on 15 March 2026,
// which is still 14 March in UTC.
var day0 = time.Date(2026, 3, 15, 0, 30, 0, 0, time.FixedZone("CET", 3600))

// manual is a subscriber whose folder is listed only when the test says so:
// no notifications, a poll interval longer than any test.
type manual struct {
	dir   string
	clock *manualClock
	sub   *filedrop.Subscriber
	msgs  <-chan *message.Message
}

func newManual(t *testing.T, adjust func(*filedrop.Config)) *manual {
	t.Helper()
	return newManualAt(t, t.TempDir(), adjust)
}

// newManualAt is newManual on a given folder.
func newManualAt(t *testing.T, dir string, adjust func(*filedrop.Config)) *manual {
	t.Helper()
	return newManualWith(t, dir, nil, adjust)
}

// newManualLogged is newManual logging to logger.
func newManualLogged(t *testing.T, logger watermill.LoggerAdapter, adjust func(*filedrop.Config)) *manual {
	t.Helper()
	return newManualWith(t, t.TempDir(), logger, adjust)
}

func newManualWith(t *testing.T, dir string, logger watermill.LoggerAdapter, adjust func(*filedrop.Config)) *manual {
	t.Helper()
	m := &manual{dir: dir, clock: newManualClock(day0)}
	cfg := filedrop.Config{Dir: m.dir, Settle: testSettle, Poll: time.Hour, NoWatch: true, Clock: m.clock.Now}
	if adjust != nil {
		adjust(&cfg)
	}
	sub, err := filedrop.NewSubscriber(cfg, logger)
	require.NoError(t, err)
	m.sub = sub
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	return m
}

// subscribe subscribes; the subscription's first listing happens here.
func (m *manual) subscribe(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	msgs, err := m.sub.Subscribe(ctx, "test-drop")
	require.NoError(t, err)
	m.msgs = msgs
}

// rescan lists the folder and returns the names queued.
func (m *manual) rescan(t *testing.T) []string {
	t.Helper()
	names, err := m.sub.Rescan()
	require.NoError(t, err)
	return names
}

// settle advances the clock past the settle time and lists twice, so every
// file present is queued; it returns the names queued.
func (m *manual) settle(t *testing.T) []string {
	t.Helper()
	first := m.rescan(t)
	m.clock.Advance(testSettle)
	return append(first, m.rescan(t)...)
}

func (m *manual) receive(t *testing.T) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-m.msgs:
		require.True(t, ok, "subscription closed")
		return msg
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no message")
		return nil
	}
}

func (m *manual) write(t *testing.T, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(m.dir, name), []byte(content), 0o600))
}

// waitFile waits until path exists: the transport files a message
// asynchronously after its Ack.
func waitFile(t *testing.T, path string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := os.Stat(path)
		return err == nil
	}, 5*time.Second, 2*time.Millisecond, "%s never appeared", path)
}

// waitGone waits until path no longer exists: the file has been moved.
func waitGone(t *testing.T, path string) {
	t.Helper()
	require.Eventually(t, func() bool { return !exists(path) }, 5*time.Second, 2*time.Millisecond, "%s never went away", path)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
