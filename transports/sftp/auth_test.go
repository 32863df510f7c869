package sftp_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/sftp/sftptest"
)

// writeKey writes a new private key file, encrypted with passphrase unless
// empty, and returns its path and public key.
func writeKey(t *testing.T, passphrase string) (string, ssh.PublicKey) {
	t.Helper()
	signer, pemBytes, err := sftptest.NewKey(passphrase)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "id_ed25519")
	require.NoError(t, os.WriteFile(p, pemBytes, 0o600))
	return p, signer.PublicKey()
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name  string
		opts  func(key ssh.PublicKey) sftptest.Options
		login func(c *sftp.Connection, keyFile, encryptedKeyFile string)
	}{
		{name: "password", opts: func(ssh.PublicKey) sftptest.Options { return sftptest.Options{} }, login: func(*sftp.Connection, string, string) {}},
		{name: "keyboard-interactive", opts: func(ssh.PublicKey) sftptest.Options { return sftptest.Options{KeyboardInteractive: true} }, login: func(*sftp.Connection, string, string) {}},
		{name: "private key", opts: func(k ssh.PublicKey) sftptest.Options { return sftptest.Options{AuthorizedKeys: []ssh.PublicKey{k}} },
			login: func(c *sftp.Connection, keyFile, _ string) { c.Password, c.PrivateKeyFile = "", keyFile }},
		{name: "encrypted private key", opts: func(k ssh.PublicKey) sftptest.Options { return sftptest.Options{AuthorizedKeys: []ssh.PublicKey{k}} },
			login: func(c *sftp.Connection, _, encrypted string) {
				c.Password, c.PrivateKeyFile, c.PrivateKeyPassphrase = "", encrypted, "open sesame"
			}},
		{name: "key refused, then password", opts: func(ssh.PublicKey) sftptest.Options { return sftptest.Options{} },
			login: func(c *sftp.Connection, keyFile, _ string) { c.PrivateKeyFile = keyFile }},
	}
	keyFile, key := writeKey(t, "")
	encrypted, encKey := writeKey(t, "open sesame") // slow: the passphrase is stretched
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts(key)
			if tt.name == "encrypted private key" {
				opts = tt.opts(encKey)
			}
			srv := sftptest.New(t, opts)
			require.NoError(t, srv.Partner().MkdirAll("/out"))
			conn := connection(srv)
			tt.login(&conn, keyFile, encrypted)
			pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: "/out"}, nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = pub.Close() })
			require.NoError(t, pub.Publish("out", outMsg("evt-1", "UNB")))
			assert.Equal(t, 1, srv.Logins())
		})
	}
}

func TestLoginRefused(t *testing.T) {
	srv := newServer(t)
	conn := connection(srv)
	conn.Password = "wrong"
	var sl sleeps
	conn.Sleep = sl.sleep
	pub, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: "/out"}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pub.Close() })

	err = pub.Publish("out", outMsg("evt-1", "UNB"))
	require.ErrorIs(t, err, sftp.ErrLogin)
	assert.Contains(t, err.Error(), `sftp `+srv.Addr()+`: upload "/out/evt-1": login "pcsgate" was refused by the server (tried password)`)
	assert.NotContains(t, err.Error(), "wrong", "the password leaked into the error")
	assert.Empty(t, sl.got(), "a refused login was retried")
}

func TestPrivateKeyFileErrors(t *testing.T) {
	encrypted, _ := writeKey(t, "open sesame")
	garbage := filepath.Join(t.TempDir(), "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("-----BEGIN SECRET-----\nc2VjcmV0\n"), 0o600))
	tests := []struct {
		name       string
		file       string
		passphrase string
		wantErr    string
	}{
		{name: "missing", file: filepath.Join(t.TempDir(), "missing"), wantErr: "is not a usable key file: open "},
		{name: "encrypted without passphrase", file: encrypted, wantErr: "is not a usable key file: it is encrypted, expected private_key_passphrase"},
		{name: "wrong passphrase", file: encrypted, passphrase: "guess", wantErr: "is not a usable key file: private_key_passphrase does not unlock it"},
		{name: "not a key", file: garbage, wantErr: "is not a usable key file: expected a private key in PEM or OpenSSH format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := sftp.Connection{Addr: "127.0.0.1:22", User: "u", PrivateKeyFile: tt.file, PrivateKeyPassphrase: tt.passphrase, HostKeyFingerprint: "SHA256:" + fortyThreeAs}
			_, err := sftp.NewPublisher(sftp.PublisherConfig{Connection: conn, Dir: "out"}, nil)
			require.ErrorIs(t, err, sftp.ErrKeyFile)
			assert.Contains(t, err.Error(), "sftp: private_key_file ")
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "c2VjcmV0", "key file content leaked into the error")
		})
	}
}

// fortyThreeAs is a well-formed fingerprint body.
const fortyThreeAs = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
