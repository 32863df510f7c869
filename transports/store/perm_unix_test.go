//go:build unix

package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// The folder and files of a new SQLite store are its owner's only, whatever
// the umask lets through.
func TestSQLiteFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	db := filepath.Join(dir, "pcsgate.db")
	s, err := store.Open(context.Background(), "sqlite:"+db, nil)
	require.NoError(t, err)
	defer s.Close()
	mode := func(p string) os.FileMode {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		return fi.Mode().Perm()
	}
	assert.Equal(t, os.FileMode(0o700), mode(dir), "data folder")
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		assert.Equal(t, os.FileMode(0o600), mode(p), filepath.Base(p))
	}
}
