package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/conformance"
)

// conformanceOptions are the conformance command's flags.
type conformanceOptions struct {
	dir, junit, runFilter string
	verbose               bool
}

func newConformanceCmd() *cobra.Command {
	var o conformanceOptions
	cmd := &cobra.Command{
		Use:   "conformance [--fixtures DIR] [--junit FILE] [--run REGEX]",
		Short: "Run conformance fixture packs and print a pass/fail table",
		Long: `Conformance runs every case under DIR (<pcs>/<profile>/<case>/ folders with
input.*, canonical.json, output.* or expected.err) and prints one line per case,
a diff for each failure, and a summary. --junit writes JUnit XML for CI systems.
Exit status: 0 all passed, 1 some failed, 2 usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&o.dir, "fixtures", "fixtures", "folder of fixture cases")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write JUnit XML to FILE")
	cmd.Flags().StringVar(&o.runFilter, "run", "", "only cases whose pcs/profile/case name matches REGEX")
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "list passing cases too")
	return cmd
}

// run runs the selected cases and reports them on out (and in the JUnit
// file); errRejected says some case failed.
func (o conformanceOptions) run(out io.Writer) error {
	reg, cases, err := o.load()
	if err != nil {
		return err
	}
	results, failed := runCases(out, reg, cases, o.verbose)
	printProfileTable(out, results)
	fmt.Fprintf(out, "\n%d passed, %d failed\n", len(results)-failed, failed)
	if o.junit != "" {
		if err := writeJUnitFile(o.junit, results); err != nil {
			return err
		}
	}
	if failed > 0 {
		return errRejected
	}
	return nil
}

// load checks the flags, loads the profiles and lists the cases to run;
// a bad flag, or no case to run, is a usage error.
func (o conformanceOptions) load() (*mappings.Registry, []conformance.Case, error) {
	var filter *regexp.Regexp
	if o.runFilter != "" {
		re, err := regexp.Compile(o.runFilter)
		if err != nil {
			return nil, nil, usagef("--run: %v", err)
		}
		filter = re
	}
	if st, err := os.Stat(o.dir); err != nil || !st.IsDir() {
		return nil, nil, usagef("--fixtures %s: not a folder of fixture cases", o.dir)
	}
	reg, err := profiles()
	if err != nil {
		return nil, nil, err
	}
	cases, err := conformance.Discover(o.dir, filter)
	if err != nil {
		return nil, nil, err
	}
	if len(cases) == 0 {
		return nil, nil, usagef("no cases under %s match", o.dir)
	}
	return reg, cases, nil
}

// runCases runs each case and prints a line for it (for a passing one only
// when verbose), each failing one followed by its failures, indented.
func runCases(out io.Writer, reg *mappings.Registry, cases []conformance.Case, verbose bool) (results []conformance.Result, failed int) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
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
	return results, failed
}

// printProfileTable prints, after a blank line, how many cases each profile
// has and how many of them passed.
func printProfileTable(out io.Writer, results []conformance.Result) {
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
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tCASES\tPASSED")
	for _, p := range sortedProfileKeys(perProfile) {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", p, perProfile[p][0], perProfile[p][1])
	}
	tw.Flush()
}

// writeJUnitFile writes the results as JUnit XML to the file at path.
func writeJUnitFile(path string, results []conformance.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := conformance.WriteJUnit(f, results); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sortedProfileKeys(m map[string][2]int) []string {
	b := map[string]bool{}
	for k := range m {
		b[k] = true
	}
	return sortedKeys(b)
}
