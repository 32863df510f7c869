package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// deadLetterData is a data folder whose store holds the dead letters ids,
// each of stage ledger.
func deadLetterData(t *testing.T, ids ...string) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	require.NoError(t, os.MkdirAll(data, 0o700))
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(data, "pcsgate.db"), nil)
	require.NoError(t, err)
	require.NoError(t, st.InTx(context.Background(), func(tx *store.Tx) error {
		for _, id := range ids {
			if err := tx.AddDeadLetter(store.DeadLetter{ID: id, Stage: "ledger", Endpoint: "cpu-in", Reason: "rejected", Payload: []byte(`{}`)}); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, st.Close())
	return data
}

// Replay builds a gateway it never runs; closing it used to wait for the
// router's handlers the router's whole close timeout (10 s).
func TestReplayListAnswersAtOnce(t *testing.T) {
	data := deadLetterData(t)
	start := time.Now()
	code, out, errOut := runCLI(t, "", "replay", "--list", "--data", data)
	took := time.Since(start)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "0 pending dead letter(s)\n", out)
	assert.Less(t, took, 5*time.Second, "replay --list on an empty store")
}

func TestCommandsRefuseAMissingDataFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-data")
	for _, args := range [][]string{
		{"replay", "--list"},
		{"replay", "--all"},
		{"deadletters", "list"},
		{"deadletters", "show", "x"},
		{"deadletters", "discard", "x", "--reason", "duplicate"},
	} {
		t.Run(args[0]+" "+args[1], func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append(args, "--data", missing)...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			assert.Equal(t, []string{"pcsgate: --data " + missing + ": no such folder (pcsgate run makes it on its first start)"}, lines(errOut))
			assert.NoDirExists(t, missing, "no store is made in a mistyped folder")
		})
	}
}

func TestDeadLettersDiscard(t *testing.T) {
	data := deadLetterData(t, "dl-1", "dl-2")
	code, out, errOut := runCLI(t, "", "deadletters", "discard", "dl-1", "--reason", "sent again by the carrier", "--data", data)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "dl-1: discarded (sent again by the carrier)\n", out)
	assert.Regexp(t, `^time=\S+ level=INFO msg="dead letter discarded" id=dl-1 stage=ledger endpoint=cpu-in reason="sent again by the carrier"\n$`, errOut)

	code, out, errOut = runCLI(t, "", "deadletters", "show", "dl-1", "--data", data)
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `\ndiscarded: \S+ sent again by the carrier\n`, out)

	code, out, errOut = runCLI(t, "", "replay", "--list", "--data", data)
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `^dl-2\t`, out, "only dl-2 is still pending")
	assert.Contains(t, out, "1 pending dead letter(s)\n")

	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{name: "twice", args: []string{"dl-1", "--reason", "again"}, code: exitRejected,
			err: `pcsgate: no pending dead letter "dl-1" (pcsgate deadletters list --all lists them)`},
		{name: "without a reason", args: []string{"dl-2"}, code: exitUsage,
			err: "pcsgate: --reason is required: say why the dead letter is given up"},
		{name: "with a blank reason", args: []string{"dl-2", "--reason", " "}, code: exitUsage,
			err: "pcsgate: --reason is required: say why the dead letter is given up"},
		{name: "with a reason too long to keep", args: []string{"dl-2", "--reason", strings.Repeat("x", 1025)}, code: exitUsage,
			err: "pcsgate: --reason of 1025 bytes: at most 1024 expected"},
		{name: "without an id", args: []string{"--reason", "x"}, code: exitUsage,
			err: "pcsgate: accepts 1 arg(s), received 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", append([]string{"deadletters", "discard", "--data", data}, tt.args...)...)
			assert.Equal(t, tt.code, code)
			assert.Empty(t, out)
			assert.Equal(t, []string{tt.err}, lines(errOut))
		})
	}
}
