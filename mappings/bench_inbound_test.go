package mappings_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// BenchmarkInbound decodes, for every profile that reads, the largest
// valid input of its conformance pack (a case with canonical.json and no
// expected.err) to
// canonical events, and reports events per CPU-second and allocations per
// event: the figure per inbound profile that make bench prints.
func BenchmarkInbound(b *testing.B) {
	reg, err := mappings.Default()
	require.NoError(b, err)
	for _, p := range reg.Profiles() {
		if !p.CanDecode() {
			continue
		}
		input := largestValidInput(b, filepath.Join("..", "fixtures", p.Name()))
		if input == "" {
			continue
		}
		b.Run(strings.ReplaceAll(p.Name(), "/", "-"), func(b *testing.B) {
			data, err := os.ReadFile(input)
			require.NoError(b, err)
			opts := mappings.DecodeOptions{Name: filepath.Base(input), From: p.Name(), CredentialKey: []byte("k")}
			benchDecode(b, reg, data, opts, nil)
		})
	}
}

// largestValidInput returns the biggest input file of the cases under dir
// that expect canonical events and no error, or "" when there is none.
func largestValidInput(b *testing.B, dir string) string {
	b.Helper()
	cases, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var best string
	var bestSize int64 = -1
	for _, c := range cases {
		caseDir := filepath.Join(dir, c.Name())
		if _, err := os.Stat(filepath.Join(caseDir, "canonical.json")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(caseDir, "expected.err")); err == nil {
			continue
		}
		inputs, _ := filepath.Glob(filepath.Join(caseDir, "input.*"))
		slices.Sort(inputs)
		for _, in := range inputs {
			if st, err := os.Stat(in); err == nil && st.Size() > bestSize {
				best, bestSize = in, st.Size()
			}
		}
	}
	return best
}
