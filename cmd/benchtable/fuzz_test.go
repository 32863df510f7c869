package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseOutput feeds go test outputs, seeded from the captured ones in
// testdata, to the parser: it must not fail or panic, and every figure it
// keeps belongs to a benchmark, under a name without the -GOMAXPROCS
// suffix.
func FuzzParseOutput(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "*.txt"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, in string) {
		res := newResults()
		if err := parseOutput(strings.NewReader(in), res); err != nil {
			if !strings.Contains(err.Error(), "token too long") {
				t.Fatal(err)
			}
			return
		}
		for key, m := range res.bench {
			_, name, ok := strings.Cut(key, ".Benchmark")
			if !ok {
				t.Fatalf("key %q names no benchmark", key)
			}
			if procSuffix.MatchString("Benchmark" + name) {
				t.Fatalf("key %q keeps its -N suffix", key)
			}
			if len(m) == 0 {
				t.Fatalf("benchmark %q without figures", key)
			}
		}
	})
}
