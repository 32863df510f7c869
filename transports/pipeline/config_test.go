package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/filedrop"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// The example in the README is a real, valid configuration.
func TestExampleConfig(t *testing.T) {
	t.Setenv("PCSGATE_CPU_HMAC_SECRET", "example-hmac-secret")
	t.Setenv("PCSGATE_CPU_TOKEN", "example-token")
	cfg, err := pipeline.LoadConfig("pcsgate.example.yaml")
	require.NoError(t, err)
	assert.Equal(t, "example-hmac-secret", cfg.Endpoints[2].HTTPIn.Auth.HMACSecret)
	assert.Equal(t, "example-token", cfg.Endpoints[4].HTTPOut.Auth.Bearer)
	assert.Len(t, cfg.Endpoints, 6)
	assert.Len(t, cfg.Routes, 3)
	assert.Equal(t, 2*time.Second, cfg.Endpoints[0].Filedrop.Settle)
	assert.Equal(t, "*/5 * * * *", cfg.Endpoints[1].SFTP.Schedule)
	assert.Equal(t, "portbase-out:portbase/coreor", cfg.Routes[0].Name)
	assert.True(t, cfg.Routes[0].ToSource)
	assert.Equal(t, &pipeline.Sender{ID: "8712345000004", Qualifier: "14"}, cfg.Endpoints[3].Sender)
	assert.Equal(t, "partner", cfg.Endpoints[5].PCS)
	assert.Equal(t, "neutralise", cfg.Endpoints[5].CSVFormulas)
}

// csv_formulas takes neutralise or allow on an outbound endpoint.
func TestConfigCSVFormulas(t *testing.T) {
	for _, v := range []string{"neutralise", "allow"} {
		p := filepath.Join(t.TempDir(), "pcsgate.yaml")
		yaml := "endpoints:\n  - name: a\n    direction: out\n    transport: filedrop\n    csv_formulas: " + v + "\n    filedrop_out: {dir: x}\n"
		require.NoError(t, os.WriteFile(p, []byte(yaml), 0o644))
		cfg, err := pipeline.LoadConfig(p)
		require.NoError(t, err, v)
		assert.Equal(t, v, cfg.Endpoints[0].CSVFormulas)
	}
}

