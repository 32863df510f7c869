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

// What the gateway creates in its data folder is its owner's only,
// whatever the umask lets through: the folder, the credential key (also
// when a short one is replaced) and the store's files.
func TestDataFolderPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	reg, err := mappings.Default()
	require.NoError(t, err)
	mode := func(p string) os.FileMode {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		return fi.Mode().Perm()
	}
	for _, existingKey := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "data")
		key := filepath.Join(dir, "credential.key")
		if existingKey {
			require.NoError(t, os.Mkdir(dir, 0o700))
			require.NoError(t, os.WriteFile(key, []byte("short"), 0o644))
		}
		cfg := pipeline.DefaultConfig(dir, func(p string) bool {
			pr, err := reg.Profile(p)
			return err == nil && pr.CanEncode()
		})
		gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- gw.RunRouter(ctx) }()
		<-gw.Running()
		assert.Equal(t, os.FileMode(0o700), mode(dir), "data folder")
		assert.Equal(t, os.FileMode(0o600), mode(key), "credential key, existing %v", existingKey)
		b, err := os.ReadFile(key)
		require.NoError(t, err)
		assert.Len(t, b, 32)
		db := filepath.Join(dir, "pcsgate.db")
		for _, p := range []string{db, db + "-wal", db + "-shm"} {
			assert.Equal(t, os.FileMode(0o600), mode(p), filepath.Base(p))
		}
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, gw.Close())
	}
}
