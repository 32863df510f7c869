package mappings_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

var updateNeedToKnow = flag.Bool("update-need-to-know", false, "rewrite testdata/need-to-know.txt from what each profile writes")

// needToKnowFile lists, per outbound profile, the canonical fields whose
// values its output carries: what pcsgate passes on to that system.
const needToKnowFile = "testdata/need-to-know.txt"

// TestNeedToKnow writes every decodable fixture's events with every
// profile that carries them and records which canonical fields' values
// appear in each output. The list must equal needToKnowFile, so a profile
// that starts passing on more (the parties of earlier hops, a driver's
// identity, the sender of the source message) fails here until the list,
// reviewed, says it may (go test ./mappings -run TestNeedToKnow
// -update-need-to-know).
func TestNeedToKnow(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	inputs, err := filepath.Glob("../fixtures/*/*/*/input.*")
	require.NoError(t, err)
	passed := map[string]map[string]bool{} // profile -> canonical paths
	for _, in := range inputs {
		dir := filepath.Dir(in)
		if _, err := os.Stat(filepath.Join(dir, "expected.err")); err == nil {
			continue
		}
		rel, _ := filepath.Rel("../fixtures", dir)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		for _, e := range decodeFile(t, reg, in, parts[0]+"/"+parts[1]) {
			js, err := json.Marshal(e)
			require.NoError(t, err)
			leaves := map[string]string{}
			var doc any
			require.NoError(t, json.Unmarshal(js, &doc))
			stringLeaves("", doc, leaves)
			for _, p := range reg.Profiles() {
				if !p.CanEncode() || !p.Carries(e.Type) {
					continue
				}
				out, err := encodeOne(p, e)
				if err != nil {
					continue // refusals are TestTranslationMatrix's
				}
				if passed[p.Name()] == nil {
					passed[p.Name()] = map[string]bool{}
				}
				for path, v := range leaves {
					if strings.Contains(string(out), v) {
						passed[p.Name()][path] = true
					}
				}
			}
		}
	}
	got := needToKnowText(passed)
	if *updateNeedToKnow {
		require.NoError(t, os.WriteFile(needToKnowFile, []byte(got), 0o644))
	}
	want, err := os.ReadFile(needToKnowFile)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "what a profile passes on changed; review it, then run with -update-need-to-know")
}

// minLeaf is the shortest value searched for: shorter ones (a status, a
// size type) turn up in outputs by chance.
const minLeaf = 6

var index = regexp.MustCompile(`\[\d+\]`)

// stringLeaves collects the string values of a decoded JSON document by
// path, list indices written as [].
func stringLeaves(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			stringLeaves(strings.TrimPrefix(path+"."+k, "."), c, out)
		}
	case []any:
		for i, c := range x {
			stringLeaves(fmt.Sprintf("%s[%d]", path, i), c, out)
		}
	case string:
		if len(x) >= minLeaf && !strings.HasPrefix(path, "id") {
			out[index.ReplaceAllString(path, "[]")] = x
		}
	}
}

func needToKnowText(passed map[string]map[string]bool) string {
	var b strings.Builder
	b.WriteString("# Per outbound profile, the canonical fields whose values its output carries\n# (TestNeedToKnow; values of 6 characters or more, found verbatim).\n")
	names := make([]string, 0, len(passed))
	for n := range passed {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		paths := make([]string, 0, len(passed[n]))
		for p := range passed[n] {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		fmt.Fprintf(&b, "\n%s:\n", n)
		for _, p := range paths {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	return b.String()
}
