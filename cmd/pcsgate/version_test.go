package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionCommandAndFlagAgree(t *testing.T) {
	code, flagOut, _ := runCLI(t, "", "--version")
	assert.Equal(t, exitOK, code)
	code, cmdOut, _ := runCLI(t, "", "version")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, flagOut, cmdOut)
	assert.Regexp(t, `^pcsgate \S+ \(commit \S+, built \S+\)\n$`, cmdOut)
}

func TestBuildInfoFallsBackOnVCSSettings(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	tests := []struct {
		name string
		in   buildInfo
		bi   *debug.BuildInfo
		want buildInfo
	}{
		{name: "nothing linked: VCS settings", bi: bi,
			want: buildInfo{Version: "devel", Commit: "abc123-dirty", Date: "2026-12-01T10:00:00Z"}},
		{name: "linked values win", in: buildInfo{Version: "v1.2.0", Commit: "def456", Date: "2026-12-02T00:00:00Z"}, bi: bi,
			want: buildInfo{Version: "v1.2.0", Commit: "def456", Date: "2026-12-02T00:00:00Z"}},
		{name: "module version from go install", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}},
			want: buildInfo{Version: "v1.3.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, fillFromBuildInfo(tt.in, tt.bi))
		})
	}
}
