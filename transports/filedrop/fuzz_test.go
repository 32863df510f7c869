package filedrop_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

var fuzzNames = []string{
	"COREOR_0412.edi", "evt-1", "../escape", "a/b", ".hidden", "a..b", "a.part", "a.done",
	"a\x00b", "a\nb", "\xff\xfe", "é.xml", " lead", strings.Repeat("n", 210),
}

// FuzzPublish: whatever the out name and payload, a file lands in the
// delivery folder under exactly that name with exactly that content, or the
// message fails for good; nothing is ever written elsewhere.
func FuzzPublish(f *testing.F) {
	for _, n := range fuzzNames {
		f.Add(n, []byte("UNB+UNOC:3'"))
	}
	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "out")
		pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir}, nil)
		require.NoError(t, err)
		err = pub.Publish("out", outMsg(name, string(payload)))

		top, rerr := os.ReadDir(root)
		require.NoError(t, rerr)
		require.Len(t, top, 1, "something was written beside the delivery folder")
		entries, rerr := os.ReadDir(dir)
		require.NoError(t, rerr)
		if err != nil {
			require.True(t, transports.IsPermanent(err), "%v", err)
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			require.Empty(t, entries)
			return
		}
		want := name
		if want == "" {
			require.Len(t, entries, 1)
			want = entries[0].Name()
		}
		require.Len(t, entries, 1)
		require.Equal(t, want, entries[0].Name())
		got, rerr := os.ReadFile(filepath.Join(dir, want))
		require.NoError(t, rerr)
		require.Equal(t, payload, got)
	})
}

// FuzzDropName: whatever a partner names a file, it is ignored and left in
// place, delivered under its own name and archived, or moved to error/ with
// a reason; nothing ever leaves the drop folder's tree.
func FuzzDropName(f *testing.F) {
	for _, n := range fuzzNames {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || len(name) > 255 {
			t.Skip("not a name a folder can hold")
		}
		root := t.TempDir()
		m := newManualAt(t, filepath.Join(root, "in"), nil)
		if err := os.WriteFile(filepath.Join(m.dir, name), []byte("x"), 0o600); err != nil {
			t.Skip("the file system refuses this name")
		}
		m.subscribe(t)
		queued := m.settle(t)

		ignorable := name[0] == '.' || strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".done")
		switch {
		case len(queued) == 0:
			assert.True(t, ignorable, "%q neither taken nor ignored", name)
			assert.FileExists(t, filepath.Join(m.dir, name))
		case isSafe(name):
			msg := m.receive(t)
			assert.Equal(t, name, msg.Metadata.Get(transports.MetaFilename))
			require.True(t, msg.Ack())
			waitFile(t, filepath.Join(m.dir, "archive", "2026-03-14", name))
		default:
			waitFile(t, filepath.Join(m.dir, "error", name+".error.txt"))
			assert.FileExists(t, filepath.Join(m.dir, "error", name))
		}
		top, err := os.ReadDir(root)
		require.NoError(t, err)
		assert.Len(t, top, 1, "something was written beside the drop folder")
	})
}

func isSafe(name string) bool {
	_, err := transports.SafeName(name)
	return err == nil
}
