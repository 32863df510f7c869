// Command pcsgate is the container-release gateway: it translates messages
// between the port community systems' formats, runs conformance packs and
// (pcsgate run) operates the gateway. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// Exit codes: 0 for success, 2 for a mistake in the command line or the
// configuration, 1 for anything else, rejected input included (the reasons
// are on stderr).
const (
	exitOK       = 0
	exitRejected = 1
	exitUsage    = 2
)

// errRejected means some input was rejected; the details are already on stderr.
var errRejected = errors.New("some input was rejected")

// usageError marks a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errRejected):
		return exitRejected
	}
	fmt.Fprintln(stderr, "pcsgate:", err)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) || errors.Is(err, pipeline.ErrConfig) {
		return exitUsage
	}
	return exitRejected
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "pcsgate",
		Short:         "Container-release gateway for the European port community systems",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       currentBuild().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringArrayVar(&extraMappings, "mappings", nil,
		"a folder of partner overlay specs (<pcs>/<profile>/spec.yaml) loaded beside the built-in profiles; repeatable")
	root.AddCommand(
		newRunCmd(),
		newReplayCmd(),
		newDeadLettersCmd(),
		newArchiveCmd(),
		newTokenCmd(),
		newStatusCmd(),
		newTranslateCmd(),
		newValidateCmd(),
		newProfilesCmd(),
		newConformanceCmd(),
		newMappingsCmd(),
		newVersionCmd(),
		newConfigCmd(),
		newAuditCmd(),
	)
	return root
}

// isCobraUsage recognises cobra's own argument errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "accepts ", "requires at least", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// extraMappings are overlay folders given with --mappings.
var extraMappings []string

// profiles returns the built-in profiles plus those of --mappings folders.
func profiles() (*mappings.Registry, error) {
	if len(extraMappings) == 0 {
		return mappings.Default()
	}
	var extra []fs.FS
	for _, d := range extraMappings {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return nil, usagef("--mappings %s: not a folder of specs", d)
		}
		extra = append(extra, os.DirFS(d))
	}
	return mappings.LoadWith(mappings.Embedded(), extra...)
}
