package filedrop_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

// A listing reads the folder but does not look again at files that are
// queued, in flight or still settling: with a backlog it costs one read of
// the folder, not one lstat() per file.
func TestListingLooksOnlyAtNewFiles(t *testing.T) {
	const n = 50
	m := newManual(t, nil)
	for i := range n {
		m.write(t, fmt.Sprintf("f%02d.edi", i), "UNB")
	}
	m.subscribe(t)
	require.Len(t, m.settle(t), n)

	before := filedrop.CountsForTest(m.sub)
	m.clock.Advance(time.Hour)
	assert.Empty(t, m.rescan(t))
	after := filedrop.CountsForTest(m.sub)
	assert.Equal(t, before.Listings+1, after.Listings)
	assert.Zero(t, after.Lstats-before.Lstats, "the listing looked at queued files")

	m.write(t, "new.edi", "UNB")
	assert.Empty(t, m.rescan(t))
	settling := filedrop.CountsForTest(m.sub)
	assert.Equal(t, after.Lstats+1, settling.Lstats, "the new file is looked at once")
	m.clock.Advance(testSettle / 2)
	assert.Empty(t, m.rescan(t))
	assert.Equal(t, settling.Lstats, filedrop.CountsForTest(m.sub).Lstats, "a settling file was looked at before it was due")
	m.clock.Advance(testSettle / 2)
	assert.Equal(t, []string{"new.edi"}, m.rescan(t))
}

// newWatched subscribes to a new folder with notifications on and a poll
// interval longer than any test: only notifications find files.
func newWatched(t *testing.T, adjust func(*filedrop.Config)) (string, *filedrop.Subscriber, <-chan *message.Message) {
	t.Helper()
	dir := t.TempDir()
	cfg := filedrop.Config{Dir: dir, Settle: time.Millisecond, Poll: time.Hour}
	if adjust != nil {
		adjust(&cfg)
	}
	sub, err := filedrop.NewSubscriber(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	msgs, err := sub.Subscribe(context.Background(), "test-drop")
	require.NoError(t, err)
	return dir, sub, msgs
}

func receiveFrom(t *testing.T, msgs <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-msgs:
		require.True(t, ok, "subscription closed")
		return msg
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no message")
		return nil
	}
}

// A notified file is looked at by itself, when notified and when it has
// settled; the folder is listed only when subscribing.
func TestNotifiedFileNeedsNoListing(t *testing.T) {
	tests := []struct {
		name   string
		marker bool
	}{
		{name: "settle"},
		{name: "done marker", marker: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, sub, msgs := newWatched(t, func(c *filedrop.Config) { c.DoneMarker = tt.marker })
			require.Equal(t, int64(1), filedrop.CountsForTest(sub).Listings)

			require.NoError(t, dropFile(dir, "a.edi", []byte("UNB")))
			if tt.marker {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "a.edi.done"), nil, 0o600))
			}
			msg := receiveFrom(t, msgs)
			assert.Equal(t, "UNB", string(msg.Payload))
			c := filedrop.CountsForTest(sub)
			assert.Equal(t, int64(1), c.Listings, "the folder was listed again")
			assert.LessOrEqual(t, c.Lstats, int64(4), "looked at more than the notified file")
			require.True(t, msg.Ack())
		})
	}
}

// holdMoves replaces the Subscriber's moves by ones that report the name
// on moving and wait for release, which the test's cleanup calls too.
func holdMoves(t *testing.T, sub *filedrop.Subscriber) (moving <-chan string, release func()) {
	names := make(chan string, 8)
	rel := make(chan struct{})
	filedrop.SetMoveForTest(sub, func(src, dir, name string) (string, error) {
		names <- name
		<-rel
		return filedrop.MoveNoReplaceForTest(src, dir, name)
	})
	release = sync.OnceFunc(func() { close(rel) })
	t.Cleanup(release) // before the Subscriber's Close
	return names, release
}

func nextName(t *testing.T, names <-chan string) string {
	t.Helper()
	select {
	case n := <-names:
		return n
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no move")
		return ""
	}
}

