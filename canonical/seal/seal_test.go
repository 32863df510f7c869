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

// TestSealStringFor opens a value sealed for a context with that context
// and key only: not for another context, not without one, and a value
// sealed without a context not for any.
func TestSealStringFor(t *testing.T) {
	const field = "assignment.driver.identification"
	s, err := seal.SealStringFor(key(3), field, "NL-DRV-123456")
	require.NoError(t, err)
	assert.True(t, seal.IsSealedString(s))
	assert.NotContains(t, s, "123456")
	got, err := seal.OpenStringFor(key(3), field, s)
	require.NoError(t, err)
	assert.Equal(t, "NL-DRV-123456", got)

	plain, err := seal.SealString(key(3), "NL-DRV-123456")
	require.NoError(t, err)
	refused := map[string]func() (string, error){
		"another context":        func() (string, error) { return seal.OpenStringFor(key(3), "assignment.train.id", s) },
		"a context that extends": func() (string, error) { return seal.OpenStringFor(key(3), field+"x", s) },
		"the empty context":      func() (string, error) { return seal.OpenStringFor(key(3), "", s) },
		"no context":             func() (string, error) { return seal.OpenString(key(3), s) },
		"another key":            func() (string, error) { return seal.OpenStringFor(key(4), field, s) },
		"sealed without context": func() (string, error) { return seal.OpenStringFor(key(3), "", plain) },
	}
	for name, open := range refused {
		got, err := open()
		require.ErrorIs(t, err, seal.ErrOpen, name)
		assert.Empty(t, got, name)
	}
	_, err = seal.OpenStringFor(key(3), field, "NL-DRV-123456")
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
		_, _ = seal.OpenStringFor(key(1), "assignment.driver.identification", string(b))
	})
}
