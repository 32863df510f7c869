package filedrop_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

func TestSettle(t *testing.T) {
	type step struct {
		do      func(t *testing.T, m *manual) // may be nil
		advance time.Duration
		want    []string // names queued by the listing after the step
	}
	appendTo := func(t *testing.T, m *manual) {
		f, err := os.OpenFile(filepath.Join(m.dir, "a.edi"), os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString("+more")
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	touch := func(t *testing.T, m *manual) {
		later := time.Now().Add(time.Minute)
		require.NoError(t, os.Chtimes(filepath.Join(m.dir, "a.edi"), later, later))
	}
	tests := []struct {
		name  string
		steps []step
		want  string // content delivered
	}{
		{
			name: "taken once unchanged for the settle time",
			steps: []step{
				{advance: testSettle - time.Nanosecond},
				{advance: time.Nanosecond, want: []string{"a.edi"}},
			},
			want: "UNB",
		},
		{
			name: "growing file starts settling again",
			steps: []step{
				{advance: testSettle - time.Second},
				{do: appendTo, advance: 2 * time.Second},
				{advance: testSettle - time.Second},
				{advance: time.Second, want: []string{"a.edi"}},
			},
			want: "UNB+more",
		},
		{
			name: "touched file starts settling again",
			steps: []step{
				{advance: testSettle - time.Second},
				{do: touch, advance: 2 * time.Second},
				{advance: testSettle - time.Nanosecond},
				{advance: time.Nanosecond, want: []string{"a.edi"}},
			},
			want: "UNB",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newManual(t, nil)
			m.write(t, "a.edi", "UNB")
			m.subscribe(t) // first listing: a.edi seen at day0
			for i, s := range tt.steps {
				if s.do != nil {
					s.do(t, m)
				}
				m.clock.Advance(s.advance)
				assert.Equal(t, s.want, m.rescan(t), "step %d", i)
			}
			assert.Equal(t, tt.want, string(m.receive(t).Payload))
		})
	}
}

func TestDoneMarker(t *testing.T) {
	m := newManual(t, func(c *filedrop.Config) { c.DoneMarker = true })
	m.write(t, "a.edi", "UNB")
	m.write(t, "orphan.edi.done", "")
	m.subscribe(t)

	m.clock.Advance(24 * time.Hour)
	assert.Empty(t, m.rescan(t), "taken without its marker")

	m.write(t, "a.edi.done", "")
	assert.Equal(t, []string{"a.edi"}, m.rescan(t))
	msg := m.receive(t)
	assert.Equal(t, "UNB", string(msg.Payload))
	require.True(t, msg.Ack())

	waitFile(t, filepath.Join(m.dir, "archive", "2026-03-15", "a.edi")) // a day later
	assert.Eventually(t, func() bool { return !exists(filepath.Join(m.dir, "a.edi.done")) }, 5*time.Second, 2*time.Millisecond, "marker not removed")
	assert.True(t, exists(filepath.Join(m.dir, "orphan.edi.done")), "a marker without its file is left alone")
}

func TestIgnoredNames(t *testing.T) {
	tests := []struct {
		name    string
		make    func(t *testing.T, dir string)
		include []string
	}{
		{name: "part file", make: writeNamed("a.edi.part")},
		{name: "tmp file", make: writeNamed("a.tmp")},
		{name: "dotfile", make: writeNamed(".a.edi")},
		{name: "done marker", make: writeNamed("a.done")},
		{name: "subfolder", make: func(t *testing.T, dir string) { require.NoError(t, os.Mkdir(filepath.Join(dir, "sub.edi"), 0o750)) }},
		{name: "not included", make: writeNamed("notes.txt"), include: []string{"*.edi", "COREOR_*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newManual(t, func(c *filedrop.Config) { c.Include = tt.include })
			tt.make(t, m.dir)
			m.write(t, "good.edi", "UNB")
			m.subscribe(t)

			assert.Equal(t, []string{"good.edi"}, m.settle(t))
			msg := m.receive(t)
			assert.Equal(t, "good.edi", msg.Metadata.Get(transports.MetaFilename))
			require.True(t, msg.Ack())
			waitFile(t, filepath.Join(m.dir, "archive", "2026-03-14", "good.edi"))
			assert.Empty(t, m.settle(t), "an ignored entry was queued")
		})
	}
}

func writeNamed(name string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600))
	}
}

