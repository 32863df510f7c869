package seal_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical/seal"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, seal.KeySize) }

func TestSealOpensWithItsKeyOnly(t *testing.T) {
	plain := []byte(`{"pin":"4711"}`)
	s, err := seal.Seal(key(1), plain)
	require.NoError(t, err)
	assert.True(t, seal.IsSealed(s))
	assert.NotContains(t, string(s), "4711")
	got, err := seal.Open(key(1), s)
	require.NoError(t, err)
	assert.Equal(t, plain, got)

	_, err = seal.Open(key(2), s)
	assert.ErrorIs(t, err, seal.ErrOpen)
	s[len(s)-1] ^= 1
	_, err = seal.Open(key(1), s)
	assert.ErrorIs(t, err, seal.ErrOpen, "a changed byte is found")
	_, err = seal.Open(key(1), s[:len(seal.Magic)+5])
	assert.ErrorIs(t, err, seal.ErrOpen, "cut short")
	_, err = seal.Open(key(1), plain)
	assert.ErrorIs(t, err, seal.ErrNotSealed)
	_, err = seal.Seal([]byte("short"), plain)
	assert.ErrorIs(t, err, seal.ErrKey)
}

func TestSealUsesAFreshNonce(t *testing.T) {
	a, err := seal.Seal(key(1), []byte("same"))
	require.NoError(t, err)
	b, err := seal.Seal(key(1), []byte("same"))
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
}

func TestSealString(t *testing.T) {
	s, err := seal.SealString(key(3), "NL-DRV-123456")
	require.NoError(t, err)
	assert.True(t, seal.IsSealedString(s))
	assert.NotContains(t, s, "123456")
	got, err := seal.OpenString(key(3), s)
	require.NoError(t, err)
	assert.Equal(t, "NL-DRV-123456", got)
	_, err = seal.OpenString(key(4), s)
	assert.ErrorIs(t, err, seal.ErrOpen)
	_, err = seal.OpenString(key(3), "sealed:v1:***")
	assert.ErrorIs(t, err, seal.ErrOpen)
	_, err = seal.OpenString(key(3), "NL-DRV-123456")
	assert.ErrorIs(t, err, seal.ErrNotSealed)
}

func FuzzOpen(f *testing.F) {
	s, _ := seal.Seal(key(1), []byte("seed"))
	f.Add(s)
	f.Add([]byte(seal.Magic))
	f.Add([]byte("plain"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, err := seal.Open(key(1), b); err == nil {
			// Only a blob sealed under the key opens; round-trip it.
			again, err := seal.Seal(key(1), got)
			require.NoError(t, err)
			back, err := seal.Open(key(1), again)
			require.NoError(t, err)
			assert.Equal(t, got, back)
		}
		_, _ = seal.OpenString(key(1), string(b))
	})
}
