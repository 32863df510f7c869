package filedrop_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/filedrop"
)

// A process that may not link a descriptor directly (AT_EMPTY_PATH) names
// its unnamed files through /proc, replacing as before.
func TestLinkThroughProc(t *testing.T) {
	defer filedrop.LinkThroughProcForTest()()
	dir := t.TempDir()
	pub := newTestPublisher(t, filedrop.PublisherConfig{Dir: dir}, true)
	require.NoError(t, pub.Publish("out", outMsg("x", "first")))
	require.NoError(t, pub.Stage("out", outMsg("x", "second")))
	require.NoError(t, pub.Stage("out", outMsg("y", "other")))
	require.NoError(t, pub.Flush())
	require.Equal(t, []string{"x", "y"}, listDir(t, dir))
	got, err := os.ReadFile(filepath.Join(dir, "x"))
	require.NoError(t, err)
	require.Equal(t, "second", string(got))
}
