package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parallelInputs writes every EDIFACT fixture input concatenated into one
// file, and every JSON one as the lines of a JSON Lines file with a broken
// line after each, and the EDIFACT inputs of good cases alone (all.edi
// stops at the first interchange the reader gives up on); it returns
// their paths and the fixture inputs.
func parallelInputs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtures, "*/*/*/input.*"))
	require.NoError(t, err)
	var edi, good, jl bytes.Buffer
	for _, f := range files {
		data := readFile(t, f)
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
				jl.Write(c.Bytes())
				jl.WriteString("\n{\"broken\": \n")
			}
		}
	}
	dir := t.TempDir()
	all := []string{filepath.Join(dir, "all.edi"), filepath.Join(dir, "all.jsonl"), filepath.Join(dir, "all-good.edi")}
	require.NoError(t, os.WriteFile(all[0], edi.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(all[1], jl.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(all[2], good.Bytes(), 0o644))
	return append(all, files...)
}

// TestTranslateWorkersGiveTheSameOutput: translate with several workers
// writes byte for byte what it writes with one, and reports the same
// lines in the same order, to canonical and to profiles, for every
// fixture input and for large composite inputs.
func TestTranslateWorkersGiveTheSameOutput(t *testing.T) {
	inputs := parallelInputs(t)
	for _, to := range []string{"canonical", "cpu/transfer", "portbase/coreor"} {
		for _, in := range inputs {
			args := []string{"translate", "--to", to, in}
			code1, out1, err1 := runCLI(t, "", append(args, "--workers", "1")...)
			code4, out4, err4 := runCLI(t, "", append(args, "--workers", "4")...)
			require.Equal(t, code1, code4, "%s to %s", in, to)
			require.Equal(t, out1, out4, "%s to %s", in, to)
			require.Equal(t, err1, err4, "%s to %s", in, to)
			if strings.HasPrefix(filepath.Base(in), "all.") && to == "canonical" {
				assert.Greater(t, len(lines(out4)), 20, in)
				if !strings.Contains(in, "good") {
					assert.NotEmpty(t, lines(err4), in)
				}
			}
		}
	}
}

func TestTranslateWorkersAtLeastOne(t *testing.T) {
	code, _, errOut := runCLI(t, "", "translate", "--to", "canonical", "--workers", "0", "-")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--workers must be at least 1")
}
