package pipeline_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// secretMarker stands for a secret value in a message (the engine reports
// such a message through DecodeOptions.SecretSeen; the tests stand in for
// it, see SecretMarkerForTest).
const secretMarker = "PINSECRET42"

// holding lists the files below dir whose bytes contain s (the store's
// database and journal files included).
func holding(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	}))
	return out
}

// gone reports whether the file name has left the inbox: a sealed copy is
// written before the inbox file is removed.
func (h *harness) gone(inbox, name string) bool {
	_, err := os.Stat(filepath.Join(h.dir, "inbox", inbox, name))
	return os.IsNotExist(err)
}

// openSealed opens a file the gateway in dir sealed, as `pcsgate archive
// open` does.
func openSealed(t *testing.T, dir, path string) string {
	t.Helper()
	key, err := pipeline.ReadSecretKey(&pipeline.Config{CredentialKeyFile: filepath.Join(dir, "credential.key")})
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	plain, err := seal.Open(key, b)
	require.NoError(t, err)
	return string(plain)
}

// TestSealedDeadLetter: a message with a secret that cannot be read is
// kept as a dead letter with its bytes sealed, and its file in error/ as
// "<name>.sealed"; the secret is in no file of the data folder, the store
// included, while the same mistake without a secret is kept in clear (so
// the search could find it). Replay opens the payload and decodes it
// again.
func TestSealedDeadLetter(t *testing.T) {
	pipeline.SecretMarkerForTest(t, secretMarker)
	h := start(t)
	bad := func(ref, bl string) string {
		return strings.Replace(coreor(ref, "NLRTM", "CSQU3054383", bl), "EQD+CN+CSQU3054383+", "EQD+CN+CSQU3054381+", 1)
	}
	secret, plain := bad("S1", secretMarker), bad("P1", "PLAINBL77")
	h.drop(t, "portbase", "secret.edi", secret)
	h.drop(t, "portbase", "plain.edi", plain)
	errDir := filepath.Join(h.dir, "inbox", "portbase", "error")
	for _, f := range []string{"secret.edi.sealed.error.txt", "plain.edi.error.txt"} {
		require.Eventually(t, func() bool { _, err := os.Stat(filepath.Join(errDir, f)); return err == nil }, 20*time.Second, 20*time.Millisecond, f)
	}
	assert.Equal(t, secret, openSealed(t, h.dir, filepath.Join(errDir, "secret.edi.sealed")), "the original, byte for byte")
	assert.NoFileExists(t, filepath.Join(errDir, "secret.edi"))
	assert.Contains(t, read(t, filepath.Join(errDir, "secret.edi.sealed.error.txt")), "has a wrong ISO 6346 check digit")

	dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
	require.NoError(t, err)
	require.Len(t, dls, 2)
	byFile := map[string]store.DeadLetter{}
	for _, d := range dls {
		byFile[d.Metadata[transports.MetaFilename]] = d
	}
	s, p := byFile["secret.edi"], byFile["plain.edi"]
	assert.True(t, pipeline.IsSealed(s))
	assert.False(t, pipeline.IsSealed(p))
	assert.NotContains(t, string(s.Payload), secretMarker)
	assert.Equal(t, plain, string(p.Payload))
	opened, err := h.gw.OpenPayload(s)
	require.NoError(t, err)
	assert.Equal(t, secret, string(opened))

	assert.Empty(t, holding(t, h.dir, secretMarker), "the secret is in no file of the data folder")
	assert.NotEmpty(t, holding(t, h.dir, "PLAINBL77"), "a message without a secret is kept in clear")

	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: s.ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Error(t, res[0].Err)
	assert.Contains(t, res[0].Err.Error(), `still fails: secret.edi:12: message S1: EQD C237.8260`, "decoded from the opened payload")
}

// TestSealedArchive: a good file with a secret is archived as
// "<name>.sealed" only, and a file without one as it was.
func TestSealedArchive(t *testing.T) {
	pipeline.SecretMarkerForTest(t, secretMarker)
	h := start(t)
	secret := coreor("S2", "NLRTM", "CSQU3054383", secretMarker)
	h.drop(t, "portbase", "secret.edi", secret)
	h.drop(t, "portbase", "plain.edi", coreor("P2", "NLRTM", "MWCU6059784", "PLAINBL78"))
	archive := filepath.Join(h.dir, "inbox", "portbase", "archive")
	var sealed []string
	require.Eventually(t, func() bool {
		sealed, _ = filepath.Glob(filepath.Join(archive, "*", "secret.edi.sealed"))
		m, _ := filepath.Glob(filepath.Join(archive, "*", "plain.edi"))
		return len(sealed) == 1 && len(m) == 1 && h.gone("portbase", "secret.edi")
	}, 20*time.Second, 20*time.Millisecond, "filed: the sealed copy written, the inbox file removed")
	assert.Equal(t, secret, openSealed(t, h.dir, sealed[0]))
	fi, err := os.Stat(sealed[0])
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Empty(t, holding(t, filepath.Join(h.dir, "inbox"), secretMarker), "no copy of the file in clear")
	m, _ := filepath.Glob(filepath.Join(archive, "*", "*"))
	assert.Len(t, m, 2, "%v", m)
}

