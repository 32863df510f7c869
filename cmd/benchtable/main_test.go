package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParseOutput reads captured make bench outputs and finds figures on
// both layouts go test prints: figures on the name's line, and figures
// lines after a name that the benchmark's own text followed.
func TestParseOutput(t *testing.T) {
	res, err := readDir(filepath.Join("testdata", "run"))
	require.NoError(t, err)
	for _, tc := range []struct {
		pkg, bench, unit string
		want             float64
	}{
		{mappingsPkg, "BenchmarkInbound/portbase-coreor", "events/cpu-s", 40285},
		{mappingsPkg, "BenchmarkInbound/portbase-coreor", "allocs/event", 53.68},
		{mappingsPkg, "BenchmarkHandwrittenEDIFACT/portbase-coreor", "events/cpu-s", 56839},
		{mappingsPkg, "BenchmarkHandwritten/cpu-notification", "allocs/event", 89},
		{mappingsPkg, "BenchmarkCoreorToCanonical", "events/cpu-s", 51440},
		// text of its own between the name and the figures, -2 suffix
		{pipelinePkg, "BenchmarkFileDropThroughput/sqlite", "msgs/s", 296.7},
		{pipelinePkg, "BenchmarkFileDropThroughput/sqlite", "allocs/msg", 1023},
		// text of its own before the name
		{pipelinePkg, "BenchmarkFileDropLatency/sqlite/1000msgs", "p99-ms", 6532},
		{pipelinePkg, "BenchmarkFileDropLatency/sqlite/50msgs", "offered-msgs/s", 50.11},
		// packages that share a name with the engine's benchmarks
		{"transports/http", "BenchmarkInbound", "ns/op", 84449},
		{"transports/filedrop", "BenchmarkPickup", "ns/op", 4392426},
		{"transports/sftp", "BenchmarkPickup", "ns/op", 753884},
	} {
		t.Run(tc.bench+" "+tc.unit, func(t *testing.T) {
			m, ok := res.bench[qualified(tc.pkg, tc.bench)]
			require.True(t, ok, "benchmark not found")
			require.InDelta(t, tc.want, m[tc.unit], 1e-9)
		})
	}
	require.NotContains(t, res.bench, qualified(pipelinePkg, "BenchmarkFileDropThroughput/sqlite-2"))
	require.Nil(t, res.peers)
	require.Equal(t, &rssFigure{peakMB: 37.0, wallS: 29.1}, res.rss)
}

func TestParseOutputShapes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]metrics
	}{
		{
			name: "figures on the name's line",
			in:   "BenchmarkA-8   \t 100\t  12.5 ns/op\t 3 allocs/event\n",
			want: map[string]metrics{".BenchmarkA": {"ns/op": 12.5, "allocs/event": 3}},
		},
		{
			name: "text between name and figures",
			in:   "BenchmarkB/x \tsome text: 5 msg/s (a, b)\nmore text\n  10\t 7 ns/op\n",
			want: map[string]metrics{".BenchmarkB/x": {"ns/op": 7}},
		},
		{
			name: "skipped benchmark has no figures",
			in:   "BenchmarkC/postgres\n    e2e_bench_test.go:1: set PCSGATE_TEST_POSTGRES\n--- SKIP: BenchmarkC/postgres\nPASS\n",
			want: map[string]metrics{},
		},
		{
			name: "a value that is not a number is no figure line",
			in:   "BenchmarkD\t 10\t abc ns/op\n",
			want: map[string]metrics{},
		},
		{
			name: "the last of a repeated benchmark counts",
			in:   "BenchmarkE\t 1\t 5 x/s\nBenchmarkE\t 1\t 6 x/s\n",
			want: map[string]metrics{".BenchmarkE": {"x/s": 6}},
		},
		{
			name: "packages may share a benchmark name",
			in: "pkg: github.com/nexport/pcsgate/transports/filedrop\nBenchmarkPickup-2\t 1\t 5 ns/op\nok\n" +
				"pkg: github.com/nexport/pcsgate/transports/sftp\nBenchmarkPickup-2\t 1\t 6 ns/op\n",
			want: map[string]metrics{
				"transports/filedrop.BenchmarkPickup": {"ns/op": 5},
				"transports/sftp.BenchmarkPickup":     {"ns/op": 6},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := newResults()
			require.NoError(t, parseOutput(strings.NewReader(tc.in), res))
			require.Equal(t, tc.want, res.bench)
		})
	}
}

