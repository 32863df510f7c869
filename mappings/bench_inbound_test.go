package mappings_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
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
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu0 := cpuTime()
			b.ResetTimer()
			events := 0
			for range b.N {
				err := reg.Decode(bytes.NewReader(data), opts, func(bt mappings.Batch) error {
					events += len(bt.Events)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			require.Positive(b, events, "%s gave no events", input)
			b.ReportMetric(float64(events)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
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
