package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pcsgate token creates a token and prints it once, lists tokens without
// their secrets and revokes them; mistakes are usage errors (exit 2).
func TestTokenCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	code, out, errOut := runCLI(t, "", "token", "create", "--role", "viewer", "--name", "dashboard", "--data", data)
	require.Equal(t, 0, code, errOut)
	secret := strings.TrimSpace(out)
	require.True(t, strings.HasPrefix(secret, "pcsgate."), out)
	id := strings.Split(secret, ".")[1]
	assert.Equal(t, "pcsgate: viewer token "+id+" created; it is shown only now\n", errOut)

	code, out, errOut = runCLI(t, "", "token", "list", "--data", data)
	require.Equal(t, 0, code, errOut)
	ls := lines(out)
	require.Len(t, ls, 2, out)
	assert.Regexp(t, `^ID\s+NAME\s+ROLE\s+CREATED\s+REVOKED$`, ls[0])
	assert.Regexp(t, `^`+id+`\s+dashboard\s+viewer\s+\d{4}-\d\d-\d\dT\S+\s+-$`, ls[1])
	assert.NotContains(t, out, secret[len(secret)-43:], "no secret in the list")

	code, out, errOut = runCLI(t, "", "token", "revoke", id, "--data", data)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "token "+id+" revoked\n", out)
	_, out, _ = runCLI(t, "", "token", "list", "--data", data)
	assert.NotRegexp(t, `\s-\n$`, out, "listed as revoked")

	for _, c := range []struct {
		name string
		args []string
		err  string
	}{
		{"unknown role", []string{"token", "create", "--role", "admin"}, `pcsgate: --role "admin": viewer or operator expected`},
		{"no role", []string{"token", "create"}, `pcsgate: --role "": viewer or operator expected`},
		{"revoked again", []string{"token", "revoke", id}, `pcsgate: token "` + id + `": no such token, or revoked already (see pcsgate token list)`},
		{"unknown id", []string{"token", "revoke", "nope"}, `pcsgate: token "nope": no such token`},
		{"no id", []string{"token", "revoke"}, "pcsgate: accepts 1 arg(s), received 0"},
	} {
		code, _, errOut := runCLI(t, "", append(c.args, "--data", data)...)
		assert.Equal(t, 2, code, c.name)
		assert.Contains(t, errOut, c.err, c.name)
	}
}
