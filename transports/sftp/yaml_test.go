package sftp_test

import (
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/sftp"
)

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