func TestConfigErrors(t *testing.T) {
	outbound := "endpoints:\n  - name: a\n    direction: out\n    transport: filedrop\n    filedrop_out: {dir: x}\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown key", "store: sqlite:x.db\nstroe: typo\n", "[2:1] unknown field \"stroe\""},
		{"route to nowhere", "routes:\n  - endpoint: nope\n    profile: portbase/coreor\n", `endpoint "nope" is not an outbound endpoint`},
		{"endpoint without section", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n", "direction in with transport filedrop is configured in the section filedrop, which is missing"},
		{"endpoint of no transport", "endpoints:\n  - name: a\n    direction: in\n    transport: ftp\n", "direction in|out with transport filedrop|sftp|http"},
		{"bad duration", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    filedrop: {dir: x, settle: soon}\n", `[5:32] endpoints[0].filedrop.settle: time: invalid duration "soon"`},
		{"bad duration, block style", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    filedrop:\n      dir: x\n      settle: soon\n", `[7:15] endpoints[0].filedrop.settle: time: invalid duration "soon"`},
		{"bad duration, its text also a name", "endpoints:\n  - name: soon\n    direction: in\n    transport: filedrop\n    filedrop: {dir: x, settle: soon}\n", `[5:32] endpoints[0].filedrop.settle: time: invalid duration "soon"`},
		{"bad duration of an inlined section", "endpoints:\n  - name: a\n    direction: in\n    transport: sftp\n    sftp:\n      dir: x\n      timeout: soon\n", `[7:16] endpoints[0].sftp.timeout: time: invalid duration "soon"`},
		{"bad retry interval", "retry:\n  initial_interval: 5 parsecs\n", `[2:21] retry.initial_interval "5 parsecs": invalid configuration: a positive duration`},
		{"negative statement timeout", "postgres:\n  statement_timeout: -1s\n", `[2:22] postgres.statement_timeout -1s: invalid configuration: a positive duration such as 30s expected`},
		{"bad idle timeout", "postgres:\n  idle_in_transaction_timeout: soon\n", `[2:32] postgres.idle_in_transaction_timeout: time: invalid duration "soon"`},
		// Reported at the route, not where the endpoint's name is written.
		{"route to an inbound endpoint", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    filedrop: {dir: x}\n" +
			"routes:\n  - profile: portbase/coreor\n    endpoint: a\n", `[8:15] routes[0] "a:portbase/coreor": invalid configuration: endpoint "a" is not an outbound endpoint`},
		{"route without profile", "endpoints:\n  - name: a\n    direction: out\n    transport: filedrop\n    filedrop_out: {dir: x}\n" +
			"routes:\n  - endpoint: a\n", `[7:5] routes[0] "a:": invalid configuration: profile is required`},
		{"pcs of an inbound endpoint", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    pcs: portbase\n    filedrop: {dir: x}\n",
			`[5:10] endpoints[0] "a": invalid configuration: pcs is for outbound endpoints`},
		{"pcs not a system", outbound + "    pcs: Port Base\n", `[6:10] endpoints[0] "a": invalid configuration: pcs "Port Base": a system as profile names begin`},
		{"sender of an inbound endpoint", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    sender: {id: X}\n    filedrop: {dir: x}\n",
			`[5:14] endpoints[0] "a": invalid configuration: sender is for outbound endpoints`},
		{"sender without id", outbound + "    sender: {qualifier: ZZZ}\n", `[6:14] endpoints[0] "a": invalid configuration: sender.id is required`},
		{"sender id too long", outbound + "    sender:\n      id: ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\n",
			`[7:11] endpoints[0] "a": invalid configuration: sender.id "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" has 36 characters: at most 35 expected`},
		{"sender id with a separator", outbound + "    sender: {id: \"NL:1\"}\n",
			`[6:18] endpoints[0] "a": invalid configuration: sender.id "NL:1": character 3 cannot be written in an envelope`},
		{"sender qualifier too long", outbound + "    sender: {id: PCSGATE, qualifier: ZZZZZ}\n",
			`[6:38] endpoints[0] "a": invalid configuration: sender.qualifier "ZZZZZ" has 5 characters: at most 4 expected`},
		{"csv_formulas of an inbound endpoint", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n    csv_formulas: allow\n    filedrop: {dir: x}\n",
			`[5:19] endpoints[0] "a": invalid configuration: csv_formulas is for outbound endpoints`},
		{"csv_formulas unknown", outbound + "    csv_formulas: yes\n",
			`[6:19] endpoints[0] "a": invalid configuration: csv_formulas "yes": neutralise or allow expected`},
		{"json_lines of an outbound endpoint", outbound + "    json_lines: true\n", `[6:17] endpoints[0] "a": invalid configuration: json_lines is for inbound endpoints`},
		{"endpoint without section, at its transport", "endpoints:\n  - name: a\n    direction: in\n    transport: filedrop\n", `[4:16] endpoints[0] "a": invalid configuration: direction in with transport filedrop`},
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

// Secrets given as env:NAME or file:PATH are resolved at load, in every
// section that holds one.
func TestConfigSecrets(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	t.Setenv("PCSGATE_TEST_STORE", "postgres://pcsgate:pg-s3cr3t@db/pcsgate")
	t.Setenv("PCSGATE_TEST_BEARER", "in-token")
	t.Setenv("PCSGATE_TEST_API_KEY", "api-key")
	yaml := "store: env:PCSGATE_TEST_STORE\ncredential_key_file: keys/credential.key\nendpoints:\n" +
		"  - {name: sin, direction: in, transport: sftp, sftp: {addr: 'h:22', user: u, password: 'file:" + file("sftp-pw", "sftp-pw\n") + "', known_hosts_file: kh, dir: d}}\n" +
		"  - {name: sout, direction: out, transport: sftp, sftp_out: {addr: 'h:22', user: u, private_key_file: k, private_key_passphrase: 'file:" + file("pass", "key-pass\r\n") + "', known_hosts_file: kh, dir: d}}\n" +
		"  - {name: hin, direction: in, transport: http, http_in: {path: /in, auth: {bearer: env:PCSGATE_TEST_BEARER, hmac_secret: 'file:" + file("hmac", "in-hmac") + "'}}}\n" +
		"  - {name: hout, direction: out, transport: http, http_out: {url: 'https://x.example/', auth: {bearer: clear-token, hmac_secret: 'file:" + file("hmac-out", "out-hmac\n") + "'}, headers: {X-Api-Key: env:PCSGATE_TEST_API_KEY, X-Plain: plain}}}\n"
	p := filepath.Join(dir, "pcsgate.yaml")
	require.NoError(t, os.WriteFile(p, []byte(yaml), 0o600))
	cfg, err := pipeline.LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, "postgres://pcsgate:pg-s3cr3t@db/pcsgate", cfg.Store)
	assert.Equal(t, "sftp-pw", cfg.Endpoints[0].SFTP.Password)
	assert.Equal(t, "key-pass", cfg.Endpoints[1].SFTPOut.PrivateKeyPassphrase)
	assert.Equal(t, "in-token", cfg.Endpoints[2].HTTPIn.Auth.Bearer)
	assert.Equal(t, "in-hmac", cfg.Endpoints[2].HTTPIn.Auth.HMACSecret)
	assert.Equal(t, "clear-token", cfg.Endpoints[3].HTTPOut.Auth.Bearer, "a clear value stays as it is")
	assert.Equal(t, "out-hmac", cfg.Endpoints[3].HTTPOut.Auth.HMACSecret)
	assert.Equal(t, map[string]string{"X-Api-Key": "api-key", "X-Plain": "plain"}, cfg.Endpoints[3].HTTPOut.Headers)
}

// A PostgreSQL store needs its key files named: keys of one run could not
// open after a restart what they sealed. Beside an SQLite file they go
// into its folder.
func TestConfigKeyFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pcsgate.yaml")
	require.NoError(t, os.WriteFile(p, []byte("store: postgres://pcsgate@db/pcsgate\n"), 0o600))
	_, err := pipeline.LoadConfig(p)
	require.ErrorIs(t, err, pipeline.ErrConfig)
	assert.Contains(t, err.Error(), "[1:8] credential_key_file: invalid configuration: a PostgreSQL store needs it")

	require.NoError(t, os.WriteFile(p, []byte("store: sqlite:/var/lib/pcsgate/pcsgate.db\n"), 0o600))
	cfg, err := pipeline.LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, "/var/lib/pcsgate/credential.key", cfg.CredentialKeyFile)
	assert.Equal(t, "/var/lib/pcsgate/secret.key", cfg.SecretKeyFile)
}

