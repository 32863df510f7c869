package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// completions asks cobra's hidden completion command what the shell would
// offer, without the descriptions and the closing directive line.
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{"__complete"}, args...)...)
	require.Equal(t, exitOK, code, errOut)
	got := lines(out)
	require.NotEmpty(t, got)
	assert.Equal(t, ":4", got[len(got)-1], "no file names among profile names")
	var names []string
	for _, l := range got[:len(got)-1] {
		names = append(names, strings.SplitN(l, "\t", 2)[0])
	}
	return names
}

func TestCompletionOffersProfileNames(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		has, hasNo []string
	}{
		{name: "translate --to: profiles that write", args: []string{"translate", "--to", ""},
			has: []string{"canonical", "cpu/transfer", "portbase/coreor", "smdg/codeco"}, hasNo: []string{"cargonaut/xfsu"}},
		{name: "translate --from: profiles that read", args: []string{"translate", "--from", "portbase/"},
			has: []string{"portbase/coreor", "portbase/cci-status"}, hasNo: []string{"canonical", "cpu/transfer"}},
		{name: "validate --profile", args: []string{"validate", "--profile", "ca"},
			has: []string{"canonical", "cargonaut/xfsu"}, hasNo: []string{"portbase/coreor"}},
		{name: "run --log-format", args: []string{"run", "--log-format", ""}, has: []string{"text", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := completions(t, tt.args...)
			for _, n := range tt.has {
				assert.Contains(t, got, n)
			}
			for _, n := range tt.hasNo {
				assert.NotContains(t, got, n)
			}
		})
	}
}
