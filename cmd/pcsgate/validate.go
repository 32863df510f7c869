package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
)

func newValidateCmd() *cobra.Command {
	var profile string
	var jsonLines bool
	cmd := &cobra.Command{
		Use:   "validate [--profile PROFILE|canonical] FILE|PATTERN|-...",
		Short: "Check files against their profile without writing anything",
		Long: `Validate decodes each FILE as translate would and reports, per file, the
profile, the number of messages and events, or one line per problem.
Patterns such as 'inbox/*.edi' are expanded by pcsgate too, for shells that
leave them as they are; - is standard input. A missing file or a pattern
that matches nothing is a usage error, found before any file is read.
Files named *.jsonl or *.ndjson, or every file with --lines, are read as
JSON Lines: one JSON document per line, each a message; problems name the line.
--profile canonical checks canonical NDJSON, as translate --to canonical
writes it.
Exit status: 0 all files good, 1 some rejected, 2 usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := profiles()
			if err != nil {
				return err
			}
			if profile != "" && profile != "canonical" {
				if _, err := reg.Profile(profile); err != nil {
					return usageError{err}
				}
			}
			names, err := expandInputs(args)
			if err != nil {
				return err
			}
			bad := 0
			for _, name := range names {
				ok, err := validateOne(cmd, reg, name, profile, jsonLines)
				if err != nil {
					return err
				}
				if !ok {
					bad++
				}
			}
			if bad > 0 {
				return errRejected
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "profile to check against, or canonical for NDJSON events (detected when omitted)")
	cmd.Flags().BoolVar(&jsonLines, "lines", false, "read JSON Lines (one JSON document per line; implied by .jsonl and .ndjson)")
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion(reads))
	return cmd
}

// validateOne decodes the input name and reports it: a summary line on
// standard output when it is good, its problems on standard error.
func validateOne(cmd *cobra.Command, reg *mappings.Registry, name, profile string, jsonLines bool) (bool, error) {
	in, _, closeIn, err := openInput(cmd, name)
	if err != nil {
		return false, err
	}
	defer closeIn()
	name = inputName(name)
	msgs, events := 0, 0
	found := map[string]bool{}
	count := func(b mappings.Batch) error {
		msgs++
		events += len(b.Events)
		if b.Profile != nil {
			found[b.Profile.Name()] = true
		} else {
			found["canonical"] = true
		}
		return nil
	}
	if profile == "canonical" {
		err = decodeCanonical(in, name, count)
	} else {
		err = reg.Decode(in, mappings.DecodeOptions{Name: name, From: profile, Lines: jsonLines, CredentialKey: credentialKey()}, count)
	}
	if err != nil {
		for _, l := range mappings.Lines(err) {
			fmt.Fprintln(cmd.ErrOrStderr(), l)
		}
		return false, nil
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s: ok, %s, %d message(s), %d event(s)\n", name, keys(found), msgs, events)
	return true, nil
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