func TestParseRSSLine(t *testing.T) {
	res := newResults()
	line := "translate --to canonical, 100 MB interchange, 234005 messages (468010 events): peak RSS 37.2 MB, 24.9 s wall, 11.8 s CPU, 39661 events per CPU-second\n"
	require.NoError(t, parseOutput(strings.NewReader(line), res))
	require.Equal(t, &rssFigure{peakMB: 37.2, wallS: 24.9}, res.rss)
}

func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		cmp       cmp
		v, target float64
		ratio     float64
		met       bool
	}{
		{atLeast, 120, 100, 1.2, true},
		{atLeast, 100, 100, 1, true},
		{atLeast, 50, 100, 0.5, false},
		{below, 32, 64, 2, true},
		{below, 64, 64, 1, false},
		{below, 128, 64, 0.5, false},
		{atMost, 1, 1, 1, true},
		{atMost, 4, 1, 0.25, false},
	} {
		ratio, met := verdict(tc.cmp, tc.v, tc.target)
		require.InDelta(t, tc.ratio, ratio, 1e-9, "%v %v %v", tc.v, tc.cmp, tc.target)
		require.Equal(t, tc.met, met, "%v %v %v", tc.v, tc.cmp, tc.target)
	}
}

// testSyntaxes stands in for the registry in the evaluation tests.
var testSyntaxes = map[string]string{
	"portbase-coreor": "edifact", "cpu-notification": "json", "sone-release": "xml",
	"cargonaut-xfsu": "xml", "cargonaut-fsu": "cargoimp", "partner-release-csv": "flat",
	"partner-release-fixed": "flat", "scr-event": "json", "odd-one": "morse",
}

func TestEvaluate(t *testing.T) {
	res, err := readDir(filepath.Join("testdata", "run"))
	require.NoError(t, err)
	rows := byFigure(evaluate(res, testSyntaxes))

	coreor := rows["portbase-coreor: engine / hand-written"]
	require.Equal(t, "not met", coreor.Verdict)
	require.InDelta(t, 40285.0/56839.0, *coreor.Measured, 1e-9)
	require.InDelta(t, 53.68, *coreor.Allocs, 1e-9)
	require.Equal(t, 1.0, coreor.Target)

	for figure, verdict := range map[string]string{
		"sone-release: engine / hand-written":                   "not measured: no hand-written baseline",
		"BenchmarkInbound/sone-release":                         "not met",
		"p99 at 1,000 msg/s offered, SQLite":                    "not met",
		"file drop -> file out, PostgreSQL":                     "not measured: " + needPostgres,
		"translate 100 MB COREOR: wall / node-edifact tokenize": "not measured: run make bench-peers",
		"translate 100 MB COREOR: peak RSS":                     "met",
	} {
		require.Equal(t, verdict, rows[figure].Verdict, figure)
	}
	require.Equal(t, 0.8, rows["sone-release: engine / hand-written"].Target, "XML family")
	require.Nil(t, rows["file drop -> file out, PostgreSQL"].Measured)
}

func TestEvaluatePairs(t *testing.T) {
	res := newResults()
	set := func(pkg, name string, m metrics) { res.bench[qualified(pkg, name)] = m }
	set(mappingsPkg, "BenchmarkInbound/scr-event", metrics{"events/cpu-s": 150, "allocs/event": 3})
	set(mappingsPkg, "BenchmarkHandwrittenJSON/scr-event", metrics{"events/cpu-s": 100})
	set(mappingsPkg, "BenchmarkInbound/odd-one", metrics{"events/cpu-s": 1})
	set(mappingsPkg, "BenchmarkHandwrittenX/odd-one", metrics{"events/cpu-s": 1})
	set(mappingsPkg, "BenchmarkHandwrittenXML/cargonaut-xfsu", metrics{"events/cpu-s": 100})
	set(mappingsPkg, "BenchmarkInbound/partner-release-csv", metrics{"events/cpu-s": 80})
	// a baseline in another package counts
	set("mappings/internal/flatbase", "BenchmarkHandwrittenFlat/partner-release-csv", metrics{"events/cpu-s": 100})
	// transports/http's BenchmarkInbound is no engine figure
	set("transports/http", "BenchmarkInbound/cargonaut-fsu", metrics{"events/cpu-s": 1})
	rows := byFigure(evaluate(res, testSyntaxes))

	scr := rows["scr-event: engine / hand-written"]
	require.Equal(t, "met", scr.Verdict, "a pair not listed is found")
	require.InDelta(t, 1.5, *scr.Ratio, 1e-9)
	require.Equal(t, "not measured: no family target for syntax \"morse\"", rows["odd-one: engine / hand-written"].Verdict)
	require.Equal(t, "not measured: no engine figure", rows["cargonaut-xfsu: engine / hand-written"].Verdict)
	require.Equal(t, "not measured: neither half in the outputs", rows["cargonaut-fsu: engine / hand-written"].Verdict)
	require.Equal(t, "met", rows["partner-release-csv: engine / hand-written"].Verdict, "0.8 is the flat family's floor")
}

