package filedrop_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// newTestPublisher opens a publisher on cfg that writes files without a
// name (unnamed) or as "<name>.part" files; it skips the test where
// unnamed files are not supported.
func newTestPublisher(t *testing.T, cfg filedrop.PublisherConfig, unnamed bool) *filedrop.Publisher {
	t.Helper()
	pub, err := filedrop.NewPublisher(cfg, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pub.Close() })
	switch {
	case !unnamed:
		pub.UsePartFilesForTest()
	case !pub.WritesUnnamedForTest():
		t.Skip("this file system cannot hold files without a name (O_TMPFILE)")
	}
	return pub
}

// fileModes are the two ways a publisher writes a file before it is
// complete.
var fileModes = []struct {
	name    string
	unnamed bool
}{{"unnamed", true}, {"part", false}}

// Staged files stay invisible to partners until Flush names them all:
// without a name, or under their .part names, which partners skip; synced
// one by one, with one sync of the file system (a batch of four or more,
// by default), or not at all.
func TestStageThenFlush(t *testing.T) {
	syncs := []struct {
		name string
		cfg  filedrop.PublisherConfig
	}{
		{"default", filedrop.PublisherConfig{}},
		{"sync_each_file", filedrop.PublisherConfig{SyncEachFile: true}},
		{"no_sync", filedrop.PublisherConfig{NoSync: true}},
	}
	for _, fm := range fileModes {
		for _, sync := range syncs {
			for _, n := range []int{2, 5} {
				t.Run(fmt.Sprintf("%s/%s/%d files", fm.name, sync.name, n), func(t *testing.T) {
					dir := t.TempDir()
					cfg := sync.cfg
					cfg.Dir, cfg.Extension = dir, ".edi"
					pub := newTestPublisher(t, cfg, fm.unnamed)

					var parts, finals []string
					for i := range n {
						name := string(rune('a' + i))
						require.NoError(t, pub.Stage("out", outMsg(name, strings.Repeat(strings.ToUpper(name), 3))))
						if !fm.unnamed {
							parts = append(parts, name+".edi.part")
						}
						finals = append(finals, name+".edi")
					}
					require.Equal(t, parts, listDir(t, dir))

					require.NoError(t, pub.Flush())
					require.Equal(t, finals, listDir(t, dir))
					got, err := os.ReadFile(filepath.Join(dir, "a.edi"))
					require.NoError(t, err)
					require.Equal(t, "AAA", string(got))
					info, err := os.Stat(filepath.Join(dir, "a.edi"))
					require.NoError(t, err)
					require.Equal(t, filedrop.DefaultFileMode, info.Mode().Perm())

					require.NoError(t, pub.Flush(), "nothing staged: nothing to do")
					require.Equal(t, finals, listDir(t, dir))
				})
			}
		}
	}
}

// The same message delivered again (a batch after a crash) finds its file
// and counts as delivered, with no second write of the name; another
// message under that name replaces the file in one step, as a rename does.
func TestDeliveredAgain(t *testing.T) {
	for _, fm := range fileModes {
		t.Run(fm.name, func(t *testing.T) {
			dir := t.TempDir()
			pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir}, fm.unnamed)
			require.NoError(t, pub.Publish("out", outMsg("x", "first")))
			before, err := os.Stat(filepath.Join(dir, "x"))
			require.NoError(t, err)
			require.NoError(t, pub.Stage("out", outMsg("x", "first")), "the same message again")
			require.NoError(t, pub.Flush())
			require.NoError(t, pub.Publish("out", outMsg("x", "first")), "and once more")
			after, err := os.Stat(filepath.Join(dir, "x"))
			require.NoError(t, err)
			assert.True(t, os.SameFile(before, after), "the file of the first delivery stays")

			require.NoError(t, pub.Stage("out", outMsg("x", "second")))
			require.NoError(t, pub.Flush())
			require.NoError(t, pub.Publish("out", outMsg("x", "third")))
			require.Equal(t, []string{"x"}, listDir(t, dir))
			got, err := os.ReadFile(filepath.Join(dir, "x"))
			require.NoError(t, err)
			require.Equal(t, "third", string(got))
		})
	}
}

