//go:build unix

package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// The secret key is created on first start beside the credential key,
// 32 bytes, 0600 whatever the umask; later starts and the commands that
// open sealed data read the same key; a file of another size is refused
// and left as it is.
func TestSecretKeyFile(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	reg, err := mappings.Default()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "data")
	config := func() *pipeline.Config {
		return pipeline.DefaultConfig(dir, func(string) bool { return false })
	}
	_, err = pipeline.ReadSecretKey(config())
	require.ErrorIs(t, err, pipeline.ErrSecretKey, "not created by reading")
	require.ErrorIs(t, err, os.ErrNotExist)

	startStop := func() error {
		gw, err := pipeline.New(context.Background(), config(), reg, watermill.NopLogger{})
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- gw.RunRouter(ctx) }()
		<-gw.Running()
		cancel()
		require.NoError(t, <-done)
		return gw.Close()
	}
	require.NoError(t, startStop())
	path := filepath.Join(dir, "secret.key")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	first, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Len(t, first, 32)

	require.NoError(t, startStop())
	again, err := pipeline.ReadSecretKey(config())
	require.NoError(t, err)
	assert.Equal(t, first, again, "the same key after a restart")

	require.NoError(t, os.WriteFile(path, []byte("short"), 0o600))
	err = startStop()
	require.ErrorIs(t, err, pipeline.ErrSecretKey)
	assert.Contains(t, err.Error(), "it holds 5 bytes, 32 expected")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "short", string(b), "never replaced")
}
