package conformance_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/conformance"
)

// pack builds a tree with cases and things Discover must not take for cases.
func pack(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	// Hidden folders hold no cases, whatever their depth.
	for _, name := range []string{"smdg/codeco/b", "smdg/codeco/a", "ci5/coreor/z", "scr/event/.draft", ".git/refs/heads", "scr/.old/case"} {
		writeCase(t, root, name, map[string]string{"input.json": "{}"})
	}
	// A folder inside a case is part of the case, not a case of its own.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "smdg/codeco/a/nested/deeper"), 0o755))
	// Files at case depth and folders above it are no cases.
	require.NoError(t, os.WriteFile(filepath.Join(root, "smdg/codeco/README.md"), nil, 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "overlays/acme"), 0o755))
	return root
}

func TestDiscoverNamesCasesPcsProfileCase(t *testing.T) {
	root := pack(t)
	cases, err := conformance.Discover(root, nil)
	require.NoError(t, err)
	assert.Equal(t, []conformance.Case{
		{Name: "ci5/coreor/z", Profile: "ci5/coreor", Dir: filepath.Join(root, "ci5", "coreor", "z")},
		{Name: "smdg/codeco/a", Profile: "smdg/codeco", Dir: filepath.Join(root, "smdg", "codeco", "a")},
		{Name: "smdg/codeco/b", Profile: "smdg/codeco", Dir: filepath.Join(root, "smdg", "codeco", "b")},
	}, cases)
}

func TestDiscoverFilterMatchesTheCaseName(t *testing.T) {
	root := pack(t)
	for _, tc := range []struct {
		re   string
		want []string
	}{
		{`^smdg/codeco/`, []string{"smdg/codeco/a", "smdg/codeco/b"}},
		{`/b$`, []string{"smdg/codeco/b"}},
		{`coreor/z|codeco/a`, []string{"ci5/coreor/z", "smdg/codeco/a"}},
		{`^no-such-case$`, nil},
	} {
		cases, err := conformance.Discover(root, regexp.MustCompile(tc.re))
		require.NoError(t, err, tc.re)
		var got []string
		for _, c := range cases {
			got = append(got, c.Name)
		}
		assert.Equal(t, tc.want, got, tc.re)
	}
}

func TestDiscoverMissingRoot(t *testing.T) {
	cases, err := conformance.Discover(filepath.Join(t.TempDir(), "none"), nil)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Empty(t, cases)
}

// Discover's cases feed Run as they are: the runner finds the case's files
// through Dir and the profile through Profile.
func TestDiscoveredCasesRun(t *testing.T) {
	root := t.TempDir()
	writeCase(t, root, "scr/event/block", map[string]string{"input.json": scrBlockInput, "canonical.json": scrBlockCanonical})
	writeCase(t, root, "scr/event/bad-unknown-event", map[string]string{"input.json": scrUnknownEventInput, "expected.err": "must be one of"})
	cases, err := conformance.Discover(root, nil)
	require.NoError(t, err)
	require.Len(t, cases, 2)
	for _, c := range cases {
		r := conformance.Run(registry(t), c, false)
		assert.True(t, r.Passed(), "%s: %v", c.Name, r.Failures)
	}
	assert.True(t, conformance.ExpectsErrors(cases[0]))
	assert.False(t, conformance.ExpectsErrors(cases[1]))
}