// An acked file is archived in the background: the next file is delivered
// while the move is still going on, the file is not queued again until it
// is archived, and Close waits for the move.
func TestArchiveOffDeliveryPath(t *testing.T) {
	m := newManual(t, nil)
	moving, release := holdMoves(t, m.sub)
	m.write(t, "a.edi", "first")
	m.write(t, "b.edi", "second")
	m.subscribe(t)
	require.ElementsMatch(t, []string{"a.edi", "b.edi"}, m.settle(t))

	first := m.receive(t)
	require.True(t, first.Ack())
	firstName := first.Metadata.Get(transports.MetaFilename)
	require.Equal(t, firstName, nextName(t, moving))

	second := m.receive(t) // while the first move is held up
	assert.NotEqual(t, firstName, second.Metadata.Get(transports.MetaFilename))
	assert.Empty(t, m.rescan(t), "a file being archived was queued again")
	require.True(t, second.Ack())
	nextName(t, moving)

	closed := make(chan error, 1)
	go func() { closed <- m.sub.Close() }()
	release()
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		require.FailNow(t, "Close did not return")
	}
	day := filepath.Join(m.dir, "archive", "2026-03-14")
	assert.FileExists(t, filepath.Join(day, "a.edi"), "Close returned before the move")
	assert.FileExists(t, filepath.Join(day, "b.edi"), "Close returned before the move")
	assert.NoFileExists(t, filepath.Join(m.dir, "a.edi"))
	assert.NoFileExists(t, filepath.Join(m.dir, "b.edi"))
}

// A file dropped under the name of one being archived, right after the old
// one left the folder, is delivered without waiting for a listing, even
// though its notification came while the name was still in flight.
func TestSameNameDuringArchive(t *testing.T) {
	dir := t.TempDir()
	sub, err := filedrop.NewSubscriber(filedrop.Config{Dir: dir, Settle: time.Millisecond, Poll: time.Hour}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, sub.Close()) })
	redropped := false
	filedrop.SetMoveForTest(sub, func(src, into, name string) (string, error) {
		final, err := filedrop.MoveNoReplaceForTest(src, into, name)
		if !redropped {
			redropped = true // one filer at a time: one file is acked at a time
			before := filedrop.CountsForTest(sub).Creates
			assert.NoError(t, dropFile(dir, name, []byte("second")))
			// Hold the name in flight until its creation was notified.
			assert.Eventually(t, func() bool { return filedrop.CountsForTest(sub).Creates > before }, 5*time.Second, time.Millisecond)
		}
		return final, err
	})
	msgs, err := sub.Subscribe(context.Background(), "test-drop")
	require.NoError(t, err)

	require.NoError(t, dropFile(dir, "a.edi", []byte("first")))
	first := receiveFrom(t, msgs)
	require.Equal(t, "first", string(first.Payload))
	require.True(t, first.Ack())

	second := receiveFrom(t, msgs)
	assert.Equal(t, "second", string(second.Payload))
	assert.Equal(t, "a.edi", second.Metadata.Get(transports.MetaFilename))
	require.True(t, second.Ack())
}

// Files are handed out in the order they were written even when the later
// one was seen first (a listing that runs while files are added to the
// folder may miss the earlier one): a settled file waits for an older one
// still settling. A newer file still settling holds no one back.
func TestOlderFileFirst(t *testing.T) {
	m := newManual(t, nil)
	m.subscribe(t)
	written := time.Now().Add(-time.Minute).Truncate(time.Second)
	writeAt := func(name string, at time.Time) {
		m.write(t, name, name)
		require.NoError(t, os.Chtimes(filepath.Join(m.dir, name), at, at))
	}

	writeAt("b.edi", written.Add(time.Second))
	assert.Empty(t, m.rescan(t), "b is seen first")
	m.clock.Advance(testSettle / 2)
	writeAt("a.edi", written)
	assert.Empty(t, m.rescan(t), "a, written before b, is seen later")
	m.clock.Advance(testSettle / 2)
	assert.Empty(t, m.rescan(t), "b has settled but waits for a")
	assert.Equal(t, int64(1), filedrop.HeldForTest(m.sub))
	m.clock.Advance(testSettle / 2)
	assert.Equal(t, []string{"a.edi", "b.edi"}, m.rescan(t))
	for _, want := range []string{"a.edi", "b.edi"} {
		msg := m.receive(t)
		assert.Equal(t, want, msg.Metadata.Get(transports.MetaFilename))
		msg.Ack()
	}

	writeAt("c.edi", written.Add(2*time.Second))
	assert.Empty(t, m.rescan(t))
	m.clock.Advance(testSettle / 2)
	writeAt("d.edi", written.Add(3*time.Second))
	assert.Empty(t, m.rescan(t))
	m.clock.Advance(testSettle / 2)
	assert.Equal(t, []string{"c.edi"}, m.rescan(t), "d, written after c, holds nothing back")
	assert.Equal(t, int64(1), filedrop.HeldForTest(m.sub))
}