// A ".part" name left by a stop between naming a file and removing its
// temporary name goes when the message comes again.
func TestDeliveredAgainRemovesPart(t *testing.T) {
	for _, fm := range fileModes {
		t.Run(fm.name, func(t *testing.T) {
			dir := t.TempDir()
			pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir}, fm.unnamed)
			require.NoError(t, pub.Publish("out", outMsg("x", "first")))
			before, err := os.Stat(filepath.Join(dir, "x"))
			require.NoError(t, err)
			require.NoError(t, os.Link(filepath.Join(dir, "x"), filepath.Join(dir, "x.part")))
			require.NoError(t, pub.Stage("out", outMsg("x", "first")))
			require.NoError(t, pub.Flush())
			require.Equal(t, []string{"x"}, listDir(t, dir))
			after, err := os.Stat(filepath.Join(dir, "x"))
			require.NoError(t, err)
			require.True(t, os.SameFile(before, after), "the file delivered before is kept")
		})
	}
}

// A file of the same content named between staging and flushing (another
// instance delivered the message meanwhile) is left as it is: the flush
// writes no name twice.
func TestFlushKeepsTheSameFile(t *testing.T) {
	for _, fm := range fileModes {
		t.Run(fm.name, func(t *testing.T) {
			dir := t.TempDir()
			pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir}, fm.unnamed)
			require.NoError(t, pub.Stage("out", outMsg("x", "same")))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "x"), []byte("same"), 0o644))
			before, err := os.Stat(filepath.Join(dir, "x"))
			require.NoError(t, err)
			require.NoError(t, pub.Flush())
			require.Equal(t, []string{"x"}, listDir(t, dir), "no .part left")
			after, err := os.Stat(filepath.Join(dir, "x"))
			require.NoError(t, err)
			assert.True(t, os.SameFile(before, after), "not replaced")
		})
	}
}

// Staging the same name again before a flush (a message delivered again)
// gives one file with the last content.
func TestStageSameNameTwice(t *testing.T) {
	dir := t.TempDir()
	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir}, nil)
	require.NoError(t, err)
	defer pub.Close()
	require.NoError(t, pub.Stage("out", outMsg("x", "first")))
	require.NoError(t, pub.Stage("out", outMsg("x", "second")))
	require.NoError(t, pub.Flush())
	require.Equal(t, []string{"x"}, listDir(t, dir))
	got, err := os.ReadFile(filepath.Join(dir, "x"))
	require.NoError(t, err)
	require.Equal(t, "second", string(got))
}

// Many staged files are flushed on the way, so no more than a bounded
// number stay open, and all of them arrive.
func TestStageManyFlushesOnTheWay(t *testing.T) {
	dir := t.TempDir()
	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir, NoSync: true}, nil)
	require.NoError(t, err)
	defer pub.Close()
	for i := range 600 {
		require.NoError(t, pub.Stage("out", outMsg(fmt.Sprintf("m%03d", i), "x")))
	}
	visible := 0
	for _, n := range listDir(t, dir) {
		if filepath.Ext(n) != ".part" {
			visible++
		}
	}
	require.Positive(t, visible, "earlier files were flushed before the explicit Flush")
	require.NoError(t, pub.Flush())
	require.Len(t, listDir(t, dir), 600)
}

// Unsafe names are refused at Stage like at Publish; Close drops what was
// staged: files without a name are gone, .part files stay behind for the
// delivery that comes again.
func TestStageRefusesAndClose(t *testing.T) {
	for _, fm := range fileModes {
		t.Run(fm.name, func(t *testing.T) {
			dir := t.TempDir()
			pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir}, fm.unnamed)
			err := pub.Stage("out", outMsg("../escape", "x"))
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			require.True(t, transports.IsPermanent(err))

			var left []string
			if !fm.unnamed {
				left = []string{"kept.part"}
			}
			require.NoError(t, pub.Stage("out", outMsg("kept", "x")))
			require.NoError(t, pub.Close())
			require.Equal(t, left, listDir(t, dir))
			require.ErrorIs(t, pub.Stage("out", outMsg("late", "x")), transports.ErrClosed)
			require.NoError(t, pub.Flush(), "Close dropped the staged files")
			require.Equal(t, left, listDir(t, dir))
		})
	}
}