func TestEvaluatePeers(t *testing.T) {
	dir := t.TempDir()
	p := peersResult{
		Node:      []peerRun{{WallS: 3, CPUS: 1.5, PeakRSSMB: 110}, {WallS: 2, CPUS: 1.6, PeakRSSMB: 112}},
		Pcsgate:   []peerRun{{WallS: 5, CPUS: 4, PeakRSSMB: 38}, {WallS: 6, CPUS: 3, PeakRSSMB: 37}},
		NodeBestS: 2, PcsgateBestS: 5, Time: "2026-12-07T15:18:19Z",
	}
	data, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "peers.json"), data, 0o644))
	res, err := readDir(dir)
	require.NoError(t, err)
	r := byFigure(evaluate(res, testSyntaxes))["translate 100 MB COREOR: wall / node-edifact tokenize"]
	require.Equal(t, "not met", r.Verdict)
	require.InDelta(t, 2.5, *r.Measured, 1e-9)
	require.Equal(t, "wall pcsgate 5.0 s, node-edifact 2.0 s; CPU 3.0 s, 1.5 s; RSS 37 MB, 110 MB; best of 2; make bench-peers of 2026-12-07T15:18:19Z", r.Detail)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "peers.json"), []byte("{"), 0o644))
	_, err = readDir(dir)
	require.Error(t, err, "a broken peers.json is an error, not a missing figure")
}

// TestPairProfilesHaveFamilies keeps the list of pairs in step with the
// built-in profiles: each is a profile whose syntax has a family target.
func TestPairProfilesHaveFamilies(t *testing.T) {
	syntaxes, err := profileSyntaxes()
	require.NoError(t, err)
	for _, p := range pairProfiles {
		s, ok := syntaxes[p]
		require.True(t, ok, "%s is no built-in profile", p)
		require.Contains(t, pairRatio, s, "%s: syntax %s has no family target", p, s)
	}
}

func TestRunTable(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"mappings-inbound.txt", "filedrop-latency.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", "run", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	var out bytes.Buffer
	require.Equal(t, 0, runTable([]string{"-dir", dir}, &out))
	require.Contains(t, out.String(), "portbase-coreor: engine / hand-written")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 1+len(pairProfiles)+len(targets), "a header and one line per row")

	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	var got struct{ Rows []row }
	require.NoError(t, json.Unmarshal(data, &got))
	rows := byFigure(got.Rows)
	require.Equal(t, "not measured: no TestLargeInterchangeRSS line in the outputs", rows["translate 100 MB COREOR: peak RSS"].Verdict)
	require.InDelta(t, 6532, *rows["p99 at 1,000 msg/s offered, SQLite"].Measured, 1e-9)
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{
		76805.4: "76,805", 1234567: "1,234,567", -4321: "-4,321",
		219.3: "219", 53.68: "53.7", 0.583: "0.58", math.Round(999.6): "1,000",
	} {
		require.Equal(t, want, num(v), "%v", v)
	}
}

func byFigure(rows []row) map[string]row {
	out := make(map[string]row, len(rows))
	for _, r := range rows {
		out[r.Figure] = r
	}
	return out
}

// TestEvaluatePostgres reads the output of the file-drop benchmarks run
// with PCSGATE_TEST_POSTGRES set.
func TestEvaluatePostgres(t *testing.T) {
	res, err := readDir(filepath.Join("testdata", "postgres"))
	require.NoError(t, err)
	rows := byFigure(evaluate(res, testSyntaxes))

	tp := rows["file drop -> file out, PostgreSQL"]
	require.Equal(t, "not met", tp.Verdict)
	require.InDelta(t, 151.4, *tp.Measured, 1e-9)
	require.InDelta(t, 1080, *tp.Allocs, 1e-9)
	require.Equal(t, "msg", tp.Per)

	p99 := rows["p99 at 500 msg/s offered, PostgreSQL"]
	require.Equal(t, "not met", p99.Verdict)
	require.InDelta(t, 100.0/13147.0, *p99.Ratio, 1e-9)
	require.Equal(t, "p50 6,183 ms, max 13,351 ms, 498 msg/s offered", p99.Detail)

	require.Equal(t, "not measured: no BenchmarkFileDropThroughput/sqlite in the outputs",
		rows["file drop -> file out, SQLite"].Verdict)
}
