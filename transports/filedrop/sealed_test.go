package filedrop_test

import (
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
)

// keySealer seals under one key with package seal, as the gateway does.
type keySealer []byte

func (k keySealer) Seal(b []byte) ([]byte, error) { return seal.Seal(k, b) }
func (k keySealer) Open(b []byte) ([]byte, error) { return seal.Open(k, b) }

func newKeySealer(t *testing.T) keySealer {
	t.Helper()
	k := make([]byte, seal.KeySize)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

// secretContent stands for a message with a PIN in it.
const secretContent = "UNB+PIN-7391-SECRET'"

// filesUnder lists every file below dir, relative to it, sorted.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	}))
	sort.Strings(out)
	return out
}

// TestSealedFiling: the file of a message acked with MetaSealFiles is kept
// as "<name>.sealed" (0600) in the archive of the day, or in error/ with
// its reason beside it in clear, and its content is nowhere on disk in
// clear; the sealed copy opens to the original byte for byte. A file
// without the flag is moved as it is. A copy that a stop left beside the
// file still in the drop folder is recognised, not doubled; another file's
// copy under the same name is kept, the new one numbered.
func TestSealedFiling(t *testing.T) {
	const day = "archive/2026-03-14/"
	tests := []struct {
		name     string
		flag     bool
		reason   string
		before   func(t *testing.T, m *manual, k keySealer) // files present before the drop folder's
		want     []string                                   // every file below the drop folder, afterwards
		sealedAt string                                     // the copy of the drop folder's file
	}{
		{name: "archived sealed", flag: true,
			want: []string{day + "a.edi.sealed"}, sealedAt: day + "a.edi.sealed"},
		{name: "refused sealed", flag: true, reason: "a problem, without the secret",
			want:     []string{"error/a.edi.sealed", "error/a.edi.sealed.error.txt"},
			sealedAt: "error/a.edi.sealed"},
		{name: "not flagged stays plain",
			want: []string{day + "a.edi"}},
		{name: "copy left by a stop is not doubled", flag: true,
			before: func(t *testing.T, m *manual, k keySealer) {
				writeSealed(t, k, filepath.Join(m.dir, day+"a.edi.sealed"), secretContent)
			},
			want: []string{day + "a.edi.sealed"}, sealedAt: day + "a.edi.sealed"},
		{name: "copy left by a stop before midnight is not doubled", flag: true,
			before: func(t *testing.T, m *manual, k keySealer) {
				writeSealed(t, k, filepath.Join(m.dir, "archive/2026-03-13/a.edi.sealed"), secretContent)
			},
			want: []string{"archive/2026-03-13/a.edi.sealed"}, sealedAt: "archive/2026-03-13/a.edi.sealed"},
		{name: "another file's copy is kept", flag: true,
			before: func(t *testing.T, m *manual, k keySealer) {
				writeSealed(t, k, filepath.Join(m.dir, day+"a.edi.sealed"), "UNB+an earlier file'")
			},
			want: []string{day + "a.1.edi.sealed", day + "a.edi.sealed"}, sealedAt: day + "a.1.edi.sealed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newKeySealer(t)
			m := newManual(t, func(c *filedrop.Config) { c.Sealer = k })
			if tt.before != nil {
				tt.before(t, m, k)
			}
			m.write(t, "a.edi", secretContent)
			m.subscribe(t)
			m.settle(t)
			msg := m.receive(t)
			if tt.flag {
				msg.Metadata.Set(transports.MetaSealFiles, "true")
			}
			if tt.reason != "" {
				msg.Metadata.Set(transports.MetaFailureReason, tt.reason)
			}
			require.True(t, msg.Ack())
			require.NoError(t, m.sub.Close()) // returns once the file is filed

			assert.Equal(t, tt.want, filesUnder(t, m.dir))
			if !tt.flag {
				assert.Equal(t, secretContent, readFile(t, filepath.Join(m.dir, tt.want[0])))
				return
			}
			for _, f := range tt.want {
				b, err := os.ReadFile(filepath.Join(m.dir, f))
				require.NoError(t, err)
				assert.NotContains(t, string(b), "PIN-7391", "%s holds the secret in clear", f)
			}
			sealed := filepath.Join(m.dir, tt.sealedAt)
			fi, err := os.Stat(sealed)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			b, err := os.ReadFile(sealed)
			require.NoError(t, err)
			got, err := k.Open(b)
			require.NoError(t, err)
			assert.Equal(t, secretContent, string(got))
			if tt.reason != "" {
				assert.Equal(t, tt.reason+"\n", readFile(t, sealed+".error.txt"))
			}
		})
	}
}

func writeSealed(t *testing.T, k keySealer, path, content string) {
	t.Helper()
	b, err := k.Seal([]byte(content))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
	require.NoError(t, os.WriteFile(path, b, 0o600))
}

// A message that asks for a sealed copy, to a file drop without a sealer:
// the file stays where it is rather than being archived in clear.
func TestSealedFilingWithoutSealer(t *testing.T) {
	m := newManual(t, nil)
	m.write(t, "a.edi", secretContent)
	m.subscribe(t)
	m.settle(t)
	msg := m.receive(t)
	msg.Metadata.Set(transports.MetaSealFiles, "true")
	require.True(t, msg.Ack())
	require.NoError(t, m.sub.Close())
	assert.Equal(t, []string{"a.edi"}, filesUnder(t, m.dir))
	assert.Equal(t, secretContent, readFile(t, filepath.Join(m.dir, "a.edi")))
}
