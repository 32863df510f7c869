package main

import (
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newProfilesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "profiles",
		Short: "List the profiles: name, syntax, direction, description",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := profiles()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "PROFILE\tSYNTAX\tDIRECTION\tDESCRIPTION")
			for _, p := range reg.Profiles() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name(), p.Spec.Syntax, p.Spec.Direction(), p.Spec.Description)
			}
			return tw.Flush()
		},
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
