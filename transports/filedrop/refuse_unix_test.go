//go:build unix

package filedrop_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

// A hard link to a file elsewhere, a symbolic link, a named pipe and a file
// over max_bytes beside good files: the good files are delivered, the others
// land in error/ with their reasons, unread, and nothing blocks. A pipe and
// a link swapped in under a listed name after the listing are refused too.
func TestRefusedEntriesBesideGoodFiles(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.edi")
	require.NoError(t, os.WriteFile(outside, []byte("secret"), 0o600))

	var logs lockedBuffer
	m := newManualLogged(t, watermill.NewStdLoggerWithOut(&logs, false, false), func(c *filedrop.Config) {
		c.MaxBytes = 64
		c.InFlight = 1 // the second file waits until the first is answered
	})
	m.write(t, "a-first.edi", "UNB first")
	old := day0.Add(-time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(m.dir, "a-first.edi"), old, old))
	m.write(t, "good.edi", "UNB good")
	m.write(t, "race-fifo.edi", "UNB becomes a pipe")
	m.write(t, "race-link.edi", "UNB becomes a link")
	m.write(t, "big.edi", string(bytes.Repeat([]byte("x"), 100)))
	require.NoError(t, os.Link(outside, filepath.Join(m.dir, "hard.edi")))
	require.NoError(t, os.Symlink(outside, filepath.Join(m.dir, "link.edi")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(m.dir, "fifo.edi"), 0o600))
	m.subscribe(t)
	m.settle(t)

	first := m.receive(t)
	require.Equal(t, "a-first.edi", first.Metadata.Get(transports.MetaFilename))
	// Listed as regular files, now a pipe and a link: opening either must
	// neither block nor follow the link.
	require.NoError(t, os.Remove(filepath.Join(m.dir, "race-fifo.edi")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(m.dir, "race-fifo.edi"), 0o600))
	require.NoError(t, os.Remove(filepath.Join(m.dir, "race-link.edi")))
	require.NoError(t, os.Symlink(outside, filepath.Join(m.dir, "race-link.edi")))
	require.True(t, first.Ack())

	got := []string{first.Metadata.Get(transports.MetaFilename)}
	second := m.receive(t) // fails after 5s if a read blocks
	got = append(got, second.Metadata.Get(transports.MetaFilename))
	assert.Equal(t, "UNB good", string(second.Payload))
	require.True(t, second.Ack())
	sort.Strings(got)
	assert.Equal(t, []string{"a-first.edi", "good.edi"}, got)

	errDir := filepath.Join(m.dir, "error")
	for name, reason := range map[string]string{
		"hard.edi":      `file "hard.edi" is refused: it has 2 hard links, a file with one name expected`,
		"link.edi":      `file "link.edi" is refused: it is a symbolic link, a regular file expected`,
		"fifo.edi":      `file "fifo.edi" is refused: it is a named pipe (FIFO), a regular file expected`,
		"big.edi":       `file "big.edi" of 100 bytes is larger than the limit of 64 bytes (max_bytes)`,
		"race-fifo.edi": `file "race-fifo.edi" is refused: it is a named pipe (FIFO), a regular file expected`,
		"race-link.edi": `file "race-link.edi" is refused: it is a symbolic link, a regular file expected`,
	} {
		waitFile(t, filepath.Join(errDir, name+".error.txt"))
		assert.Contains(t, readFile(t, filepath.Join(errDir, name+".error.txt")), reason, name)
		assert.True(t, exists(filepath.Join(errDir, name)), "%s not moved to error/", name)
		assert.False(t, exists(filepath.Join(m.dir, name)), "%s left in the inbox", name)
		// The log line follows the reason file, so it may come a moment later.
		assert.Eventually(t, func() bool { return strings.Contains(logs.String(), `file=`+name) },
			5*time.Second, 5*time.Millisecond, "no log line names %s", name)
	}
	waitFile(t, filepath.Join(m.dir, "archive", "2026-03-14", "good.edi"))
	assert.Equal(t, "secret", readFile(t, outside), "the outside file was touched")
	info, err := os.Lstat(filepath.Join(errDir, "link.edi"))
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&os.ModeSymlink, "the link itself is moved, not its target")

	assert.Empty(t, m.settle(t), "a refused entry was queued again")
	select {
	case msg := <-m.msgs:
		t.Fatalf("unexpected message of %s", msg.Metadata.Get(transports.MetaFilename))
	default:
	}
}

// A file replaced under its name after it was read is not archived in its
// place: the new file stays in the inbox and is delivered in turn.
func TestOnlyTheFileReadIsArchived(t *testing.T) {
	m := newManual(t, nil)
	m.write(t, "a.edi", "UNB old")
	m.subscribe(t)
	m.settle(t)
	msg := m.receive(t)
	require.Equal(t, "UNB old", string(msg.Payload))

	require.NoError(t, os.Remove(filepath.Join(m.dir, "a.edi")))
	m.write(t, "a.edi", "UNB new and longer")
	require.True(t, msg.Ack())

	// The filer leaves the new file; once released it is listed again.
	var names []string
	require.Eventually(t, func() bool {
		names = append(names, m.rescan(t)...)
		m.clock.Advance(testSettle)
		return len(names) > 0
	}, 5*time.Second, 2*time.Millisecond)
	next := m.receive(t)
	assert.Equal(t, "UNB new and longer", string(next.Payload))
	require.True(t, next.Ack())
	waitFile(t, filepath.Join(m.dir, "archive", "2026-03-14", "a.edi"))
	assert.Equal(t, "UNB new and longer", readFile(t, filepath.Join(m.dir, "archive", "2026-03-14", "a.edi")))
}

// lockedBuffer is a log written and read at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A stop between linking a file into the archive and unlinking it from the
// inbox leaves it with two names. On the next start that is the end of a
// move, not a hard link to refuse: the inbox name goes, nothing is
// delivered again, and nothing lands in error/.
func TestInterruptedArchiveMoveIsFinished(t *testing.T) {
	m := newManual(t, nil)
	m.write(t, "a.edi", "UNB committed")
	day := filepath.Join(m.dir, "archive", "2026-03-13")
	require.NoError(t, os.MkdirAll(day, 0o750))
	require.NoError(t, os.Link(filepath.Join(m.dir, "a.edi"), filepath.Join(day, "a.edi")))
	m.write(t, "b.edi", "UNB next")
	m.subscribe(t)
	m.settle(t)
	msg := m.receive(t)
	assert.Equal(t, "UNB next", string(msg.Payload), "the archived file is not delivered again")
	require.True(t, msg.Ack())
	waitGone(t, filepath.Join(m.dir, "a.edi"))
	assert.Equal(t, "UNB committed", readFile(t, filepath.Join(day, "a.edi")))
	assert.False(t, exists(filepath.Join(m.dir, "error", "a.edi")), "not refused as a hard link")
}
