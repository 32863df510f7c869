package filedrop_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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

// Staged files stay under their .part names, which partners skip, until
// Flush renames them all: synced one by one, with one sync of the file
// system (a batch of four or more, by default), or not at all.
func TestStageThenFlush(t *testing.T) {
	modes := []struct {
		name string
		cfg  filedrop.PublisherConfig
	}{
		{"default", filedrop.PublisherConfig{}},
		{"sync_each_file", filedrop.PublisherConfig{SyncEachFile: true}},
		{"no_sync", filedrop.PublisherConfig{NoSync: true}},
	}
	for _, mode := range modes {
		for _, n := range []int{2, 5} {
			t.Run(fmt.Sprintf("%s/%d files", mode.name, n), func(t *testing.T) {
				dir := t.TempDir()
				cfg := mode.cfg
				cfg.Dir, cfg.Extension = dir, ".edi"
				pub, err := filedrop.NewPublisher(cfg, nil)
				require.NoError(t, err)
				defer pub.Close()

				var parts, finals []string
				for i := range n {
					name := string(rune('a' + i))
					require.NoError(t, pub.Stage("out", outMsg(name, strings.Repeat(strings.ToUpper(name), 3))))
					parts, finals = append(parts, name+".edi.part"), append(finals, name+".edi")
				}
				require.Equal(t, parts, listDir(t, dir))

				require.NoError(t, pub.Flush())
				require.Equal(t, finals, listDir(t, dir))
				got, err := os.ReadFile(filepath.Join(dir, "a.edi"))
				require.NoError(t, err)
				require.Equal(t, "AAA", string(got))

				require.NoError(t, pub.Flush(), "nothing staged: nothing to do")
				require.Equal(t, finals, listDir(t, dir))
			})
		}
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
// staged, leaving the .part files for the delivery that comes again.
func TestStageRefusesAndClose(t *testing.T) {
	dir := t.TempDir()
	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir}, nil)
	require.NoError(t, err)
	err = pub.Stage("out", outMsg("../escape", "x"))
	require.ErrorIs(t, err, transports.ErrUnsafeName)
	require.True(t, transports.IsPermanent(err))

	require.NoError(t, pub.Stage("out", outMsg("kept", "x")))
	require.NoError(t, pub.Close())
	require.Equal(t, []string{"kept.part"}, listDir(t, dir))
	require.ErrorIs(t, pub.Stage("out", outMsg("late", "x")), transports.ErrClosed)
	require.NoError(t, pub.Flush(), "Close dropped the staged files")
	require.Equal(t, []string{"kept.part"}, listDir(t, dir))
}
