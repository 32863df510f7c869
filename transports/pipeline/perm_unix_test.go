//go:build unix

package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// What the gateway creates in its data folder is its owner's only,
// whatever the umask lets through: the folder, the credential key and
// the store's files; a key file others may read, or too short, is refused.
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
	cfgIn := func(dir string) *pipeline.Config {
		return pipeline.DefaultConfig(dir, func(p string) bool {
			pr, err := reg.Profile(p)
			return err == nil && pr.CanEncode()
		})
	}
	dir := filepath.Join(t.TempDir(), "data")
	key := filepath.Join(dir, "credential.key")
	gw, err := pipeline.New(context.Background(), cfgIn(dir), reg, watermill.NopLogger{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.RunRouter(ctx) }()
	<-gw.Running()
	assert.Equal(t, os.FileMode(0o700), mode(dir), "data folder")
	assert.Equal(t, os.FileMode(0o600), mode(key), "credential key")
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

	// A key file others may read, or that holds no key, is refused and
	// left as it is: handles made under another key would not match.
	for name, tc := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"readable by others": {strings.Repeat("k", 32), 0o644, "its mode 0644 lets others read it; chmod 600 it"},
		"too short":          {"short", 0o600, "it holds 5 bytes, 16 to 1024 expected"},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		key := filepath.Join(dir, "credential.key")
		require.NoError(t, os.Mkdir(dir, 0o700))
		require.NoError(t, os.WriteFile(key, []byte(tc.content), tc.mode))
		_, err := pipeline.New(context.Background(), cfgIn(dir), reg, watermill.NopLogger{})
		require.ErrorIs(t, err, pipeline.ErrSecretKey, name)
		assert.Contains(t, err.Error(), "credential_key_file "+key+" is not a usable key: "+tc.want, name)
		after, rerr := os.ReadFile(key)
		require.NoError(t, rerr)
		assert.Equal(t, tc.content, string(after), "%s: left as it is", name)
	}
}

// The first start finds no token: it creates an operator token, writes it
// to monitor.token beside the credential key, for its owner only, and
// gives it to be shown once; a later start creates none.
func TestFirstMonitorToken(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	reg, err := mappings.Default()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "data")
	cfg := pipeline.DefaultConfig(dir, func(string) bool { return false })
	gw, err := pipeline.New(context.Background(), cfg, reg, watermill.NopLogger{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.RunRouter(ctx) }()
	<-gw.Running()
	defer func() {
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, gw.Close())
	}()

	ms, err := gw.PrepareMonitor(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/", ms.URL)
	require.NotEmpty(t, ms.Token)
	assert.Equal(t, filepath.Join(dir, "monitor.token"), ms.TokenFile)
	b, err := os.ReadFile(ms.TokenFile)
	require.NoError(t, err)
	assert.Equal(t, ms.Token+"\n", string(b))
	fi, err := os.Stat(ms.TokenFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	tok, err := gw.Store().CheckToken(context.Background(), ms.Token)
	require.NoError(t, err)
	assert.Equal(t, "operator", tok.Role)

	again, err := gw.PrepareMonitor(context.Background())
	require.NoError(t, err)
	assert.Empty(t, again.Token, "a later start prints no token")
	assert.Equal(t, ms.TokenFile, again.TokenFile)
	list, err := gw.Store().Tokens(context.Background())
	require.NoError(t, err)
	assert.Len(t, list, 1)

	// Once the first token is revoked, a start no longer points at its
	// file while another token lives.
	_, _, err = gw.Store().CreateToken(context.Background(), "other", "viewer")
	require.NoError(t, err)
	require.NoError(t, gw.Store().RevokeToken(context.Background(), list[0].ID))
	later, err := gw.PrepareMonitor(context.Background())
	require.NoError(t, err)
	assert.Empty(t, later.Token)
	assert.Empty(t, later.TokenFile, "the file's token is revoked")

	// With every token revoked (an operator locking the monitor), a start
	// makes no new one: only a store that never had a token gets one.
	list, err = gw.Store().Tokens(context.Background())
	require.NoError(t, err)
	for _, tk := range list {
		if tk.RevokedAt == nil {
			require.NoError(t, gw.Store().RevokeToken(context.Background(), tk.ID))
		}
	}
	locked, err := gw.PrepareMonitor(context.Background())
	require.NoError(t, err)
	assert.Empty(t, locked.Token, "no token is printed after a lock-out")
	live, err := gw.Store().HasLiveToken(context.Background())
	require.NoError(t, err)
	assert.False(t, live)
}
