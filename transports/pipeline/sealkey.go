package pipeline

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
	"github.com/nexport/pcsgate/transports/store"
)

// ErrSecretKey marks a secret key file that cannot serve: missing where it
// must exist, or not a key.
var ErrSecretKey = errors.New("is not a usable secret key")

// secretKey reads the installation's secret key from path, and creates it
// (seal.KeySize random bytes, 0600) when the file does not exist. A file of
// another size is refused, never replaced: what was sealed under the
// installation's key can be opened with that key only. An empty path gives
// a key for this run only.
func secretKey(path string) ([]byte, error) {
	if path == "" {
		return randomKey()
	}
	k, err := readSecretKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	return createSecretKey(path)
}

// ReadSecretKey reads the secret key of cfg (secret_key_file, by default
// beside the credential key) without creating it, for the commands that
// open what the gateway sealed.
func ReadSecretKey(cfg *Config) ([]byte, error) {
	cfg.setDefaults()
	if cfg.SecretKeyFile == "" {
		return nil, fmt.Errorf("secret_key_file %w: none is configured (nor credential_key_file), so nothing was sealed to be opened again", ErrSecretKey)
	}
	return readSecretKey(cfg.SecretKeyFile)
}

// readSecretKey reads the key file path; fs.ErrNotExist when it does not
// exist.
func readSecretKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("secret_key_file %s %w: %w", path, ErrSecretKey, fs.ErrNotExist)
	case err != nil:
		return nil, fmt.Errorf("secret_key_file: %w", err)
	case len(b) != seal.KeySize:
		return nil, fmt.Errorf("secret_key_file %s %w: it holds %d bytes, %d expected; restore the installation's key file, since what was sealed can be opened with that key only",
			path, ErrSecretKey, len(b), seal.KeySize)
	}
	return b, nil
}

func randomKey() ([]byte, error) {
	k := make([]byte, seal.KeySize)
	_, err := rand.Read(k)
	return k, err
}

// createSecretKey writes a new key to path, 0600 whatever the umask, in
// its folder (created 0700 when missing). The key is written and synced
// under a temporary name first and then linked under path, which fails if
// another process created the key meanwhile: that key is then used.
func createSecretKey(path string) ([]byte, error) {
	k, err := randomKey()
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secret_key_file: %w", err)
	}
	tmp, err := transports.WritePrivateTemp(dir, ".secret-*.tmp", k)
	if err != nil {
		return nil, fmt.Errorf("secret_key_file: %w", err)
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return readSecretKey(path)
	case err != nil:
		return nil, fmt.Errorf("secret_key_file: %w", err)
	}
	return k, transports.SyncDir(dir)
}

// keySealer seals under the installation's secret key: the files of the
// file drops (filedrop.Sealer) and the payloads of dead letters.
type keySealer []byte

func (k keySealer) Seal(plain []byte) ([]byte, error)  { return seal.Seal(k, plain) }
func (k keySealer) Open(sealed []byte) ([]byte, error) { return seal.Open(k, sealed) }

// sealIf returns b sealed when secret is set, else b itself.
func (k keySealer) sealIf(secret bool, b []byte) ([]byte, error) {
	if !secret {
		return b, nil
	}
	return k.Seal(b)
}

// Interface guard.
var _ filedrop.Sealer = keySealer(nil)

// IsSealed reports whether the payload of d is kept sealed: it belongs to
// a message that carries a secret, and is sealed. A payload that only
// starts as a sealed one is plain.
func IsSealed(d store.DeadLetter) bool {
	return d.Metadata[transports.MetaSealFiles] != "" && seal.IsSealed(d.Payload)
}

// OpenPayload returns the payload of d as it was received: opened with the
// installation's secret key where it is kept sealed.
func (g *Gateway) OpenPayload(d store.DeadLetter) ([]byte, error) { return OpenPayload(g.sealKey, d) }

// OpenPayload returns the payload of d as it was received: opened with key
// (see ReadSecretKey) where it is kept sealed. key may be nil when d is
// not sealed.
func OpenPayload(key []byte, d store.DeadLetter) ([]byte, error) {
	if !IsSealed(d) {
		return d.Payload, nil
	}
	b, err := seal.Open(key, d.Payload)
	if err != nil {
		return nil, fmt.Errorf("dead letter %s: its sealed payload %w", d.ID, err)
	}
	return b, nil
}

// sealingPublisher is what the poison queue publishes dead letters with:
// the payload of an inbound message that carries a secret
// (transports.MetaSealFiles) is sealed before it is stored.
type sealingPublisher struct {
	message.Publisher
	key keySealer
}

func (p sealingPublisher) Publish(topic string, msgs ...*message.Message) error {
	out := make([]*message.Message, len(msgs))
	for i, m := range msgs {
		out[i] = m
		if m.Metadata.Get(transports.MetaSealFiles) == "" || seal.IsSealed(m.Payload) {
			continue
		}
		b, err := p.key.Seal(m.Payload)
		if err != nil {
			return err
		}
		out[i] = copyOf(m.UUID, b, m.Metadata)
		out[i].SetContext(m.Context())
	}
	return p.Publisher.Publish(topic, out...)
}
