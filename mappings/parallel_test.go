package mappings_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// decodeRun is everything one Decode gives: the batches in order, the
// problem lines, and the secret hooks' calls.
type decodeRun struct {
	Batches  []string // profile, ref, span and events of each batch, as JSON
	Problems []string
	Seen     int
	Secrets  []string
	Prepared int
}

// runDecode decodes data with opts, workers set, recording every hook.
func runDecode(t *testing.T, reg *mappings.Registry, data []byte, opts mappings.DecodeOptions, workers int) decodeRun {
	t.Helper()
	var run decodeRun
	var prepared atomic.Int64
	opts.Workers = workers
	opts.CredentialKey = []byte("parallel-test-key")
	opts.ReceivedAt = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	opts.SecretSeen = func() { run.Seen++ }
	opts.OnSecret = func(v string) { run.Secrets = append(run.Secrets, v) }
	opts.Prepare = func(b *mappings.Batch) {
		prepared.Add(1)
		b.Encoded = []byte(b.Ref)
	}
	err := reg.Decode(bytes.NewReader(data), opts, func(b mappings.Batch) error {
		require.Equal(t, b.Ref, string(b.Encoded), "Prepare ran on this batch")
		js, err := json.Marshal(struct {
			Profile, Ref string
			Span         mappings.Span
			Events       any
		}{b.Profile.Name(), b.Ref, b.Span, b.Events})
		require.NoError(t, err)
		run.Batches = append(run.Batches, string(js))
		return nil
	})
	run.Problems = mappings.Lines(err)
	run.Prepared = int(prepared.Load())
	return run
}

// parallelInputs are every fixture input, every EDIFACT one of them
// concatenated (several interchanges in one stream), those of good cases
// alone, and every JSON one as
// the lines of one JSON Lines input, with a blank and a broken line.
func parallelInputs(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../fixtures/*/*/*/input.*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	inputs := map[string][]byte{}
	var edi, good, lines bytes.Buffer
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		inputs[f] = data
		switch filepath.Ext(f) {
		case ".edi":
			edi.Write(data)
			edi.WriteString("\n")
			if !strings.HasPrefix(filepath.Base(filepath.Dir(f)), "bad-") {
				good.Write(data)
				good.WriteString("\n")
			}
		case ".json":
			var c bytes.Buffer
			if json.Compact(&c, data) == nil {
				lines.Write(c.Bytes())
				lines.WriteString("\n\n{\"broken\": \n")
			}
		}
	}
	inputs["all.edi"] = edi.Bytes()
	inputs["all-good.edi"] = good.Bytes() // all.edi stops at the first fatal problem
	inputs["all.jsonl"] = lines.Bytes()
	return inputs
}

// TestParallelDecodeMatchesSequential holds Decode with workers to the
// sequential Decode on every fixture input, with the profile named and
// detected: the same batches in the same order, the same problems, and
// the same calls of SecretSeen and OnSecret.
func TestParallelDecodeMatchesSequential(t *testing.T) {
	reg := defaultRegistry(t)
	secrets, problems := 0, 0
	for name, data := range parallelInputs(t) {
		froms := []string{""}
		if parts := strings.Split(filepath.ToSlash(name), "/"); len(parts) == 6 {
			froms = append(froms, parts[2]+"/"+parts[3])
		}
		for _, from := range froms {
			opts := mappings.DecodeOptions{Name: filepath.Base(name), From: from}
			seq := runDecode(t, reg, data, opts, 0)
			par := runDecode(t, reg, data, opts, 4)
			require.Equal(t, seq, par, "%s from %q", name, from)
			require.Equal(t, len(seq.Batches), seq.Prepared, "%s: Prepare once per batch", name)
			secrets += len(seq.Secrets)
			problems += len(seq.Problems)
		}
	}
	require.NotZero(t, secrets, "some fixture carries a secret")
	require.NotZero(t, problems, "some fixture has problems")
}

// TestParallelDecodeCutsEDIFACTAndLines checks that the composite inputs
// give many batches and problems, so the comparison above has something
// to compare.
func TestParallelDecodeCutsEDIFACTAndLines(t *testing.T) {
	reg := defaultRegistry(t)
	inputs := parallelInputs(t)
	for _, name := range []string{"all.edi", "all-good.edi", "all.jsonl"} {
		run := runDecode(t, reg, inputs[name], mappings.DecodeOptions{Name: name}, 4)
		require.Greater(t, len(run.Batches), 20, name)
		require.NotEmpty(t, run.Problems, name)
	}
}

// TestParallelDecodeStopsOnEmitError: an error of emit ends a parallel
// Decode as it ends a sequential one, returned as is after the same
// batches.
func TestParallelDecodeStopsOnEmitError(t *testing.T) {
	reg := defaultRegistry(t)
	inputs := parallelInputs(t)
	stop := errors.New("disk full")
	for _, name := range []string{"all.edi", "all.jsonl"} {
		counts := map[int]int{}
		for _, workers := range []int{0, 4} {
			n := 0
			err := reg.Decode(bytes.NewReader(inputs[name]), mappings.DecodeOptions{Name: name, Workers: workers}, func(b mappings.Batch) error {
				n++
				if n == 7 {
					return stop
				}
				return nil
			})
			require.ErrorIs(t, err, stop, name)
			require.Equal(t, []string{"disk full"}, mappings.Lines(err), name)
			counts[workers] = n
		}
		require.Equal(t, map[int]int{0: 7, 4: 7}, counts, name)
	}
}

// TestParallelDecodeLargeInterchange decodes an interchange of many more
// messages than the window of chunks in flight, in order.
func TestParallelDecodeLargeInterchange(t *testing.T) {
	reg := defaultRegistry(t)
	refs := make([]string, 500)
	msgs := make([][]string, len(refs))
	for i := range refs {
		refs[i] = fmt.Sprintf("M%03d", i)
		msgs[i] = coreorSegments()
	}
	data := []byte(interchange("COREOR:D:00B:UN:SMDG20", refs, msgs...))
	seq := runDecode(t, reg, data, mappings.DecodeOptions{Name: "big.edi"}, 0)
	par := runDecode(t, reg, data, mappings.DecodeOptions{Name: "big.edi"}, 3)
	require.Len(t, par.Batches, len(refs))
	require.Equal(t, seq, par)
	got := make([]string, len(par.Batches))
	for i, b := range par.Batches {
		var v struct{ Ref string }
		require.NoError(t, json.Unmarshal([]byte(b), &v))
		got[i] = v.Ref
	}
	require.True(t, slices.Equal(refs, got), "batches in input order")
}

// FuzzParallelDecode holds Decode with workers to the sequential Decode on
// any input, read as it comes or as JSON Lines; seeded with every fixture
// input and the composites of parallelInputs. The problems are compared
// as sets: a JSON Schema check reports the problems of one object in no
// fixed order, sequential or not (the fixtures avoid that, and the test
// above compares their order).
func FuzzParallelDecode(f *testing.F) {
	for name, data := range parallelInputs(f) {
		f.Add(data, strings.HasSuffix(name, ".jsonl") || strings.HasSuffix(name, ".json"))
	}
	reg := defaultRegistry(f)
	f.Fuzz(func(t *testing.T, data []byte, lines bool) {
		opts := mappings.DecodeOptions{Name: "fuzz", Lines: lines}
		seq, par := runDecode(t, reg, data, opts, 0), runDecode(t, reg, data, opts, 3)
		slices.Sort(seq.Problems)
		slices.Sort(par.Problems)
		require.Equal(t, seq, par)
	})
}
