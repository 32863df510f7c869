package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
)

func newValidateCmd() *cobra.Command {
	var profile string
	var jsonLines bool
	cmd := &cobra.Command{
		Use:   "validate [--profile PROFILE] FILE...",
		Short: "Check files against their profile without writing anything",
		Long: `Validate decodes each FILE as translate would and reports, per file, the
profile, the number of messages and events, or one line per problem.
Files named *.jsonl or *.ndjson, or every file with --lines, are read as
JSON Lines: one JSON document per line, each a message; problems name the line.
Exit status: 0 all files good, 1 some rejected, 2 usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := profiles()
			if err != nil {
				return err
			}
			if profile != "" {
				if _, err := reg.Profile(profile); err != nil {
					return usageError{err}
				}
			}
			bad := 0
			for _, name := range args {
				f, err := os.Open(name)
				if err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					bad++
					continue
				}
				msgs, events := 0, 0
				profiles := map[string]bool{}
				derr := reg.Decode(f, mappings.DecodeOptions{Name: name, From: profile, Lines: jsonLines, CredentialKey: credentialKey()}, func(b mappings.Batch) error {
					msgs++
					events += len(b.Events)
					profiles[b.Profile.Name()] = true
					return nil
				})
				f.Close()
				if derr != nil {
					for _, l := range mappings.Lines(derr) {
						fmt.Fprintln(cmd.ErrOrStderr(), l)
					}
					bad++
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok, %s, %d message(s), %d event(s)\n", name, keys(profiles), msgs, events)
			}
			if bad > 0 {
				return errRejected
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "profile to check against (detected when omitted)")
	cmd.Flags().BoolVar(&jsonLines, "lines", false, "read JSON Lines (one JSON document per line; implied by .jsonl and .ndjson)")
	return cmd
}

func keys(m map[string]bool) string {
	s := ""
	for _, k := range sortedKeys(m) {
		if s != "" {
			s += ", "
		}
		s += k
	}
	if s == "" {
		return "no profile"
	}
	return s
}

var _ io.Reader