// A secret that cannot be resolved is reported at its field, by the name
// of its variable or file, never with the secret.
func TestConfigSecretErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PCSGATE_TEST_SECRET", "s3cr3t-value")
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct{ name, yaml, want string }{
		{"store variable not set", "store: env:PCSGATE_TEST_UNSET\n",
			"[1:8] store: invalid configuration: env:PCSGATE_TEST_UNSET is not set"},
		{"bearer file missing", "endpoints:\n  - name: hin\n    direction: in\n    transport: http\n    http_in:\n      path: /in\n      auth:\n        bearer: file:" + missing + "\n",
			`[8:17] endpoints[0] "hin": http_in.auth.bearer: invalid configuration: file:` + missing + " cannot be read: no such file or directory"},
		{"sftp password a folder", "endpoints:\n  - {name: s, direction: in, transport: sftp, sftp: {addr: 'h:22', user: u, password: 'file:" + dir + "', known_hosts_file: kh, dir: d}}\n",
			`endpoints[0] "s": sftp.password: invalid configuration: file:` + dir + " cannot be read: is a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "pcsgate.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.yaml), 0o600))
			_, err := pipeline.LoadConfig(p)
			require.ErrorIs(t, err, pipeline.ErrConfig)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
	// Every secret that fails is reported, each on its line; resolved
	// ones are not shown.
	p := filepath.Join(dir, "pcsgate.yaml")
	require.NoError(t, os.WriteFile(p, []byte("store: env:PCSGATE_TEST_SECRET\nendpoints:\n"+
		"  - {name: o, direction: out, transport: http, http_out: {url: 'https://x.example/', auth: {bearer: env:PCSGATE_TEST_UNSET, hmac_secret: env:PCSGATE_TEST_UNSET2}}}\n"), 0o600))
	_, err := pipeline.LoadConfig(p)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2, err.Error())
	assert.Contains(t, lines[0], "http_out.auth.bearer: invalid configuration: env:PCSGATE_TEST_UNSET is not set")
	assert.Contains(t, lines[1], "http_out.auth.hmac_secret: invalid configuration: env:PCSGATE_TEST_UNSET2 is not set")
	assert.NotContains(t, err.Error(), "s3cr3t")
}

