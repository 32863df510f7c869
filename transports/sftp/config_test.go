package sftp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/sftp"
)

// validConn is a connection that passes Validate.
var validConn = sftp.Connection{Addr: "sftp.example.com:22", User: "pcsgate", Password: "secret", HostKeyFingerprint: "SHA256:" + fortyThreeAs}

func TestConfigValidate(t *testing.T) {
	with := func(adjust func(c *sftp.Config)) sftp.Config {
		c := sftp.Config{Connection: validConn, Dir: "in"}
		adjust(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     sftp.Config
		wantErr []string // one substring per expected line
	}{
		{name: "minimal", cfg: with(func(*sftp.Config) {})},
		{name: "full", cfg: with(func(c *sftp.Config) {
			c.PrivateKeyFile, c.PrivateKeyPassphrase, c.Archive, c.Error = "id_ed25519", "pass", "/done", "/bad"
			c.Schedule, c.Include, c.MaxBytes, c.Settle, c.DoneMarker = "*/5 * * * *", []string{"*.edi"}, 1, time.Second, true
			c.HostKeyAlgorithms, c.Timeout, c.MaxRetries, c.Backoff = []string{"ssh-ed25519", "rsa-sha2-256"}, time.Second, -1, time.Second
		})},
		{name: "known_hosts", cfg: with(func(c *sftp.Config) { c.HostKeyFingerprint, c.KnownHostsFile = "", "known_hosts" })},
		{name: "delete", cfg: with(func(c *sftp.Config) { c.Delete = true })},
		{name: "empty", cfg: sftp.Config{}, wantErr: []string{
			`addr "" is not a valid setting: expected host:port`,
			`user "" is not a valid setting: expected the login name`,
			`password "" is not a valid setting: expected a password or a private_key_file`,
			`known_hosts_file "" is not a valid setting: expected a known_hosts file or a host_key_fingerprint`,
			`dir "" is not a valid setting: expected the remote folder to pick files up from`,
		}},
		{name: "addr without port", cfg: with(func(c *sftp.Config) { c.Addr = "sftp.example.com" }), wantErr: []string{`addr "sftp.example.com"`}},
		{name: "addr with bad port", cfg: with(func(c *sftp.Config) { c.Addr = "sftp.example.com:99999" }), wantErr: []string{`addr "sftp.example.com:99999"`}},
		{name: "no host key check", cfg: with(func(c *sftp.Config) { c.HostKeyFingerprint = "" }), wantErr: []string{`known_hosts_file "" is not a valid setting: expected a known_hosts file or a host_key_fingerprint to pin the server's host key`}},
		{name: "both host key checks", cfg: with(func(c *sftp.Config) { c.KnownHostsFile = "kh" }), wantErr: []string{`expected either known_hosts_file or host_key_fingerprint, not both`}},
		{name: "fingerprint as ssh-keygen prints the line", cfg: with(func(c *sftp.Config) { c.HostKeyFingerprint = "256 SHA256:" + fortyThreeAs + " root@sftp (ED25519)" }), wantErr: []string{`host_key_fingerprint "256 SHA256:`}},
		{name: "MD5 fingerprint", cfg: with(func(c *sftp.Config) { c.HostKeyFingerprint = "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48" }), wantErr: []string{`expected "SHA256:" and 43 base64 characters`}},
		{name: "short fingerprint", cfg: with(func(c *sftp.Config) { c.HostKeyFingerprint = "SHA256:AAAA" }), wantErr: []string{`host_key_fingerprint "SHA256:AAAA"`}},
		{name: "unknown algorithm", cfg: with(func(c *sftp.Config) { c.HostKeyAlgorithms = []string{"ssh-dss"} }), wantErr: []string{`host_key_algorithms[0] "ssh-dss"`}},
		{name: "passphrase without key", cfg: with(func(c *sftp.Config) { c.PrivateKeyPassphrase = "x" }), wantErr: []string{`private_key_passphrase "" is not a valid setting: expected a private_key_file it unlocks`}},
		{name: "negative durations", cfg: with(func(c *sftp.Config) { c.Timeout, c.Backoff, c.Settle = -1, -1, -1 }), wantErr: []string{`timeout "-1ns"`, `backoff "-1ns"`, `settle "-1ns"`}},
		{name: "archive and delete", cfg: with(func(c *sftp.Config) { c.Archive, c.Delete = "done", true }), wantErr: []string{`archive "done" is not a valid setting: expected either archive or delete, not both`}},
		{name: "archive is dir", cfg: with(func(c *sftp.Config) { c.Archive = "in/" }), wantErr: []string{`archive "in/" is not a valid setting: expected a folder other than dir`}},
		{name: "error is dir", cfg: with(func(c *sftp.Config) { c.Error = "./in" }), wantErr: []string{`error "./in" is not a valid setting: expected a folder other than dir`}},
		{name: "error is archive", cfg: with(func(c *sftp.Config) { c.Archive, c.Error = "x", "x" }), wantErr: []string{`error "x" is not a valid setting: expected a folder other than archive`}},
		{name: "bad schedule", cfg: with(func(c *sftp.Config) { c.Schedule = "every minute" }), wantErr: []string{`schedule "every minute" is not a valid setting: expected a cron spec`}},
		{name: "schedule with seconds", cfg: with(func(c *sftp.Config) { c.Schedule = "0 */5 * * * *" }), wantErr: []string{`schedule "0 */5 * * * *"`}},
		{name: "schedule that never fires", cfg: with(func(c *sftp.Config) { c.Schedule = "0 0 30 2 *" }), wantErr: []string{`schedule "0 0 30 2 *"`}},
		{name: "unknown time zone", cfg: with(func(c *sftp.Config) { c.Schedule = "CRON_TZ=Mars/Olympus 0 * * * *" }), wantErr: []string{`schedule "CRON_TZ=Mars/Olympus`}},
		{name: "bad patterns", cfg: with(func(c *sftp.Config) { c.Include = []string{"*.edi", "[", "a/*"} }), wantErr: []string{`include[1] "["`, `include[2] "a/*"`}},
		{name: "negative size", cfg: with(func(c *sftp.Config) { c.MaxBytes = -1 }), wantErr: []string{`max_bytes "-1" is not a valid setting`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.wantErr) == 0 {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, transports.ErrBadConfig)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tt.wantErr), err.Error())
			for i, want := range tt.wantErr {
				assert.Contains(t, lines[i], want)
			}
			assert.NotContains(t, err.Error(), "secret", "the password leaked into the error")
		})
	}
}

func TestPublisherConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     sftp.PublisherConfig
		wantErr []string
	}{
		{name: "minimal", cfg: sftp.PublisherConfig{Connection: validConn, Dir: "out"}},
		{name: "extension and suffix", cfg: sftp.PublisherConfig{Connection: validConn, Dir: "out", Extension: ".edi", TempSuffix: ".uploading"}},
		{name: "no dir", cfg: sftp.PublisherConfig{Connection: validConn}, wantErr: []string{`dir "" is not a valid setting: expected the remote folder to deliver into`}},
		{name: "extension with separator", cfg: sftp.PublisherConfig{Connection: validConn, Dir: "out", Extension: "/x"}, wantErr: []string{`extension "/x"`}},
		{name: "extension of a temporary file", cfg: sftp.PublisherConfig{Connection: validConn, Dir: "out", Extension: ".tmp"}, wantErr: []string{`extension ".tmp"`}},
		{name: "suffix with separator", cfg: sftp.PublisherConfig{Connection: validConn, Dir: "out", TempSuffix: "/x"}, wantErr: []string{`temp_suffix "/x"`}},
		{name: "suffix is the extension", cfg: sftp.PublisherConfig{Connection: validConn, Dir: "out", Extension: ".edi", TempSuffix: ".edi"}, wantErr: []string{`temp_suffix ".edi" is not a valid setting: expected a file name ending such as .part, other than extension`}},
		{name: "no connection", cfg: sftp.PublisherConfig{Dir: "out"}, wantErr: []string{`addr ""`, `user ""`, `password ""`, `known_hosts_file ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.wantErr) == 0 {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, transports.ErrBadConfig)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tt.wantErr), err.Error())
			for i, want := range tt.wantErr {
				assert.Contains(t, lines[i], want)
			}
		})
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	_, err := sftp.NewSubscriber(sftp.Config{Dir: "in"}, nil)
	require.ErrorIs(t, err, transports.ErrBadConfig)
	assert.Contains(t, err.Error(), "invalid sftp config: addr")

	_, err = sftp.NewPublisher(sftp.PublisherConfig{Dir: "out"}, nil)
	require.ErrorIs(t, err, transports.ErrBadConfig)
	assert.Contains(t, err.Error(), "invalid sftp config: addr")
}

// The settings decode from pcsgate.yaml with the connection fields inline
// and unknown keys refused.
func TestConfigFromYAML(t *testing.T) {
	const doc = `
addr: sftp.example-line.com:22
user: pcsgate
private_key_file: keys/id_ed25519
known_hosts_file: keys/known_hosts
timeout: 10s
max_retries: 3
dir: /outbox
archive: /outbox/done
schedule: "*/5 * * * *"
include: ["*.edi"]
max_bytes: 1048576
done_marker: true
`
	var cfg sftp.Config
	require.NoError(t, yaml.UnmarshalWithOptions([]byte(doc), &cfg, yaml.DisallowUnknownField()))
	assert.Equal(t, "sftp.example-line.com:22", cfg.Addr)
	assert.Equal(t, "keys/known_hosts", cfg.KnownHostsFile)
	assert.Equal(t, 10*time.Second, cfg.Timeout)
	assert.Equal(t, 3, cfg.MaxRetries)
	assert.Equal(t, "/outbox/done", cfg.Archive)
	assert.Equal(t, []string{"*.edi"}, cfg.Include)
	assert.True(t, cfg.DoneMarker)
	require.NoError(t, cfg.Validate())

	var pub sftp.PublisherConfig
	require.NoError(t, yaml.UnmarshalWithOptions([]byte("addr: h:22\nuser: u\npassword: p\nhost_key_fingerprint: SHA256:"+fortyThreeAs+"\ndir: inbox\nextension: .edi\ntemp_suffix: .tmp\n"), &pub, yaml.DisallowUnknownField()))
	assert.Equal(t, ".tmp", pub.TempSuffix)
	require.NoError(t, pub.Validate())

	err := yaml.UnmarshalWithOptions([]byte("addr: h:22\ninsecure_ignore_host_key: true\n"), &cfg, yaml.DisallowUnknownField())
	require.Error(t, err, "an unknown key, and there is no such setting")
}
