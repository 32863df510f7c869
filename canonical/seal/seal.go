// Package seal encrypts what pcsgate must keep whole but never in clear:
// dead-letter payloads and archived files that carry a PIN or TCT, and
// secret values inside canonical events (a driver's identification). It
// uses AES-256-GCM under a per-installation key, with a fresh random nonce
// per sealing.
//
// A sealed blob is "PCSGSEAL1" || nonce (12 bytes) || ciphertext+tag; a
// sealed string is "sealed:v1:" followed by the blob's base64url (no
// padding) without its magic. Both formats are fixed: a change gets a new
// version, so what an older release sealed can still be opened.
package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a key: AES-256.
const KeySize = 32

// Magic starts every sealed blob.
const Magic = "PCSGSEAL1"

// StringPrefix starts every sealed string.
const StringPrefix = "sealed:v1:"

// Errors of Open and OpenString.
var (
	// ErrNotSealed: the input does not start as a sealed blob or string.
	ErrNotSealed = errors.New("not sealed by pcsgate")
	// ErrOpen: the key is not the one it was sealed under, or the data
	// was changed or cut short.
	ErrOpen = errors.New("cannot be opened with this installation's key (another key, or damaged)")
	// ErrKey: the key is not KeySize bytes.
	ErrKey = fmt.Errorf("a seal key must be %d bytes", KeySize)
)

const nonceSize = 12

func aead(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, ErrKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal returns plaintext sealed under key, as a blob that starts with Magic.
func Seal(key, plaintext []byte) ([]byte, error) {
	a, err := aead(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(Magic)+nonceSize, len(Magic)+nonceSize+len(plaintext)+a.Overhead())
	copy(out, Magic)
	if _, err := rand.Read(out[len(Magic):]); err != nil {
		return nil, err
	}
	return a.Seal(out, out[len(Magic):], plaintext, []byte(Magic)), nil
}

// IsSealed reports whether b starts as a sealed blob.
func IsSealed(b []byte) bool { return bytes.HasPrefix(b, []byte(Magic)) }

// Open returns the plaintext of a blob Seal made under key.
func Open(key, sealed []byte) ([]byte, error) {
	if !IsSealed(sealed) {
		return nil, ErrNotSealed
	}
	a, err := aead(key)
	if err != nil {
		return nil, err
	}
	rest := sealed[len(Magic):]
	if len(rest) < nonceSize+a.Overhead() {
		return nil, ErrOpen
	}
	out, err := a.Open(nil, rest[:nonceSize], rest[nonceSize:], []byte(Magic))
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// SealString seals a short secret value into a string that can stand in a
// JSON or text field: StringPrefix and base64url.
func SealString(key []byte, value string) (string, error) {
	b, err := Seal(key, []byte(value))
	if err != nil {
		return "", err
	}
	return StringPrefix + base64.RawURLEncoding.EncodeToString(b[len(Magic):]), nil
}

// IsSealedString reports whether s starts as a sealed string.
func IsSealedString(s string) bool { return strings.HasPrefix(s, StringPrefix) }

// OpenString returns the value of a string SealString made under key.
func OpenString(key []byte, s string) (string, error) {
	if !IsSealedString(s) {
		return "", ErrNotSealed
	}
	raw, err := base64.RawURLEncoding.DecodeString(s[len(StringPrefix):])
	if err != nil {
		return "", ErrOpen
	}
	b, err := Open(key, append([]byte(Magic), raw...))
	return string(b), err
}
