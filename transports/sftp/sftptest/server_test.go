package sftptest_test

import (
	"errors"
	"io"
	"os"
	"sync"
	"testing"

	pkgsftp "github.com/pkg/sftp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// dial logs in to addr, pinning the server's host key.
func dial(t *testing.T, addr string, srv *sftptest.Server) *pkgsftp.Client {
	t.Helper()
	conn, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            srv.User(),
		Auth:            []ssh.AuthMethod{ssh.Password(srv.Password())},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey()),
	})
	require.NoError(t, err)
	c, err := pkgsftp.NewClient(conn)
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = c.Close()
		_ = conn.Close()
	})
	return c
}

func TestServerSharesTheTreeWithThePartner(t *testing.T) {
	srv := sftptest.New(t, sftptest.Options{})
	require.NoError(t, srv.Put("/in/a.edi", []byte("UNB")))
	c := dial(t, srv.Addr(), srv)

	f, err := c.Open("/in/a.edi")
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Equal(t, "UNB", string(got))
	require.NoError(t, c.Rename("/in/a.edi", "/in/b.edi"))

	names, err := srv.List("/in")
	require.NoError(t, err)
	assert.Equal(t, []string{"b.edi"}, names)
	files, err := srv.Files("/")
	require.NoError(t, err)
	assert.Equal(t, []string{"in/b.edi"}, files)
	assert.Equal(t, 1, srv.Logins())
}

func TestHookAndDrop(t *testing.T) {
	srv := sftptest.New(t, sftptest.Options{})
	require.NoError(t, srv.Put("/in/a.edi", []byte("UNB")))
	var mu sync.Mutex
	var seen []sftptest.Op
	srv.SetHook(func(op sftptest.Op) error {
		mu.Lock()
		seen = append(seen, op)
		mu.Unlock()
		switch op.Method {
		case "Remove":
			return pkgsftp.ErrSSHFxPermissionDenied
		case "Rename":
			return sftptest.ErrDrop
		}
		return nil
	})
	c := dial(t, srv.Addr(), srv)
	err := c.Remove("/in/a.edi")
	require.ErrorIs(t, err, os.ErrPermission)
	err = c.Rename("/in/a.edi", "/in/b.edi")
	require.Error(t, err)
	assert.True(t, srv.Exists("/in/a.edi"), "the dropped operation was carried out")
	_, err = c.Stat("/in/a.edi")
	assert.Error(t, err, "the connection survived the drop")
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, seen, sftptest.Op{Method: "Remove", Path: "/in/a.edi"})
	assert.Equal(t, sftptest.Op{Method: "Rename", Path: "/in/a.edi", Target: "/in/b.edi"}, seen[len(seen)-1])
}

func TestProxyCuts(t *testing.T) {
	srv := sftptest.New(t, sftptest.Options{})
	require.NoError(t, srv.Put("/in/big", make([]byte, 256<<10)))
	proxy := sftptest.NewProxy(t, srv.Addr())
	c := dial(t, proxy.Addr(), srv)
	proxy.CutDownloadAfter(64 << 10)

	f, err := c.Open("/in/big")
	require.NoError(t, err)
	_, err = io.ReadAll(f)
	require.Error(t, err)
	assert.False(t, errors.Is(err, io.EOF))
	assert.Equal(t, 1, proxy.Connections())
}