// Several problems are reported one per line, each at its own field.
func TestConfigErrorsEachPlaced(t *testing.T) {
	yaml := "endpoints:\n  - name: a\n    direction: out\n    transport: filedrop\n    filedrop_out: {dir: x}\n" +
		"routes:\n  - endpoint: a\n    profile: partner/status-csv\n  - endpoint: b\n    profile: partner/status-csv\n" +
		"retry:\n  initial_interval: -1s\n"
	p := filepath.Join(t.TempDir(), "pcsgate.yaml")
	require.NoError(t, os.WriteFile(p, []byte(yaml), 0o644))
	_, err := pipeline.LoadConfig(p)
	require.ErrorIs(t, err, pipeline.ErrConfig)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2, err.Error())
	assert.Contains(t, lines[0], `[12:21] retry.initial_interval "-1s"`)
	assert.Contains(t, lines[1], `[9:15] routes[1] "b:partner/status-csv": invalid configuration: endpoint "b" is not an outbound endpoint`)
}

// Validate only checks: the defaults are LoadConfig's and New's to fill in.
func TestValidateChangesNothing(t *testing.T) {
	for _, valid := range []bool{true, false} {
		cfg := validateSample(valid)
		if valid {
			require.NoError(t, cfg.Validate())
		} else {
			require.ErrorIs(t, cfg.Validate(), pipeline.ErrConfig)
		}
		assert.Equal(t, validateSample(valid), cfg, "valid %v: Validate changed the configuration", valid)
	}
}

// validateSample is a new configuration without defaults (no store,
// address, retry count or route names); valid gives a retry interval,
// else it also has an endpoint of no kind and a route to an inbound one.
func validateSample(valid bool) *pipeline.Config {
	c := &pipeline.Config{
		Endpoints: []pipeline.Endpoint{
			{Name: "in", Direction: "in", Transport: "filedrop", Filedrop: &filedrop.Config{Dir: "in"}},
			{Name: "out", Direction: "out", Transport: "filedrop", FiledropOut: &filedrop.PublisherConfig{Dir: "out"}},
		},
		Routes: []pipeline.Route{{Endpoint: "out", Profile: "partner/status-csv"}},
	}
	if valid {
		c.Retry.InitialInterval = "1s"
		return c
	}
	c.Endpoints = append(c.Endpoints, pipeline.Endpoint{Name: "odd", Direction: "out", Transport: "carrier-pigeon"})
	c.Routes = append(c.Routes, pipeline.Route{Endpoint: "in"})
	return c
}
