package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/pipeline"
)

// The startup line shows the store without its password.
func TestStartupLineMasksStorePassword(t *testing.T) {
	cfg := &pipeline.Config{Store: "postgres://pcsgate:s3cr3t@db:5432/pcsgate"}
	line := startupLine(cfg)
	assert.Equal(t, "pcsgate: store postgres://pcsgate:xxxxx@db:5432/pcsgate, 0 endpoints, 0 routes", line)
	assert.NotContains(t, line, "s3cr3t")
}

// The login address with its token is printed on the first start only;
// later starts say where the token file is.
func TestMonitorLines(t *testing.T) {
	first := monitorLines(pipeline.MonitorStart{URL: "http://127.0.0.1:8080/", Token: "pcsgate.a.b", TokenFile: "data/monitor.token"})
	assert.Equal(t, []string{"pcsgate: monitor login: http://127.0.0.1:8080/?token=pcsgate.a.b",
		"pcsgate: the monitor's operator token is in data/monitor.token; it is not printed again"}, first)
	later := monitorLines(pipeline.MonitorStart{URL: "http://127.0.0.1:8080/", TokenFile: "data/monitor.token"})
	assert.Equal(t, []string{"pcsgate: monitor on http://127.0.0.1:8080/ (the first operator token is in data/monitor.token; pcsgate token create makes more)"}, later)
	assert.Equal(t, []string{"pcsgate: monitor off"}, monitorLines(pipeline.MonitorStart{}))
}

func TestRunFailsBeforeTheBannerWhenAnAddressIsTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	freeAddr := free.Addr().String()
	require.NoError(t, free.Close())
	webhook := `  - name: cpu-in
    direction: in
    transport: http
    http_in: {path: /in/cpu, auth: {hmac_secret: "0123456789abcdef0123456789abcdef"}}
routes:`
	tests := []struct {
		name, monitor, webhooks, what string
	}{
		{name: "monitor", monitor: taken.Addr().String(), webhooks: freeAddr, what: "monitor"},
		// The monitor's listener, bound first, is closed again.
		{name: "webhooks", monitor: freeAddr, webhooks: taken.Addr().String(), what: "webhooks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			yaml := strings.NewReplacer(`monitor: {listen: "off"}`, `monitor: {listen: "`+tt.monitor+`"}`+"\nwebhooks: {listen: \""+tt.webhooks+`"}`,
				"routes:", webhook).Replace(goodConfig)
			code, out, errOut := runCLI(t, "", "run", "--config", writeConfig(t, dir, yaml))
			assert.Equal(t, exitRejected, code)
			assert.Empty(t, out)
			assert.Equal(t, []string{"pcsgate: " + tt.what + ": listen tcp " + taken.Addr().String() + ": bind: address already in use"}, lines(errOut))
			ln, err := net.Listen("tcp", freeAddr)
			require.NoError(t, err, "the listener bound before the failure is closed")
			require.NoError(t, ln.Close())
		})
	}
}

func TestRunLogFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{name: "unknown format", args: []string{"--log-format", "xml"}, err: `pcsgate: --log-format "xml": text or json expected`},
		{name: "unknown level", args: []string{"--log-level", "loud"}, err: `pcsgate: --log-level "loud": debug, info, warn or error expected`},
		{name: "level with an offset", args: []string{"--log-level", "info+2"}, err: `pcsgate: --log-level "info+2": debug, info, warn or error expected`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", append([]string{"run", "--data", t.TempDir()}, tt.args...)...)
			assert.Equal(t, exitUsage, code)
			assert.Equal(t, []string{tt.err}, lines(errOut))
		})
	}
}

func TestLoggerFormatsAndLevels(t *testing.T) {
	tests := []struct {
		name   string
		flags  logFlags
		want   string // the info line, or "" when below the level
		hasDbg bool
	}{
		{name: "text", flags: logFlags{format: "text", level: "info"}, want: `level=INFO msg=delivered endpoint=cpu-out file=a.xml`},
		{name: "json keeps the field order", flags: logFlags{format: "json", level: "INFO"},
			want: `{"level":"INFO","msg":"delivered","endpoint":"cpu-out","file":"a.xml"}`},
		{name: "warn hides info", flags: logFlags{format: "text", level: "warn"}},
		{name: "--debug lowers the level", flags: logFlags{format: "text", level: "error", debug: true},
			want: `level=INFO msg=delivered endpoint=cpu-out file=a.xml`, hasDbg: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := tt.flags.logger(&buf)
			require.NoError(t, err)
			// Without its time, for a stable comparison.
			l = slog.New(dropTime{l.Handler()})
			l.Debug("detail")
			l.Info("delivered", "endpoint", "cpu-out", "file", "a.xml")
			got := lines(buf.String())
			if tt.hasDbg {
				require.Len(t, got, 2)
				got = got[1:]
			}
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []string{tt.want}, got)
		})
	}
}

// dropTime removes the time of each record.
type dropTime struct{ slog.Handler }

func (d dropTime) Handle(ctx context.Context, r slog.Record) error {
	r.Time = time.Time{}
	return d.Handler.Handle(ctx, r)
}

// A configuration the gateway refuses once the profiles are known is a
// configuration error too: exit status 2, before the banner.
func TestRunConfigErrorIsUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, strings.Replace(goodConfig, "profile: cpu/transfer", "profile: nope/nope", 1))
	code, out, errOut := runCLI(t, "", "run", "--config", cfg)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, []string{`pcsgate: route "cpu-out:nope/nope": invalid configuration: profile "nope/nope" cannot write (see pcsgate profiles)`}, lines(errOut))
}
