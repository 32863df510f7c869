package main

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// metrics maps each unit a benchmark reported (ns/op, events/cpu-s,
// allocs/event ...) to its value.
type metrics map[string]float64

// results are the figures read from make bench's outputs.
type results struct {
	// bench holds each benchmark's metrics by its package and name
	// (qualified: "mappings.BenchmarkInbound/portbase-coreor"), without
	// the -GOMAXPROCS suffix, as packages may share benchmark names; a
	// name reported twice keeps its last figures.
	bench map[string]metrics
	rss   *rssFigure   // the TestLargeInterchangeRSS line, if any
	peers *peersResult // make bench-peers' peers.json, if any
}

func newResults() *results { return &results{bench: make(map[string]metrics)} }

// rssFigure is what TestLargeInterchangeRSS prints of its translate run.
type rssFigure struct {
	peakMB float64
	wallS  float64
}

var (
	// rssLine finds the figures in TestLargeInterchangeRSS's line
	// "... peak RSS 29.3 MB, 12.1 s wall, ...".
	rssLine = regexp.MustCompile(`peak RSS ([0-9.]+) MB, ([0-9.]+) s wall`)
	// procSuffix is the -GOMAXPROCS suffix go test adds to a benchmark's
	// name when it is not 1.
	procSuffix = regexp.MustCompile(`-[0-9]+$`)
)

// modulePrefix is cut from the package paths go test prints.
const modulePrefix = "github.com/nexport/pcsgate/"

// qualified is the key of a benchmark of pkg (a path in this module, or
// "" when the output names no package) in results.bench.
func qualified(pkg, name string) string { return pkg + "." + name }

// parseOutput reads one go test output into res. A benchmark's result may
// come lines after its name when the benchmark prints text of its own:
// the name is held until a line of figures follows.
func parseOutput(r io.Reader, res *results) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	pending, pkg := "", ""
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(strings.TrimSpace(p), modulePrefix)
			continue
		}
		if m := rssLine.FindStringSubmatch(line); m != nil {
			peak, _ := strconv.ParseFloat(m[1], 64)
			wall, _ := strconv.ParseFloat(m[2], 64)
			res.rss = &rssFigure{peakMB: peak, wallS: wall}
		}
		fields := strings.Fields(line)
		if len(fields) > 0 && strings.HasPrefix(fields[0], "Benchmark") {
			pending = qualified(pkg, procSuffix.ReplaceAllString(fields[0], ""))
			fields = fields[1:]
		}
		if pending == "" {
			continue
		}
		if m, ok := parseFigures(fields); ok {
			res.bench[pending] = m
			pending = ""
		}
	}
	return sc.Err()
}

// parseFigures parses the figures of a benchmark result: the iteration
// count, then value and unit pairs.
func parseFigures(fields []string) (metrics, bool) {
	if len(fields) < 3 || len(fields)%2 == 0 {
		return nil, false
	}
	if _, err := strconv.Atoi(fields[0]); err != nil {
		return nil, false
	}
	m := make(metrics, len(fields)/2)
	for i := 1; i < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return nil, false
		}
		m[fields[i+1]] = v
	}
	return m, true
}
