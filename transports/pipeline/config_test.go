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

// The example in the README is a real, valid configuration.
func TestExampleConfig(t *testing.T) {
	cfg, err := pipeline.LoadConfig("pcsgate.example.yaml")
	require.NoError(t, err)
	assert.Len(t, cfg.Endpoints, 6)
	assert.Len(t, cfg.Routes, 3)
	assert.Equal(t, 2*time.Second, cfg.Endpoints[0].Filedrop.Settle)
	assert.Equal(t, "*/5 * * * *", cfg.Endpoints[1].SFTP.Schedule)
	assert.Equal(t, "portbase-out:portbase/coreor", cfg.Routes[0].Name)
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "store: sqlite:x.db\nstroe: typo\n", "[2:1] unknown field \"stroe\""},
		{"route to nowhere", "routes:\n  - endpoint: nope\n    profile: portbase/coreor\n", `endpoint "nope" is not an outbound endpoint`},
		{"endpoint without section", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n", "direction in|out with transport filedrop|sftp|http"},
		{"bad duration", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    filedrop: {dir: x, settle: soon}\n", `[5:32] endpoints[0].filedrop.settle: time: invalid duration "soon"`},
		{"bad duration, block style", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    filedrop:\n      dir: x\n      settle: soon\n", `[7:15] endpoints[0].filedrop.settle: time: invalid duration "soon"`},
		{"bad retry interval", "retry:\n  initial_interval: 5 parsecs\n", `[2:21] retry.initial_interval "5 parsecs": invalid configuration: a positive duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "pcsgate.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.yaml), 0o644))
			_, err := pipeline.LoadConfig(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}
