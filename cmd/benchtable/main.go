// Command benchtable ends make bench: it reads the go test -bench outputs
// the make bench steps leave in bin/bench (and bin/bench/peers.json when
// make bench-peers has run), prints one table of every figure against its
// target and writes the same rows to bin/bench/results.json.
//
// "benchtable peers" is the timing step of make bench-peers: it runs
// node-edifact's tokenizer and pcsgate translate alternately on one input
// and writes their wall times and peak RSS to peers.json.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nexport/pcsgate/mappings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "peers" {
		os.Exit(runPeers(os.Args[2:], os.Stdout))
	}
	os.Exit(runTable(os.Args[1:], os.Stdout))
}

// runTable is the default command: read, evaluate, print, write JSON.
func runTable(args []string, stdout io.Writer) int {
	flags := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	dir := flags.String("dir", "bin/bench", "folder of the go test -bench outputs (*.txt) and peers.json")
	out := flags.String("json", "", "where to write the rows (default DIR/results.json)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		*out = filepath.Join(*dir, "results.json")
	}
	res, err := readDir(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		return 1
	}
	syntaxes, err := profileSyntaxes()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		return 1
	}
	rows := evaluate(res, syntaxes)
	printTable(stdout, rows)
	if err := writeJSON(*out, rows); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		return 1
	}
	return 0
}

// readDir parses every *.txt in dir, in name order, and peers.json when
// it exists.
func readDir(dir string) (*results, error) {
	res := newResults()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	for _, name := range files {
		if err := parseFile(name, res); err != nil {
			return nil, err
		}
	}
	p, err := readPeers(filepath.Join(dir, "peers.json"))
	if err != nil {
		return nil, err
	}
	res.peers = p
	return res, nil
}

func parseFile(name string, res *results) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := parseOutput(f, res); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// profileSyntaxes maps each built-in profile, named as its benchmarks name
// it ("portbase-coreor"), to its wire syntax ("edifact"), so that a new
// profile's pair finds its family without a table to keep up to date.
func profileSyntaxes() (map[string]string, error) {
	reg, err := mappings.Default()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string)
	for _, p := range reg.Profiles() {
		out[benchName(p.Name())] = p.Spec.Syntax
	}
	return out, nil
}

// benchName is a profile's name as a sub-benchmark: "/" becomes "-".
func benchName(profile string) string { return strings.ReplaceAll(profile, "/", "-") }

// writeJSON writes the rows to path, indented, for tools and for diffing
// two runs.
func writeJSON(path string, rows []row) error {
	data, err := json.MarshalIndent(struct {
		Rows []row `json:"rows"`
	}{rows}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
