package mappings_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// handMatch names a hand-written decoder and the pack it is held to.
type handMatch struct {
	profile string // the profile, whose pack lies under fixtures/<profile>
	input   string // the pack's input file name
	decode  func([]byte) ([]*canonical.ReleaseEvent, error)
	// received gives the engine's receipt time; nil gives none.
	received func() time.Time
	// lenient lists bad cases the hand-written decoder takes, with why.
	lenient map[string]string
	// encodeOnly lets a case lack the input file (an encode-only case);
	// otherwise a missing input fails the test.
	encodeOnly bool
}

// matchHandwritten runs the hand-written decoder and the engine on every
// case of the pack: on a good case both must give the same events, ids
// included; a bad case must be refused by the hand-written decoder unless
// listed as lenient, in which case it must be taken. It returns the number
// of good cases.
func matchHandwritten(t *testing.T, m handMatch) int {
	t.Helper()
	reg := defaultRegistry(t)
	dirs, err := filepath.Glob(filepath.Join("..", "fixtures", filepath.FromSlash(m.profile), "*"))
	require.NoError(t, err)
	good := 0
	for _, dir := range dirs {
		name := filepath.Base(dir)
		data, err := os.ReadFile(filepath.Join(dir, m.input))
		if m.encodeOnly && os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		_, statErr := os.Stat(filepath.Join(dir, "expected.err"))
		bad := statErr == nil
		if !bad {
			good++
		}
		t.Run(name, func(t *testing.T) {
			matchHandwrittenCase(t, reg, m, name, data, bad)
		})
	}
	return good
}

// matchHandwrittenCase checks one case of matchHandwritten.
func matchHandwrittenCase(t *testing.T, reg *mappings.Registry, m handMatch, name string, data []byte, bad bool) {
	t.Helper()
	got, herr := m.decode(data)
	if reason, lenient := m.lenient[name]; lenient {
		require.True(t, bad, "%s is listed as lenient but expects no error", name)
		assert.NoError(t, herr, "listed as taken by the hand-written decoder: %s", reason)
		return
	}
	if bad {
		assert.Error(t, herr, "the hand-written decoder takes a case the profile refuses")
		return
	}
	require.NoError(t, herr)
	opts := mappings.DecodeOptions{Name: m.input, From: m.profile, CredentialKey: []byte("k")}
	if m.received != nil {
		opts.ReceivedAt = m.received()
	}
	want, lines := decode(t, reg, string(data), opts)
	require.Empty(t, lines)
	assert.Equal(t, string(eventsJSON(t, want)), string(eventsJSON(t, got)))
}
