package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
)

// profileCompletion completes a flag with "canonical" and the names of the
// profiles, built-in and of --mappings folders, that can do what the flag
// needs (read or write), each with its description for the shells that
// show one.
func profileCompletion(can func(*mappings.Profile) bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		reg, err := profiles()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		if strings.HasPrefix("canonical", toComplete) {
			out = append(out, cobra.CompletionWithDesc("canonical", "canonical events, one JSON document per line"))
		}
		for _, p := range reg.Profiles() {
			if can(p) && strings.HasPrefix(p.Name(), toComplete) {
				out = append(out, cobra.CompletionWithDesc(p.Name(), p.Spec.Description))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// reads and writes say what a profile of a flag must do.
func reads(p *mappings.Profile) bool  { return p.CanDecode() }
func writes(p *mappings.Profile) bool { return p.CanEncode() }