// TestSealedFilingAfterStop: a stop between writing the sealed copy and
// removing the file from the drop folder leaves both. After the restart
// the file is read again, recognised as a duplicate, and filed without a
// second copy; its events were applied once.
func TestSealedFilingAfterStop(t *testing.T) {
	pipeline.SecretMarkerForTest(t, secretMarker)
	dir := t.TempDir()
	h, stop := startIn(t, dir, nil)
	content := coreor("S3", "NLRTM", "CSQU3054383", secretMarker)
	h.drop(t, "portbase", "rel.edi", content)
	archive := filepath.Join(dir, "inbox", "portbase", "archive")
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(archive, "*", "rel.edi.sealed"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return len(h.files("partner")) == 1 }, 20*time.Second, 20*time.Millisecond)
	stop()

	// What the stop left: the drop folder's file was never removed.
	h.drop(t, "portbase", "rel.edi", content)
	h, _ = startIn(t, dir, nil)
	require.Eventually(t, func() bool {
		_, err := os.Stat(filepath.Join(dir, "inbox", "portbase", "rel.edi"))
		return os.IsNotExist(err)
	}, 20*time.Second, 20*time.Millisecond, "filed again")
	m := h.drained(t)
	assert.Equal(t, 1.0, m[`pcsgate_duplicates_total{kind="content"}`], "recognised as a duplicate")
	assert.Zero(t, m[`pcsgate_events_total{outcome="decoded"}`], "nothing applied again")
	assert.Len(t, h.files("partner"), 1, "delivered once")
	copies, err := filepath.Glob(filepath.Join(archive, "*", "*"))
	require.NoError(t, err)
	require.Len(t, copies, 1, "one archived copy: %v", copies)
	assert.Equal(t, "rel.edi.sealed", filepath.Base(copies[0]))
	assert.Equal(t, content, openSealed(t, dir, copies[0]))
}

// TestSealedReplayWithAnotherKey: a sealed dead letter that the key can
// no longer open (the key file was replaced) fails its replay with that
// reason, and stays pending.
func TestSealedReplayWithAnotherKey(t *testing.T) {
	pipeline.SecretMarkerForTest(t, secretMarker)
	dir := t.TempDir()
	h, stop := startIn(t, dir, nil)
	bad := strings.Replace(coreor("S4", "NLRTM", "CSQU3054383", secretMarker), "EQD+CN+CSQU3054383+", "EQD+CN+CSQU3054381+", 1)
	h.drop(t, "portbase", "secret.edi", bad)
	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond)
	stop()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secret.key"), bytes.Repeat([]byte{7}, seal.KeySize), 0o600))

	h, _ = startIn(t, dir, nil)
	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: dls[0].ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.EqualError(t, res[0].Err, "dead letter "+dls[0].ID+": its sealed payload "+seal.ErrOpen.Error())
	pending, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{ID: dls[0].ID, Pending: true})
	require.NoError(t, err)
	assert.Len(t, pending, 1, "kept")
}

// TestSealedJSONLines: each bad line of a JSON Lines message with a secret
// is kept sealed on its own; its replay opens it and decodes it at its
// line as before.
func TestSealedJSONLines(t *testing.T) {
	pipeline.SecretMarkerForTest(t, secretMarker)
	h := start(t)
	rel, _ := goodJSON(t, h.reg, "scr/release")
	bad := `{"note": "` + secretMarker + `",}`
	h.drop(t, "cpu", "export.jsonl", rel+"\n"+bad+"\n")
	var sealed []string
	require.Eventually(t, func() bool {
		sealed, _ = filepath.Glob(filepath.Join(h.dir, "inbox", "cpu", "archive", "*", "export.jsonl.sealed"))
		return len(sealed) == 1
	}, 20*time.Second, 20*time.Millisecond)
	dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
	require.NoError(t, err)
	require.Len(t, dls, 1, "the bad line")
	assert.True(t, pipeline.IsSealed(dls[0]))
	opened, err := h.gw.OpenPayload(dls[0])
	require.NoError(t, err)
	assert.Equal(t, bad, string(opened))
	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: dls[0].ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, `export.jsonl:2:24: "}" where a quoted object key was expected`, dls[0].Reason)
	assert.EqualError(t, res[0].Err, "still fails: "+dls[0].Reason, "the line decoded at its place")
}
