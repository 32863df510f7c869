package http_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
)

func TestInboundConfigValidate(t *testing.T) {
	auth := httptr.AuthConfig{Bearer: testToken}
	tests := []struct {
		name    string
		cfg     httptr.InboundConfig
		wantErr []string
	}{
		{name: "bearer", cfg: httptr.InboundConfig{Path: "/in/cpu", Auth: auth}},
		{name: "hmac", cfg: httptr.InboundConfig{Path: "/in/cpu", Auth: httptr.AuthConfig{HMACSecret: "x", HMACHeader: "X-Hub-Signature-256"}}},
		{name: "no path", cfg: httptr.InboundConfig{Auth: auth}, wantErr: []string{`path "" is not a valid setting`}},
		{name: "relative path", cfg: httptr.InboundConfig{Path: "in", Auth: auth}, wantErr: []string{`path "in"`}},
		{name: "open endpoint", cfg: httptr.InboundConfig{Path: "/in"}, wantErr: []string{"auth is not a valid setting: expected a bearer token, an hmac_secret or both"}},
		{name: "token with space", cfg: httptr.InboundConfig{Path: "/in", Auth: httptr.AuthConfig{Bearer: "a b"}}, wantErr: []string{"auth.bearer is not a valid setting"}},
		{name: "bad header", cfg: httptr.InboundConfig{Path: "/in", Auth: httptr.AuthConfig{HMACSecret: "x", HMACHeader: "X Sig"}}, wantErr: []string{`auth.hmac_header "X Sig"`}},
		{name: "negative numbers", cfg: httptr.InboundConfig{Path: "/in", Auth: auth, MaxBodyBytes: -1, Timeout: -1, RecentKeys: -1}, wantErr: []string{"max_body_bytes", "timeout", "recent_keys"}},
		{name: "report sync", cfg: httptr.InboundConfig{Path: "/in", Auth: auth, Report: httptr.ReportSync}},
		{name: "report async", cfg: httptr.InboundConfig{Path: "/in", Auth: auth, Report: "async"}, wantErr: []string{`report "async" is not a valid setting: expected "sync" or nothing`}},
		{name: "bad content types", cfg: httptr.InboundConfig{Path: "/in", Auth: auth, ContentTypes: []string{"application/json", "Text/Plain", "text/plain; charset=utf-8", "nonsense", ""}}, wantErr: []string{"content_types[2]", "content_types[3]", "content_types[4]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkValidate(t, tt.cfg.Validate(), tt.wantErr)
		})
	}
}

func TestOutboundConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     httptr.OutboundConfig
		wantErr []string
	}{
		{name: "minimal", cfg: httptr.OutboundConfig{URL: "https://partner.example/hook"}},
		{name: "full", cfg: httptr.OutboundConfig{URL: "http://partner.example:8080/hook?x=1", Auth: httptr.AuthConfig{Bearer: "t", HMACSecret: "s"}, Headers: map[string]string{"X-Api-Key": "k"}, ContentType: "application/json", MaxRetries: -1}},
		{name: "no url", cfg: httptr.OutboundConfig{}, wantErr: []string{`url "(not a URL)" is not a valid setting`}},
		{name: "ftp", cfg: httptr.OutboundConfig{URL: "ftp://partner.example/x"}, wantErr: []string{`url "ftp://partner.example/x"`}},
		{name: "password in url", cfg: httptr.OutboundConfig{URL: "https://user:hunter2@partner.example/x"}, wantErr: []string{`url "https://partner.example/x"`}},
		{name: "reserved header", cfg: httptr.OutboundConfig{URL: "https://p.example", Headers: map[string]string{"authorization": "x"}}, wantErr: []string{`headers "authorization"`}},
		{name: "signature header", cfg: httptr.OutboundConfig{URL: "https://p.example", Auth: httptr.AuthConfig{HMACSecret: "s", HMACHeader: "X-Sig"}, Headers: map[string]string{"X-Sig": "x"}}, wantErr: []string{`headers "X-Sig"`}},
		{name: "header with newline", cfg: httptr.OutboundConfig{URL: "https://p.example", Headers: map[string]string{"X-A": "a\r\nX-B: b"}}, wantErr: []string{`headers.X-A`}},
		{name: "negative durations", cfg: httptr.OutboundConfig{URL: "https://p.example", Timeout: -1, Backoff: -1}, wantErr: []string{"timeout", "backoff"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			checkValidate(t, err, tt.wantErr)
			if err != nil {
				assert.NotContains(t, err.Error(), "hunter2")
			}
		})
	}
}

func checkValidate(t *testing.T, err error, wantErr []string) {
	t.Helper()
	if len(wantErr) == 0 {
		assert.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, transports.ErrBadConfig)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, len(wantErr), err.Error())
	for i, want := range wantErr {
		assert.Contains(t, lines[i], want)
	}
}

func TestConstructorsValidate(t *testing.T) {
	_, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in"}, nil)
	require.ErrorIs(t, err, transports.ErrBadConfig)
	assert.Contains(t, err.Error(), "invalid http inbound config: auth")

	_, err = httptr.NewOutbound(httptr.OutboundConfig{URL: "nope"}, nil)
	require.ErrorIs(t, err, transports.ErrBadConfig)
	assert.Contains(t, err.Error(), "invalid http outbound config: url")
}