func TestArchiveLayout(t *testing.T) {
	m := newManual(t, nil)
	day := filepath.Join(m.dir, "archive", "2026-03-14") // UTC day of day0
	require.NoError(t, os.MkdirAll(day, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(day, "a.edi"), []byte("earlier"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(day, "a.1.edi"), []byte("earlier too"), 0o600))
	m.write(t, "a.edi", "later")
	m.subscribe(t)

	require.Equal(t, []string{"a.edi"}, m.settle(t))
	require.True(t, m.receive(t).Ack())

	waitGone(t, filepath.Join(m.dir, "a.edi"))
	assert.Equal(t, "later", readFile(t, filepath.Join(day, "a.2.edi")))
	assert.Equal(t, "earlier", readFile(t, filepath.Join(day, "a.edi")), "an archived file was overwritten")
	assert.Equal(t, "earlier too", readFile(t, filepath.Join(day, "a.1.edi")), "an archived file was overwritten")
}

func TestErrorFolder(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		content    string
		maxBytes   int64
		reason     string // set by the consumer; "" when the transport rejects on its own
		wantReason string // substring of the .error.txt line
	}{
		{
			name: "consumer failure reason", file: "a.edi", content: "UNB",
			reason:     "line 3: EQD C237.8260 \"CSQU3054381\" has a wrong ISO 6346 check digit\nsecond line",
			wantReason: "line 3: EQD C237.8260 \"CSQU3054381\" has a wrong ISO 6346 check digit\nsecond line\n",
		},
		{name: "too big", file: "big.edi", content: "12345678901", maxBytes: 10, wantReason: `file "big.edi" of 11 bytes is larger than the limit of 10 bytes (max_bytes)`},
		{name: "unsafe name", file: "a..b.edi", content: "UNB", wantReason: `file name "a..b.edi" is not a safe file name: contains ".."`},
		{name: "control character in name", file: "a\tb.edi", content: "UNB", wantReason: `file name "a\tb.edi" is not a safe file name: contains a control`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newManual(t, func(c *filedrop.Config) { c.MaxBytes = tt.maxBytes })
			require.NoError(t, os.MkdirAll(filepath.Join(m.dir, "error"), 0o750))
			require.NoError(t, os.WriteFile(filepath.Join(m.dir, "error", tt.file), []byte("earlier"), 0o600))
			m.write(t, tt.file, tt.content)
			m.write(t, "next.edi", "next")
			m.subscribe(t)
			m.settle(t)

			msg := m.receive(t)
			if tt.reason != "" {
				assert.Equal(t, tt.file, msg.Metadata.Get(transports.MetaFilename))
				msg.Metadata.Set(transports.MetaFailureReason, tt.reason)
				require.True(t, msg.Ack())
				msg = m.receive(t)
			}
			assert.Equal(t, "next", string(msg.Payload), "a rejected file was delivered")
			require.True(t, msg.Ack())

			moved := filepath.Join(m.dir, "error", suffixedName(tt.file))
			waitFile(t, moved+".error.txt")
			assert.Equal(t, tt.content, readFile(t, moved))
			assert.Contains(t, readFile(t, moved+".error.txt"), tt.wantReason)
			assert.Equal(t, "earlier", readFile(t, filepath.Join(m.dir, "error", tt.file)), "an earlier error file was overwritten")
			assert.False(t, exists(filepath.Join(m.dir, tt.file)))
		})
	}
}

// suffixedName is name with the first collision suffix.
func suffixedName(name string) string {
	ext := filepath.Ext(name)
	return name[:len(name)-len(ext)] + ".1" + ext
}

func TestNackLeavesFileInPlace(t *testing.T) {
	m := newManual(t, nil)
	m.write(t, "a.edi", "UNB")
	m.subscribe(t)
	require.Equal(t, []string{"a.edi"}, m.settle(t))

	first := m.receive(t)
	require.True(t, first.Nack())
	// Listed again once released: the nacked file is queued anew.
	require.Eventually(t, func() bool {
		names := m.rescan(t)
		return len(names) == 1 && names[0] == "a.edi"
	}, 5*time.Second, 2*time.Millisecond)
	assert.True(t, exists(filepath.Join(m.dir, "a.edi")))
	assert.NoDirExists(t, filepath.Join(m.dir, "archive", "2026-03-14"))

	second := m.receive(t)
	assert.Equal(t, "UNB", string(second.Payload))
	assert.NotEqual(t, first.UUID, second.UUID)
}

