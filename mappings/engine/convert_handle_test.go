package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCredentialHandleKeys checks that the handle is the HMAC-SHA-256 of
// the secret under the key given, also when keys alternate and the keyed
// HMACs are reused.
func TestCredentialHandleKeys(t *testing.T) {
	want := func(key []byte, secret string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(secret))
		return "cred_" + hex.EncodeToString(m.Sum(nil)[:12])
	}
	keys := [][]byte{[]byte("k"), []byte("another key"), []byte("k")}
	for range 3 {
		for _, key := range keys {
			for _, secret := range []string{"482913", "000000", ""} {
				require.Equal(t, want(key, secret), credentialHandle(key, secret))
			}
		}
	}
	require.NotEqual(t, credentialHandle([]byte("k"), "482913"), credentialHandle([]byte("l"), "482913"))
}
