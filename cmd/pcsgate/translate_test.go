package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each event a target cannot carry is one line, not one per message.
func TestTranslateReportsEveryEventTheTargetCannotCarry(t *testing.T) {
	good := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	code, out, errOut := runCLI(t, "", "translate", "--to", "smdg/codeco", good)
	assert.Equal(t, exitRejected, code)
	assert.Empty(t, out)
	carries := `: type "RELEASE_CREATED" cannot be carried by the target profile: smdg/codeco carries GATED_OUT, GATED_IN`
	assert.Equal(t, []string{
		good + ": message REL0001 container CSQU3054383" + carries,
		good + ": message REL0001 container MWCU6059784" + carries,
	}, lines(errOut))
}

func TestTranslateSeveralFilesAndPatterns(t *testing.T) {
	a := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	b := filepath.Join(fixtures, "portbase/coreor/d00b-three-eqd-per-container-bl/input.edi")
	_, outA, _ := runCLI(t, "", "translate", "--to", "canonical", a)
	_, outB, _ := runCLI(t, "", "translate", "--to", "canonical", b)
	require.NotEmpty(t, outA)
	require.NotEmpty(t, outB)

	code, out, errOut := runCLI(t, "", "translate", "--to", "canonical", a, b)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, outA+outB, out, "inputs in the order given")

	// The pattern as a shell that does not expand it leaves it.
	pattern := filepath.Join(fixtures, "portbase/coreor/d00b-t*/input.edi")
	matches, err := filepath.Glob(pattern)
	require.NoError(t, err)
	require.Greater(t, len(matches), 1)
	code, out, errOut = runCLI(t, "", "translate", "--to", "canonical", pattern)
	require.Equal(t, exitOK, code, errOut)
	want := ""
	for _, m := range matches {
		_, o, _ := runCLI(t, "", "translate", "--to", "canonical", m)
		want += o
	}
	assert.Equal(t, want, out)

	// Input after input, each as the input alone gives it.
	_, docA, _ := runCLI(t, "", "translate", "--to", "cpu/transfer", a)
	_, docB, _ := runCLI(t, "", "translate", "--to", "cpu/transfer", b)
	require.NotEmpty(t, docA)
	code, out, errOut = runCLI(t, "", "translate", "--to", "cpu/transfer", a, b)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, docA+docB, out)
}

// regexpAll is the first group of every match of expr in s.
func regexpAll(t *testing.T, expr, s string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestTranslateOutWritesOneFilePerMessage(t *testing.T) {
	in := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	_, canon, _ := runCLI(t, "", "translate", "--to", "canonical", in)
	ids := regexpAll(t, `"id":"(ev_[a-z2-7]+)"`, canon)
	require.Len(t, ids, 2)
	dir := filepath.Join(t.TempDir(), "out")

	code, out, errOut := runCLI(t, "", "translate", "--to", "cpu/transfer", "--out", dir, in)
	require.Equal(t, exitOK, code, errOut)
	var want []string
	for _, id := range ids {
		want = append(want, filepath.Join(dir, id+".cpu-transfer.json"))
	}
	assert.Equal(t, want, lines(out))
	for _, p := range want {
		body, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, 1, strings.Count(string(body), `"externalReferenceId"`), "one message per file: %s", body)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2)
}

// translate --to canonical and back: --from canonical reads the NDJSON and
// gives the same canonical events, and the same target documents.
func TestTranslateFromCanonical(t *testing.T) {
	in := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	_, canon, _ := runCLI(t, "", "translate", "--to", "canonical", in)
	require.Len(t, lines(canon), 2)

	code, out, errOut := runCLI(t, canon, "translate", "--from", "canonical", "--to", "canonical", "-")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, canon, out)

	bad := lines(canon)[0] + "\n\n" + `{"id":"ev_x"}` + "\nnot json\n" + lines(canon)[1] + "\n"
	code, out, errOut = runCLI(t, bad, "translate", "--from", "canonical", "--to", "canonical", "-")
	assert.Equal(t, exitRejected, code)
	assert.Equal(t, canon, out, "the good lines are still written")
	assert.Contains(t, errOut, "stdin:3: event: missing property \"key\"\n")
	assert.Contains(t, errOut, "stdin:4: event: is not valid JSON\n")
	for _, l := range lines(errOut) {
		assert.Regexp(t, `^stdin:[34]: `, l)
	}

	code, out, errOut = runCLI(t, canon, "validate", "--profile", "canonical", "-")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "stdin: ok, canonical, 2 message(s), 2 event(s)\n", out)
}

func TestTranslateAndValidateUsageErrors(t *testing.T) {
	good := filepath.Join(fixtures, "portbase/coreor/d00b-two-containers/input.edi")
	missing := filepath.Join(t.TempDir(), "nothing-*.edi")
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{name: "pattern that matches nothing", args: []string{"translate", "--to", "canonical", good, missing},
			err: "pcsgate: " + missing + ": no file matches"},
		{name: "validate: pattern that matches nothing", args: []string{"validate", good, missing},
			err: "pcsgate: " + missing + ": no file matches"},
		{name: "validate: missing file", args: []string{"validate", good, "no-such-file.edi"},
			err: "pcsgate: stat no-such-file.edi: no such file or directory"},
		{name: "validate: a folder", args: []string{"validate", fixtures}, err: "pcsgate: " + fixtures + " is a directory"},
		{name: "stdin twice", args: []string{"translate", "--to", "canonical", "-", "-"},
			err: "pcsgate: standard input (-) can be read once only"},
		{name: "--out with canonical", args: []string{"translate", "--to", "canonical", "--out", t.TempDir(), good},
			err: "pcsgate: --out writes the messages of a target profile, one file each; canonical events go to standard output"},
		{name: "validate: unknown profile", args: []string{"validate", "--profile", "x/y", good},
			err: `pcsgate: "x/y" is not a known profile (see pcsgate profiles)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out, "nothing is translated before the usage error")
			assert.Equal(t, []string{tt.err}, lines(errOut))
		})
	}
}
