// Package seedfiles reads the files that seed the fuzz targets and
// differential tests of the syntax packages: their own test data and the
// fixtures' inputs.
package seedfiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Read returns the content of every file matching the glob patterns, in
// pattern order and, within a pattern, in name order. A bad pattern or an
// unreadable file fails t.
func Read(t testing.TB, patterns ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, pattern := range patterns {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatalf("seed files %q: %v", pattern, err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("seed file: %v", err)
			}
			out = append(out, b)
		}
	}
	return out
}
