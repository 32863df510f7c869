package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at link time by make build (-ldflags -X main.version=...); when left
// empty they are taken from the module and VCS data Go records in the binary.
var (
	version   string
	commit    string
	buildDate string
)

// buildInfo is what pcsgate says about its own build.
type buildInfo struct{ Version, Commit, Date string }

// currentBuild reads the linker values, then the binary's build info, and
// says "unknown" for whatever neither knows.
func currentBuild() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: buildDate}
	if bi, ok := debug.ReadBuildInfo(); ok {
		b = fillFromBuildInfo(b, bi)
	}
	if b.Version == "" {
		b.Version = "unknown"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

// fillFromBuildInfo fills what b lacks from the main module's version and
// the vcs.revision, vcs.time and vcs.modified settings.
func fillFromBuildInfo(b buildInfo, bi *debug.BuildInfo) buildInfo {
	if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if b.Commit == "" && rev != "" {
		b.Commit = rev
		if modified {
			b.Commit += "-dirty"
		}
	}
	if b.Date == "" {
		b.Date = at
	}
	if b.Version == "" && rev != "" {
		b.Version = "devel"
	}
	return b
}

func (b buildInfo) String() string {
	return fmt.Sprintf("pcsgate %s (commit %s, built %s)", b.Version, b.Commit, b.Date)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print pcsgate's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), currentBuild())
			return nil
		},
	}
}
