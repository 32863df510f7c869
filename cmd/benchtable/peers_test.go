package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// childEnv makes the test binary stand in for node and for pcsgate in the
// peers tests: it prints a line of counts and exits.
const childEnv = "BENCHTABLE_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		fmt.Println(`{"segments":3}`)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestPeers(t *testing.T) {
	t.Setenv(childEnv, "1")
	dir := t.TempDir()
	input := filepath.Join(dir, "in.edi")
	require.NoError(t, os.WriteFile(input, []byte("UNA:+.? '"), 0o644))
	out := filepath.Join(dir, "peers.json")
	var stdout bytes.Buffer
	code := runPeers([]string{"-node", os.Args[0], "-pcsgate", os.Args[0], "-node-modules", dir,
		"-input", input, "-out", out, "-rounds", "2"}, &stdout)
	require.Equal(t, 0, code, stdout.String())
	require.Equal(t, 5, strings.Count(stdout.String(), "\n"), "two rounds of two runs, then the summary")

	p, err := readPeers(out)
	require.NoError(t, err)
	require.Len(t, p.Node, 2)
	require.Len(t, p.Pcsgate, 2)
	require.Equal(t, int64(9), p.InputBytes)
	require.Equal(t, `{"segments":3}`, p.Node[0].Output, "node's counts are kept")
	require.Equal(t, "15 bytes of NDJSON written to a file", p.Pcsgate[0].Output, "translate's output went to a file, counted")
	require.NoFileExists(t, input+".translated.ndjson", "and the file was removed")
	for _, r := range append(p.Node, p.Pcsgate...) {
		require.Positive(t, r.WallS)
		require.Positive(t, r.PeakRSSMB)
	}
	require.Equal(t, min(p.Node[0].WallS, p.Node[1].WallS), p.NodeBestS)
	require.InDelta(t, p.PcsgateBestS/p.NodeBestS, p.Ratio, 1e-12)
	_, err = time.Parse(time.RFC3339, p.Time)
	require.NoError(t, err)
}

func TestPeersFailingChild(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "in.edi")
	require.NoError(t, os.WriteFile(input, []byte("x"), 0o644))
	// Without childEnv the test binary runs a test that does not exist
	// and fails on the unknown flag: a failing peer fails the step.
	code := runPeers([]string{"-node", os.Args[0], "-script", "-no-such-flag", "-input", input,
		"-out", filepath.Join(dir, "peers.json")}, &bytes.Buffer{})
	require.Equal(t, 1, code)
	_, err := os.Stat(filepath.Join(dir, "peers.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestCapped(t *testing.T) {
	var c capped
	for range 3 {
		n, err := c.Write(bytes.Repeat([]byte("a"), 3000))
		require.NoError(t, err)
		require.Equal(t, 3000, n)
	}
	require.Equal(t, 4096, c.buf.Len())
}

func TestReadPeersMissing(t *testing.T) {
	p, err := readPeers(filepath.Join(t.TempDir(), "peers.json"))
	require.NoError(t, err)
	require.Nil(t, p)
}
