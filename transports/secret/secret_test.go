package secret_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/secret"
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	t.Setenv("PCSGATE_TEST_SECRET", "s3cr3t-env")
	t.Setenv("PCSGATE_TEST_EMPTY", "")
	for _, tc := range []struct{ name, in, want string }{
		{"clear value", "s3cr3t", "s3cr3t"},
		{"empty stays empty", "", ""},
		{"environment", "env:PCSGATE_TEST_SECRET", "s3cr3t-env"},
		{"file with a trailing newline", "file:" + write("nl", "s3cr3t-file\n"), "s3cr3t-file"},
		{"file with a trailing CRLF", "file:" + write("crlf", "s3cr3t-file\r\n"), "s3cr3t-file"},
		{"file without newline", "file:" + write("plain", "s3cr3t-file"), "s3cr3t-file"},
		{"only one line break is trimmed", "file:" + write("two", "a\n\n"), "a\n"},
		{"inner spaces kept", "file:" + write("space", " a b \n"), " a b "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := secret.Resolve(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}

	unreadable := write("unreadable", "s3cr3t-hidden\n")
	require.NoError(t, os.Chmod(unreadable, 0))
	for _, tc := range []struct{ name, in, want string }{
		{"variable not set", "env:PCSGATE_TEST_NOT_SET", "env:PCSGATE_TEST_NOT_SET is not set"},
		{"variable empty", "env:PCSGATE_TEST_EMPTY", "env:PCSGATE_TEST_EMPTY is empty"},
		{"no variable name", "env:", "an environment variable name expected"},
		{"missing file", "file:" + filepath.Join(dir, "nope"), "file:" + filepath.Join(dir, "nope") + " cannot be read: no such file or directory"},
		{"folder", "file:" + dir, "file:" + dir + " cannot be read: is a directory"},
		{"empty file", "file:" + write("empty", "\n"), "is empty"},
		{"no path", "file:", "a file path expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := secret.Resolve(tc.in)
			require.Error(t, err)
			assert.True(t, errors.Is(err, secret.ErrUnresolved))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	if os.Geteuid() != 0 { // root reads any file
		_, err := secret.Resolve("file:" + unreadable)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "file:"+unreadable+" cannot be read: permission denied")
		assert.NotContains(t, err.Error(), "s3cr3t")
	}
}
