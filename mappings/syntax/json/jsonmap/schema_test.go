package jsonmap_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
	"github.com/nexport/pcsgate/mappings/syntax/json/jsonmap"
)

// TestCheckDecodedMatchesBytes checks that validating the decoded tree
// accepts and rejects exactly what validating the bytes does, with the same
// messages, and that the quick check gives the same verdict: every JSON
// input of the fixtures against every JSON profile's schema, so most pairs
// fail in many ways.
func TestCheckDecodedMatchesBytes(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	inputs, err := filepath.Glob("../../../../fixtures/*/*/*/input.json")
	require.NoError(t, err)
	require.NotEmpty(t, inputs)
	inputs = append(inputs, "") // a byte order mark before a fixture
	var profiles []*mappings.Profile
	for _, p := range reg.Profiles() {
		if p.Spec.Syntax == "json" && p.Schema != nil {
			require.NotNil(t, p.QuickSchema, "%s: schema %s has no quick check", p.Name(), p.Spec.Schema)
			profiles = append(profiles, p)
		}
	}
	require.NotEmpty(t, profiles)
	valid, invalid := 0, 0
	for _, in := range inputs {
		var data []byte
		if in == "" {
			data = append([]byte("\xEF\xBB\xBF"), mustRead(t, inputs[0])...)
		} else {
			data = mustRead(t, in)
		}
		root, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{Name: in})
		if err != nil {
			continue // rejected before the schema is consulted
		}
		for _, p := range profiles {
			want := jsonmap.CheckSchema(p, data, in)
			if in != "" { // the byte order mark, not the tree, fails that one
				assert.Equal(t, want == nil, p.QuickSchema.Valid(root), "quick check of %s against %s", in, p.Name())
			}
			got := jsonmap.CheckDecoded(p, data, root, in)
			if want == nil {
				valid++
				assert.NoError(t, got, "%s against %s", in, p.Name())
				continue
			}
			invalid++
			if assert.Error(t, got, "%s against %s", in, p.Name()) {
				assert.Equal(t, sortedLines(want), sortedLines(got), "%s against %s", in, p.Name())
			}
		}
	}
	assert.Positive(t, valid)
	assert.Positive(t, invalid)
}

// sortedLines is an error's lines in sorted order: the validator reports
// problems at one position (such as several members not allowed in one
// object) in map order, which differs from run to run.
func sortedLines(err error) []string {
	lines := strings.Split(err.Error(), "\n")
	slices.Sort(lines)
	return lines
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
