package pipeline_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/pipeline"
)

// loadYAML loads a configuration written as text.
func loadYAML(t *testing.T, text string) (*pipeline.Config, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pcsgate.yaml")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o600))
	return pipeline.LoadConfig(p)
}

const hookEndpoint = `endpoints:
  - name: hook
    direction: in
    transport: http
    http_in: {path: /in/hook, auth: {bearer: t}}
`

// The monitor and the webhooks have their own addresses and limits; the
// old shared http key is refused at its line.
func TestConfigListeners(t *testing.T) {
	cfg, err := loadYAML(t, "store: sqlite:x.db\n")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", cfg.Monitor.Listen)
	assert.Equal(t, "127.0.0.1:8081", cfg.Webhooks.Listen)
	assert.Equal(t, 10*time.Second, cfg.Webhooks.ReadHeaderTimeout)
	assert.Equal(t, 256, cfg.Webhooks.MaxConnections)
	assert.Equal(t, 32, cfg.Webhooks.MaxConnectionsPerClient)

	cfg, err = loadYAML(t, "monitor: {listen: \"off\"}\nwebhooks:\n  listen: 0.0.0.0:9000\n  read_timeout: 5s\n  max_connections: 10\n  max_connections_per_client: 2\n")
	require.NoError(t, err)
	assert.Equal(t, pipeline.ListenOff, cfg.Monitor.Listen)
	assert.Equal(t, "0.0.0.0:9000", cfg.Webhooks.Listen)
	assert.Equal(t, 5*time.Second, cfg.Webhooks.ReadTimeout)
	assert.Equal(t, 10, cfg.Webhooks.MaxConnections)
	assert.Equal(t, 2, cfg.Webhooks.MaxConnectionsPerClient)
	assert.Equal(t, 90*time.Second, cfg.Webhooks.WriteTimeout, "the default")

	for _, c := range []struct{ name, yaml, err string }{
		{"old http key", "store: sqlite:x.db\nhttp: 127.0.0.1:8080\n",
			"pcsgate.yaml: invalid configuration: [2:1] http: this key is gone: use webhooks.listen for the webhooks and monitor.listen for the monitor"},
		{"old http key alone", "http: 127.0.0.1:8080\n", "[1:1] http: this key is gone"},
		{"same address", "monitor: {listen: \"127.0.0.1:9000\"}\nwebhooks: {listen: \"127.0.0.1:9000\"}\n",
			`[2:20] webhooks.listen "127.0.0.1:9000": invalid configuration: the monitor listens there too`},
		{"same default", "webhooks: {listen: \"127.0.0.1:8080\"}\n", "the monitor listens there too"},
		{"webhooks off with a webhook", hookEndpoint + "webhooks: {listen: \"off\"}\n", `webhooks.listen: invalid configuration: "off", but an http_in endpoint needs the webhooks' server`},
		{"no port", "monitor: {listen: localhost}\n", `monitor.listen "localhost": invalid configuration: host:port or "off" expected`},
		{"negative limit", "webhooks: {max_connections: -1}\n", "webhooks.max_connections: invalid configuration: a positive value expected"},
		{"negative per-client limit", "webhooks:\n  listen: 127.0.0.1:9000\n  max_connections_per_client: -1\n",
			"[3:31] webhooks.max_connections_per_client: invalid configuration: a positive value expected"},
		{"per-client limit not a number", "webhooks:\n  max_connections_per_client: many\n", "[2:31]"},
	} {
		_, err := loadYAML(t, c.yaml)
		require.ErrorIs(t, err, pipeline.ErrConfig, c.name)
		assert.Contains(t, err.Error(), c.err, c.name)
		assert.NotContains(t, err.Error(), "\n", "%s: one line", c.name)
	}
	_, err = loadYAML(t, "webhooks: {listen: \"off\"}\n")
	assert.NoError(t, err, "webhooks off without a webhook")
}
