package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// sealedData is a data folder with a secret key, as the gateway creates
// it, and the key.
func sealedData(t *testing.T) (string, []byte) {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.MkdirAll(data, 0o700))
	key := make([]byte, seal.KeySize)
	_, err := rand.Read(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(data, "secret.key"), key, 0o600))
	return data, key
}

// replaceKey puts another key in the data folder, as a lost key file
// replaced by a new one.
func replaceKey(t *testing.T, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(data, "secret.key"), bytes.Repeat([]byte{1}, seal.KeySize), 0o600))
}

// original is a payload with a secret in it, with bytes that are not text.
var original = []byte("{\"encryptedPin\":\"7f3c1e9a\"}\x00\xff\n")

func TestDeadLettersListAndShow(t *testing.T) {
	data, key := sealedData(t)
	sealed, err := seal.Seal(key, original)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(data, "pcsgate.db"), nil)
	require.NoError(t, err)
	require.NoError(t, st.InTx(context.Background(), func(tx *store.Tx) error {
		err := tx.AddDeadLetter(store.DeadLetter{ID: "dl-sealed", Stage: "decode", Endpoint: "scr-in", Reason: "a.json:1: first problem\na.json:2: second",
			Payload: sealed, Metadata: map[string]string{transports.MetaFilename: "a.json", transports.MetaSealFiles: "true"}})
		if err != nil {
			return err
		}
		return tx.AddDeadLetter(store.DeadLetter{ID: "dl-plain", Stage: "ledger", Profile: "portbase/coreor", Reason: "rejected",
			Payload: []byte(`{"id":"ev_1"}`)})
	}))
	require.NoError(t, st.Close())

	code, out, errOut := runCLI(t, "", "deadletters", "list", "--data", data)
	require.Equal(t, 0, code, errOut)
	require.Len(t, lines(out), 4, out)
	assert.Regexp(t, `^dl-sealed +\S+ +decode +scr-in +- +sealed +a\.json:1: first problem$`, lines(out)[1])
	assert.Regexp(t, `^dl-plain +\S+ +ledger +- +portbase/coreor +- +rejected$`, lines(out)[2])
	assert.Equal(t, "2 dead letter(s)", lines(out)[3])

	code, out, errOut = runCLI(t, "", "deadletters", "show", "dl-sealed", "--data", data)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "stage: decode\nendpoint: scr-in\nprofile: -\n")
	assert.Contains(t, out, "sealed: yes, opened with the installation's secret key\n")
	assert.Contains(t, out, "  pcsgate_filename: a.json\n")
	assert.Contains(t, out, "reason:\n  a.json:1: first problem\n  a.json:2: second\npayload: 30 bytes\n")
	assert.True(t, bytes.HasSuffix([]byte(out), original), "the original payload last: %q", out)

	file := filepath.Join(t.TempDir(), "payload.json")
	code, out, errOut = runCLI(t, "", "deadletters", "show", "dl-sealed", "--data", data, "-o", file)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "payload: 30 bytes written to "+file)
	assert.NotContains(t, out, "7f3c1e9a")
	assertPrivateFile(t, file, original)
	code, _, errOut = runCLI(t, "", "deadletters", "show", "dl-sealed", "--data", data, "-o", file)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "exists already")

	code, out, errOut = runCLI(t, "", "deadletters", "show", "dl-plain", "--data", data)
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out, "sealed:")
	assert.True(t, bytes.HasSuffix([]byte(out), []byte(`{"id":"ev_1"}`)))

	code, _, errOut = runCLI(t, "", "deadletters", "show", "dl-none", "--data", data)
	assert.Equal(t, 1, code)
	assert.Equal(t, "pcsgate: no dead letter \"dl-none\" (pcsgate deadletters list --all lists them)\n", errOut)

	replaceKey(t, data)
	code, out, errOut = runCLI(t, "", "deadletters", "show", "dl-sealed", "--data", data)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "pcsgate: dead letter dl-sealed: its sealed payload "+seal.ErrOpen.Error()+"\n", errOut)
}

func TestArchiveOpen(t *testing.T) {
	data, key := sealedData(t)
	dir := t.TempDir()
	sealedFile := filepath.Join(dir, "release.json.sealed")
	sealed, err := seal.Seal(key, original)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(sealedFile, sealed, 0o600))
	plainFile := filepath.Join(dir, "plain.json")
	require.NoError(t, os.WriteFile(plainFile, original, 0o600))

	code, out, errOut := runCLI(t, "", "archive", "open", sealedFile, "--data", data)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, string(original), out, "byte for byte")

	file := filepath.Join(dir, "release.json")
	code, out, errOut = runCLI(t, "", "archive", "open", sealedFile, "--data", data, "-o", file)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	assertPrivateFile(t, file, original)

	code, _, errOut = runCLI(t, "", "archive", "open", plainFile, "--data", data)
	assert.Equal(t, 1, code)
	assert.Equal(t, "pcsgate: "+plainFile+" is not sealed by pcsgate: it is kept in clear, read it as it is\n", errOut)

	code, _, errOut = runCLI(t, "", "archive", "open", sealedFile, "--data", filepath.Join(dir, "nothing"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "secret.key is not a usable key: file does not exist")

	replaceKey(t, data)
	code, out, errOut = runCLI(t, "", "archive", "open", sealedFile, "--data", data)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "pcsgate: "+sealedFile+" "+seal.ErrOpen.Error()+"\n", errOut)
}

// assertPrivateFile checks that path holds want and is its owner's only.
func assertPrivateFile(t *testing.T, path string, want []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, b)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}
