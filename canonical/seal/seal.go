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
//
// The additional authenticated data is the magic alone (Seal,
// SealString), or the magic, a zero byte and a context (SealStringFor):
// a string sealed for one context opens only for that context, and never
// as one sealed without. Both kinds of string share the prefix, since the
// layout is the same; which kind a string is shows only in which call
// opens it.
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

// boundTo is the additional data of a value sealed for context.
func boundTo(context string) []byte { return []byte(Magic + "\x00" + context) }

// Seal returns plaintext sealed under key, as a blob that starts with Magic.
func Seal(key, plaintext []byte) ([]byte, error) {
	return sealWith(key, plaintext, []byte(Magic))
}

func sealWith(key, plaintext, ad []byte) ([]byte, error) {
	a, err := aead(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(Magic)+nonceSize, len(Magic)+nonceSize+len(plaintext)+a.Overhead())
	copy(out, Magic)
	if _, err := rand.Read(out[len(Magic):]); err != nil {
		return nil, err
	}
	return a.Seal(out, out[len(Magic):], plaintext, ad), nil
}

// IsSealed reports whether b starts as a sealed blob.
func IsSealed(b []byte) bool { return bytes.HasPrefix(b, []byte(Magic)) }

// Open returns the plaintext of a blob Seal made under key.
func Open(key, sealed []byte) ([]byte, error) {
	return openWith(key, sealed, []byte(Magic))
}

func openWith(key, sealed, ad []byte) ([]byte, error) {
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
	out, err := a.Open(nil, rest[:nonceSize], rest[nonceSize:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// SealString seals a short secret value into a string that can stand in a
// JSON or text field: StringPrefix and base64url. It binds no context;
// SealStringFor does.
func SealString(key []byte, value string) (string, error) {
	return sealString(key, value, []byte(Magic))
}

// SealStringFor seals value like SealString, bound to context (for
// pcsgate, the canonical field it is sealed for, such as
// "assignment.driver.identification"): it opens only with OpenStringFor
// and the same context, so a sealed value moved to another field does not
// open there.
func SealStringFor(key []byte, context, value string) (string, error) {
	return sealString(key, value, boundTo(context))
}

func sealString(key []byte, value string, ad []byte) (string, error) {
	b, err := sealWith(key, []byte(value), ad)
	if err != nil {
		return "", err
	}
	return StringPrefix + base64.RawURLEncoding.EncodeToString(b[len(Magic):]), nil
}

// IsSealedString reports whether s starts as a sealed string.
func IsSealedString(s string) bool { return strings.HasPrefix(s, StringPrefix) }

// OpenString returns the value of a string SealString made under key.
func OpenString(key []byte, s string) (string, error) {
	return openString(key, s, []byte(Magic))
}

// OpenStringFor returns the value of a string SealStringFor made under key
// for context. Another key, another context, or a string sealed without
// one all give ErrOpen.
func OpenStringFor(key []byte, context, s string) (string, error) {
	return openString(key, s, boundTo(context))
}

func openString(key []byte, s string, ad []byte) (string, error) {
	if !IsSealedString(s) {
		return "", ErrNotSealed
	}
	raw, err := base64.RawURLEncoding.DecodeString(s[len(StringPrefix):])
	if err != nil {
		return "", ErrOpen
	}
	b, err := openWith(key, append([]byte(Magic), raw...), ad)
	return string(b), err
}
