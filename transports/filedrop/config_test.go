package filedrop_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     filedrop.Config
		wantErr []string // one substring per expected line
	}{
		{name: "minimal", cfg: filedrop.Config{Dir: "in"}},
		{name: "full", cfg: filedrop.Config{Dir: "in", Archive: "done", Error: "bad", Settle: time.Second, Poll: time.Second, Include: []string{"*.edi"}, MaxBytes: 1, InFlight: 64}},
		{name: "no dir", cfg: filedrop.Config{}, wantErr: []string{`dir "" is not a valid setting: expected the drop folder`}},
		{name: "archive is dir", cfg: filedrop.Config{Dir: "in", Archive: "in/"}, wantErr: []string{`archive "in/" is not a valid setting: expected a folder other than dir`}},
		{name: "error is archive", cfg: filedrop.Config{Dir: "in", Archive: "x", Error: "x"}, wantErr: []string{`error "x" is not a valid setting: expected a folder other than archive`}},
		{name: "negative durations", cfg: filedrop.Config{Dir: "in", Settle: -time.Second, Poll: -time.Second}, wantErr: []string{`settle "-1s"`, `poll "-1s"`}},
		{name: "negative size", cfg: filedrop.Config{Dir: "in", MaxBytes: -1}, wantErr: []string{`max_bytes "-1" is not a valid setting`}},
		{name: "files in flight", cfg: filedrop.Config{Dir: "in", InFlight: -1}, wantErr: []string{`in_flight "-1" is not a valid setting: expected a number of files from 1 to 256`}},
		{name: "too many files in flight", cfg: filedrop.Config{Dir: "in", InFlight: 257}, wantErr: []string{`in_flight "257"`}},
		{name: "bad pattern", cfg: filedrop.Config{Dir: "in", Include: []string{"*.edi", "[", "a/*"}}, wantErr: []string{`include[1] "["`, `include[2] "a/*"`}},
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

func TestNewSubscriberDefaults(t *testing.T) {
	dir := t.TempDir()
	sub, err := filedrop.NewSubscriber(filedrop.Config{Dir: dir}, nil)
	require.NoError(t, err)
	require.NoError(t, sub.Close())
	assert.DirExists(t, dir+"/archive")
	assert.DirExists(t, dir+"/error")

	_, err = filedrop.NewSubscriber(filedrop.Config{}, nil)
	require.ErrorIs(t, err, transports.ErrBadConfig)
	assert.Contains(t, err.Error(), "invalid filedrop config: dir")
}

func TestPublisherConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     filedrop.PublisherConfig
		wantErr []string
	}{
		{name: "minimal", cfg: filedrop.PublisherConfig{Dir: "out"}},
		{name: "extension and mode", cfg: filedrop.PublisherConfig{Dir: "out", Extension: ".edi", FileMode: 0o600}},
		{name: "no dir", cfg: filedrop.PublisherConfig{}, wantErr: []string{`dir "" is not a valid setting`}},
		{name: "extension with separator", cfg: filedrop.PublisherConfig{Dir: "out", Extension: "/x"}, wantErr: []string{`extension "/x"`}},
		{name: "extension of a temporary file", cfg: filedrop.PublisherConfig{Dir: "out", Extension: ".part"}, wantErr: []string{`extension ".part"`}},
		{name: "mode not readable by owner", cfg: filedrop.PublisherConfig{Dir: "out", FileMode: 0o244}, wantErr: []string{`file_mode "0244"`}},
		{name: "mode with type bits", cfg: filedrop.PublisherConfig{Dir: "out", FileMode: fs.ModeDir | 0o644}, wantErr: []string{`file_mode`}},
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
