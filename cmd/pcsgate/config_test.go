package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeConfig writes a pcsgate.yaml whose store and folders are under dir;
// the "DIR" in yaml becomes dir.
func writeConfig(t *testing.T, dir, yaml string) string {
	t.Helper()
	p := filepath.Join(dir, "pcsgate.yaml")
	require.NoError(t, os.WriteFile(p, []byte(strings.ReplaceAll(yaml, "DIR", dir)), 0o600))
	return p
}

const goodConfig = `store: "sqlite:DIR/pcsgate.db"
monitor: {listen: "off"}
endpoints:
  - name: portbase-in
    direction: in
    transport: filedrop
    profile: portbase/coreor
    filedrop: {dir: DIR/in}
  - name: cpu-out
    direction: out
    transport: filedrop
    filedrop_out: {dir: DIR/out}
routes:
  - endpoint: cpu-out
    profile: cpu/transfer
`

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := writeConfig(t, dir, goodConfig)
	badDir := t.TempDir()
	bad := writeConfig(t, badDir, strings.NewReplacer("profile: portbase/coreor", "profile: nope/nope",
		"profile: cpu/transfer", "profile: portbase/coreor-in-no-such").Replace(goodConfig))
	structDir := t.TempDir()
	structural := writeConfig(t, structDir, strings.Replace(goodConfig, "direction: out", "direction: sideways", 1))
	keyDir := t.TempDir()
	badKey := writeConfig(t, keyDir, goodConfig)
	require.NoError(t, os.WriteFile(filepath.Join(keyDir, "credential.key"), []byte("short"), 0o600))
	tests := []struct {
		name     string
		args     []string
		code     int
		out      string
		errLines []string
	}{
		{name: "good", args: []string{"config", "check", good}, code: exitOK, out: good + ": ok (2 endpoints, 1 route)\n"},
		{name: "profiles resolved against the registry", args: []string{"config", "check", bad}, code: exitRejected, errLines: []string{
			bad + `: [7:14] endpoint "portbase-in": invalid configuration: profile "nope/nope" cannot read (see pcsgate profiles)`,
			bad + `: [15:14] route "cpu-out:portbase/coreor-in-no-such": invalid configuration: profile "portbase/coreor-in-no-such" cannot write (see pcsgate profiles)`,
		}},
		{name: "structural problem with its position", args: []string{"config", "check", structural}, code: exitRejected},
		{name: "unusable key file", args: []string{"config", "check", badKey}, code: exitRejected},
		{name: "missing file", args: []string{"config", "check", filepath.Join(dir, "nope.yaml")}, code: exitUsage},
		{name: "no file", args: []string{"config", "check"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, errOut)
			assert.Equal(t, tt.out, out)
			if tt.errLines != nil {
				assert.Equal(t, tt.errLines, lines(errOut))
			}
			if tt.code != exitOK {
				assert.NotEmpty(t, errOut)
			}
		})
	}
	_, err := os.Stat(filepath.Join(dir, "pcsgate.db"))
	assert.ErrorIs(t, err, os.ErrNotExist, "config check must not open the store")
}

// config schema prints the JSON Schema make docs wrote, which the
// gateway's own keys are in.
func TestConfigSchemaCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "config", "schema")
	assert.Equal(t, 0, code)
	want, err := os.ReadFile("../../transports/pipeline/pcsgate.schema.json")
	require.NoError(t, err)
	assert.Equal(t, string(want), out)
	var schema map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &schema))
	assert.Contains(t, schema["properties"], "webhooks")
}