func TestOneDeliveryAtATime(t *testing.T) {
	m := newManual(t, nil)
	m.write(t, "a.edi", "UNB")
	m.subscribe(t)
	other, err := m.sub.Subscribe(context.Background(), "test-drop")
	require.NoError(t, err)
	require.Equal(t, []string{"a.edi"}, m.settle(t))

	var msgName string
	select {
	case msg := <-m.msgs:
		msgName = msg.Metadata.Get(transports.MetaFilename)
	case msg := <-other:
		msgName = msg.Metadata.Get(transports.MetaFilename)
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no message")
	}
	require.Equal(t, "a.edi", msgName)
	m.clock.Advance(time.Hour)
	assert.Empty(t, m.rescan(t), "a file in flight was queued again")
}

// A dropped file is found by a notification (polling once an hour could
// not find it in time) or, with notifications off, by polling.
func TestDroppedFileFound(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  filedrop.Config
	}{
		{"by notification", filedrop.Config{Settle: time.Millisecond, Poll: time.Hour}},
		{"by polling", filedrop.Config{Settle: time.Millisecond, Poll: 5 * time.Millisecond, NoWatch: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := tc.cfg
			cfg.Dir = dir
			sub, err := filedrop.NewSubscriber(cfg, nil)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, sub.Close()) })
			msgs, err := sub.Subscribe(context.Background(), "test-drop")
			require.NoError(t, err)

			require.NoError(t, dropFile(dir, "a.edi", []byte("UNB")))
			select {
			case msg := <-msgs:
				assert.Equal(t, "UNB", string(msg.Payload))
				msg.Ack()
			case <-time.After(5 * time.Second):
				require.FailNow(t, "the file was not found "+tc.name)
			}
		})
	}
}

func TestRescanAfterClose(t *testing.T) {
	m := newManual(t, nil)
	require.NoError(t, m.sub.Close())
	_, err := m.sub.Rescan()
	assert.ErrorIs(t, err, transports.ErrClosed)
}

// A crash between linking a file into the archive and unlinking it from the
// inbox leaves it in both; the next archive move recognises its own link
// and does not archive a second copy.
func TestArchiveAfterCrashBetweenLinkAndUnlink(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.edi")
	require.NoError(t, os.WriteFile(in, []byte("UNH+1'"), 0o644))
	archive := filepath.Join(dir, "archive")
	require.NoError(t, os.MkdirAll(archive, 0o755))
	require.NoError(t, os.Link(in, filepath.Join(archive, "in.edi"))) // the crash came here
	name, err := filedrop.MoveNoReplaceForTest(in, archive, "in.edi")
	require.NoError(t, err)
	assert.Equal(t, "in.edi", name)
	entries, err := os.ReadDir(archive)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no second copy")
	_, err = os.Stat(in)
	assert.True(t, os.IsNotExist(err), "the inbox copy is gone")
}

// TestInFlight: a subscription hands out InFlight files before the first
// is answered, in the order they were found, each with its turn; an answer
// ends the turn and frees a place for the next file.
func TestInFlight(t *testing.T) {
	for _, inFlight := range []int{1, 3} {
		t.Run(fmt.Sprint(inFlight), func(t *testing.T) {
			m := newManual(t, func(c *filedrop.Config) { c.InFlight = inFlight })
			for _, name := range []string{"a.edi", "b.edi", "c.edi", "d.edi", "e.edi"} {
				m.write(t, name, "UNB")
			}
			m.subscribe(t)
			require.Len(t, m.settle(t), 5)

			var got []*message.Message
			for range inFlight {
				got = append(got, m.receive(t))
			}
			select {
			case msg := <-m.msgs:
				require.FailNow(t, "more files in flight than InFlight", msg.Metadata.Get(transports.MetaFilename))
			case <-time.After(50 * time.Millisecond):
			}
			for i, msg := range got {
				assert.Equal(t, string(rune('a'+i))+".edi", msg.Metadata.Get(transports.MetaFilename))
				require.NotNil(t, transports.TurnOf(msg.Context()))
			}
			require.NoError(t, transports.TurnOf(got[0].Context()).Wait(context.Background()), "the first turn starts at once")
			if inFlight > 1 {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
				defer cancel()
				require.ErrorIs(t, transports.TurnOf(got[1].Context()).Wait(ctx), context.DeadlineExceeded, "the second turn waits for the first")
			}
			require.True(t, got[0].Ack())
			next := m.receive(t)
			assert.Equal(t, string(rune('a'+inFlight))+".edi", next.Metadata.Get(transports.MetaFilename), "the answer freed a place")
			for _, msg := range got[1:] {
				require.True(t, msg.Nack())
			}
			require.NoError(t, transports.TurnOf(next.Context()).Wait(context.Background()), "the turns before it end once answered")
		})
	}
}
