package sftp_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// hostKeyServer is a server with an ed25519 host key (its primary key) and
// an ECDSA one, as OpenSSH servers usually have.
type hostKeyServer struct {
	*sftptest.Server
	ecdsa ssh.Signer
}

func newHostKeyServer(t *testing.T) hostKeyServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	signer, err := ssh.NewSignerFromKey(key)
	require.NoError(t, err)
	srv := sftptest.New(t, sftptest.Options{MoreHostKeys: []ssh.Signer{signer}})
	require.NoError(t, srv.Partner().MkdirAll("/out"))
	return hostKeyServer{Server: srv, ecdsa: signer}
}

// otherKey is a host key no test server has.
func otherKey(t *testing.T) ssh.PublicKey {
	t.Helper()
	signer, _, err := sftptest.NewKey("")
	require.NoError(t, err)
	return signer.PublicKey()
}

// writeKnownHosts writes lines into a known_hosts file and returns its path.
func writeKnownHosts(t *testing.T, lines ...string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "known_hosts")
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	return p
}

func TestHostKey(t *testing.T) {
	tests := []struct {
		name string
		// pin sets the host key settings for srv.
		pin func(t *testing.T, srv hostKeyServer, c *sftp.Connection)
		// wantErr are substrings of the error; none means accepted.
		wantErr func(srv hostKeyServer, c sftp.Connection) []string
	}{
		{name: "fingerprint", pin: func(_ *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.HostKeyFingerprint = srv.Fingerprint()
		}},
		{name: "fingerprint with padding", pin: func(_ *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.HostKeyFingerprint = srv.Fingerprint() + "="
		}},
		{name: "wrong fingerprint", pin: func(t *testing.T, _ hostKeyServer, c *sftp.Connection) {
			c.HostKeyFingerprint = ssh.FingerprintSHA256(otherKey(t))
		}, wantErr: func(srv hostKeyServer, c sftp.Connection) []string {
			return []string{"sftp " + srv.Addr() + ": ", ": host key ssh-ed25519 " + srv.Fingerprint() + " is not the pinned host key: expected " + c.HostKeyFingerprint + " (host_key_fingerprint); not connecting"}
		}},
		{name: "fingerprint of the second key", pin: func(_ *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.HostKeyFingerprint = ssh.FingerprintSHA256(srv.ecdsa.PublicKey())
		}, wantErr: func(srv hostKeyServer, c sftp.Connection) []string {
			return []string{"host key ssh-ed25519 " + srv.Fingerprint() + " is not the pinned host key: expected " + c.HostKeyFingerprint}
		}},
		{name: "fingerprint of the second key, algorithm named", pin: func(_ *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.HostKeyFingerprint = ssh.FingerprintSHA256(srv.ecdsa.PublicKey())
			c.HostKeyAlgorithms = []string{ssh.KeyAlgoECDSA256}
		}},
		{name: "known_hosts", pin: func(t *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.KnownHostsFile = writeKnownHosts(t, "# partner", srv.KnownHostsLine())
		}},
		{name: "known_hosts hashed", pin: func(t *testing.T, srv hostKeyServer, c *sftp.Connection) {
			line := knownhosts.HashHostname(knownhosts.Normalize(srv.Addr())) + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(srv.HostKey())))
			c.KnownHostsFile = writeKnownHosts(t, line)
		}},
		{name: "known_hosts pins the second key", pin: func(t *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.KnownHostsFile = writeKnownHosts(t, sftptest.KnownHostsLine(srv.Addr(), srv.ecdsa.PublicKey()))
		}},
		{name: "known_hosts with another key", pin: func(t *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.KnownHostsFile = writeKnownHosts(t, sftptest.KnownHostsLine(srv.Addr(), otherKey(t)))
		}, wantErr: func(srv hostKeyServer, c sftp.Connection) []string {
			return []string{"sftp " + srv.Addr() + ": ", "host key ssh-ed25519 " + srv.Fingerprint() + " is not the pinned host key: expected ssh-ed25519 SHA256:", c.KnownHostsFile + " line 1); not connecting"}
		}},
		{name: "known_hosts without the host", pin: func(t *testing.T, _ hostKeyServer, c *sftp.Connection) {
			c.KnownHostsFile = writeKnownHosts(t, sftptest.KnownHostsLine("sftp.example.com:22", otherKey(t)))
		}, wantErr: func(srv hostKeyServer, c sftp.Connection) []string {
			return []string{"host key ssh-ed25519 " + srv.Fingerprint() + " is not the pinned host key: expected an entry for " + knownhosts.Normalize(srv.Addr()) + " in " + c.KnownHostsFile + ", found none"}
		}},
		{name: "known_hosts revokes the key", pin: func(t *testing.T, srv hostKeyServer, c *sftp.Connection) {
			c.KnownHostsFile = writeKnownHosts(t, srv.KnownHostsLine(), "@revoked * "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(srv.HostKey()))))
		}, wantErr: func(_ hostKeyServer, c sftp.Connection) []string {
			return []string{"is not the pinned host key: it is revoked in " + c.KnownHostsFile + " line 2"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newHostKeyServer(t)
			conn := connection(srv.Server)
			conn.HostKeyFingerprint = ""
			tt.pin(t, srv, &conn)
			var sl sleeps
			conn.Sleep = sl.sleep

			pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: "/out"}, nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = pub.Close() })
			err = pub.Publish("out", outMsg("evt-1", "UNB"))
			sub, serr := sftp.NewSubscriber(sftp.Config{Connection: conn, Dir: "/out"}, nil)
			require.NoError(t, serr)
			t.Cleanup(func() { _ = sub.Close() })
			_, pollErr := sub.Poll()

			if tt.wantErr == nil {
				require.NoError(t, err)
				require.NoError(t, pollErr)
				assert.Equal(t, 2, srv.Logins())
				return
			}
			for _, e := range []error{err, pollErr} {
				require.ErrorIs(t, e, sftp.ErrHostKey)
				for _, want := range tt.wantErr(srv, conn) {
					assert.Contains(t, e.Error(), want)
				}
				assert.NotContains(t, e.Error(), "\n")
				assert.NotContains(t, e.Error(), "handshake failed", "the library's wrapping")
				assert.False(t, transports.IsPermanent(e), "the message is not at fault")
			}
			assert.Zero(t, srv.AuthAttempts(), "pcsgate tried to log in to a server it does not trust")
			assert.Empty(t, sl.got(), "a refused host key was retried")
		})
	}
}

func TestKnownHostsFileMissing(t *testing.T) {
	conn := sftp.Connection{Addr: "127.0.0.1:22", User: "u", Password: "p", KnownHostsFile: filepath.Join(t.TempDir(), "missing")}
	_, err := sftp.NewSubscriber(sftp.Config{Connection: conn, Dir: "in"}, nil)
	require.ErrorIs(t, err, sftp.ErrKeyFile)
	assert.Contains(t, err.Error(), "sftp: known_hosts_file ")
}
