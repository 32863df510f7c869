package filedrop_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

func outMsg(name, payload string) *message.Message {
	msg := message.NewMessage(watermill.NewUUID(), []byte(payload))
	if name != "" {
		msg.Metadata.Set(transports.MetaOutName, name)
	}
	return msg
}

func TestPublishNames(t *testing.T) {
	tests := []struct {
		name      string
		extension string
		outName   string
		wantFile  string
	}{
		{name: "extension added", extension: ".edi", outName: "evt-1", wantFile: "evt-1.edi"},
		{name: "extension already there", extension: ".edi", outName: "evt-1.edi", wantFile: "evt-1.edi"},
		{name: "no extension", outName: "evt-1", wantFile: "evt-1"},
		{name: "colons kept", extension: ".json", outName: "NLRTM:MSCU:evt-1", wantFile: "NLRTM:MSCU:evt-1.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir, Extension: tt.extension}, nil)
			require.NoError(t, err)
			require.NoError(t, pub.Publish("out", outMsg(tt.outName, "UNB")))

			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Len(t, entries, 1)
			assert.Equal(t, tt.wantFile, entries[0].Name())
		})
	}
}

// A delivered file has the configured mode exactly, whether the umask
// would clear some of its bits (0666 under the usual 022) or none.
func TestPublishFileMode(t *testing.T) {
	for _, fm := range fileModes {
		for _, mode := range []os.FileMode{0o604, 0o666} {
			t.Run(fmt.Sprintf("%s/%04o", fm.name, mode), func(t *testing.T) {
				dir := t.TempDir()
				pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir, FileMode: mode}, fm.unnamed)
				require.NoError(t, pub.Publish("out", outMsg("a", "x")))
				require.NoError(t, pub.Stage("out", outMsg("b", "x")))
				require.NoError(t, pub.Flush())
				for _, name := range []string{"a", "b"} {
					info, err := os.Stat(filepath.Join(dir, name))
					require.NoError(t, err)
					assert.Equal(t, mode, info.Mode().Perm(), "mode applied whatever the umask")
				}
			})
		}
	}
}

func TestPublishNeverEscapes(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir, Extension: ".edi"}, nil)
	require.NoError(t, err)

	for _, name := range []string{"../escape", "../../escape", "/var/escape", "sub/escape", `..\escape`, "a..b", ".env", " x", string(make([]byte, 201))} {
		err := pub.Publish("out", outMsg(name, "x"))
		require.Error(t, err, name)
		assert.True(t, transports.IsPermanent(err), name)
		assert.ErrorIs(t, err, transports.ErrUnsafeName, name)
	}
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only the delivery folder in its parent")
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestPublishCancelledContext(t *testing.T) {
	dir := t.TempDir()
	pub, err := filedrop.NewPublisher(filedrop.PublisherConfig{Dir: dir}, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msg := outMsg("a", "x")
	msg.SetContext(ctx)

	err = pub.Publish("out", msg)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, transports.IsPermanent(err))
	assert.NoFileExists(t, filepath.Join(dir, "a"))
}

func TestPublishFailureIsTransient(t *testing.T) {
	for _, fm := range fileModes {
		t.Run(fm.name, func(t *testing.T) {
			dir := t.TempDir()
			pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir}, fm.unnamed)
			// A folder where the file should go: the write fails, retrying may help.
			require.NoError(t, os.Mkdir(filepath.Join(dir, "a"), 0o750))

			err := pub.Publish("out", outMsg("a", "x"))
			require.Error(t, err)
			assert.False(t, transports.IsPermanent(err))
			assert.Equal(t, []string{"a"}, listDir(t, dir), "the temporary file is removed")
		})
	}
}
