package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// The store keeps the fingerprint of the first credential key it was
// started with; the same key passes again, another is refused with one
// line that says what to do and shows no key.
func TestCheckFleetKey(t *testing.T) {
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "pcsgate.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	first, err := randomKey()
	require.NoError(t, err)
	other, err := randomKey()
	require.NoError(t, err)

	require.NoError(t, checkFleetKey(ctx, st, "/etc/pcsgate/credential.key", first))
	require.NoError(t, checkFleetKey(ctx, st, "/srv/other/credential.key", first), "the same key from another path")
	err = checkFleetKey(ctx, st, "/etc/pcsgate/credential.key", other)
	require.ErrorIs(t, err, ErrFleetKey)
	msg := err.Error()
	assert.Equal(t, "credential_key_file /etc/pcsgate/credential.key is not the key the store was first started with (fingerprint "+
		keyFingerprint(first)[:12]+", this one's "+keyFingerprint(other)[:12]+"): give every instance a copy of the same file (mode 0600), "+
		"or restore the one this store was started with; a key of its own would make other handles of the same PINs", msg)
	assert.NotContains(t, msg, "\n", "one line")
	for _, k := range [][]byte{first, other} {
		assert.NotContains(t, msg, hex.EncodeToString(k)[:12])
		plain := sha256.Sum256(k)
		assert.NotEqual(t, hex.EncodeToString(plain[:]), keyFingerprint(k), "not a plain hash of the key")
	}
	assert.Equal(t, keyFingerprint(first), keyFingerprint(append([]byte{}, first...)), "the same key, the same fingerprint")
	assert.Len(t, keyFingerprint(first), 64)
}
