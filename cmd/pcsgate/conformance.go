package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings/conformance"
)

func newConformanceCmd() *cobra.Command {
	var dir, junit, runFilter string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "conformance [--fixtures DIR] [--junit FILE] [--run REGEX]",
		Short: "Run conformance fixture packs and print a pass/fail table",
		Long: `Conformance runs every case under DIR (<pcs>/<profile>/<case>/ folders with
input.*, canonical.json, output.* or expected.err) and prints one line per case,
a diff for each failure, and a summary. --junit writes JUnit XML for CI systems.
Exit status: 0 all passed, 1 some failed, 2 usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var filter *regexp.Regexp
			if runFilter != "" {
				re, err := regexp.Compile(runFilter)
				if err != nil {
					return usagef("--run: %v", err)
				}
				filter = re
			}
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return usagef("--fixtures %s: not a folder of fixture cases", dir)
			}
			reg, err := profiles()
			if err != nil {
				return err
			}
			cases, err := conformance.Discover(dir, filter)
			if err != nil {
				return err
			}
			if len(cases) == 0 {
				return usagef("no cases under %s match", dir)
			}
			out := cmd.OutOrStdout()
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			var results []conformance.Result
			failed := 0
			for _, c := range cases {
				r := conformance.Run(reg, c, false)
				results = append(results, r)
				status := "PASS"
				if !r.Passed() {
					status = "FAIL"
					failed++
				}
				if verbose || !r.Passed() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", status, c.Name, r.Duration.Round(100_000))
				}
				if !r.Passed() {
					tw.Flush()
					for _, f := range r.Failures {
						fmt.Fprintln(out, "    "+strings.ReplaceAll(f, "\n", "\n    "))
					}
				}
			}
			tw.Flush()
			perProfile := map[string][2]int{}
			for _, r := range results {
				v := perProfile[r.Case.Profile]
				v[0]++
				if r.Passed() {
					v[1]++
				}
				perProfile[r.Case.Profile] = v
			}
			fmt.Fprintln(out)
			tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "PROFILE\tCASES\tPASSED")
			for _, p := range sortedProfileKeys(perProfile) {
				fmt.Fprintf(tw, "%s\t%d\t%d\n", p, perProfile[p][0], perProfile[p][1])
			}
			tw.Flush()
			fmt.Fprintf(out, "\n%d passed, %d failed\n", len(results)-failed, failed)
			if junit != "" {
				f, err := os.Create(junit)
				if err != nil {
					return err
				}
				if err := conformance.WriteJUnit(f, results); err != nil {
					f.Close()
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
			}
			if failed > 0 {
				return errRejected
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "fixtures", "fixtures", "folder of fixture cases")
	cmd.Flags().StringVar(&junit, "junit", "", "also write JUnit XML to FILE")
	cmd.Flags().StringVar(&runFilter, "run", "", "only cases whose pcs/profile/case name matches REGEX")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing cases too")
	return cmd
}

func sortedProfileKeys(m map[string][2]int) []string {
	b := map[string]bool{}
	for k := range m {
		b[k] = true
	}
	return sortedKeys(b)
}
