package pipeline

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/seal"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
	"github.com/nexport/pcsgate/transports/store"
)

// ErrSecretKey marks a key file (secret_key_file, credential_key_file)
// that cannot serve: missing where it must exist, readable by others, or
// not a key.
var ErrSecretKey = errors.New("is not a usable key")

// keyFile is one of the installation's key files: its configuration key,
// for messages, and the sizes it may have.
type keyFile struct {
	name     string // "secret_key_file"
	min, max int    // bytes
}

var (
	secretKeyFile     = keyFile{"secret_key_file", seal.KeySize, seal.KeySize}
	credentialKeyFile = keyFile{"credential_key_file", 16, 1 << 10}
)

// secretKey reads the installation's secret key from path, and creates it
// (seal.KeySize random bytes, 0600) when the file does not exist. A file of
// another size is refused, never replaced: what was sealed under the
// installation's key can be opened with that key only. An empty path gives
// a key for this run only.
func secretKey(path string) ([]byte, error) { return secretKeyFile.load(path) }

// credentialKey reads (or creates) the key of credential handles, as
// secretKey does: a handle made under another key would not match.
func credentialKey(path string) ([]byte, error) { return credentialKeyFile.load(path) }

// ErrFleetKey: an instance was started with a credential key other than
// the one its store was first started with.
var ErrFleetKey = errors.New("is not the key the store was first started with")

// fingerprintLabel is what a key's fingerprint is the HMAC of.
const fingerprintLabel = "pcsgate credential key fingerprint v1"

// keyFingerprint names key without revealing it: the SHA-256 of the
// HMAC-SHA256 of a fixed label under key, in hex.
func keyFingerprint(key []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(fingerprintLabel))
	sum := sha256.Sum256(mac.Sum(nil))
	return hex.EncodeToString(sum[:])
}

// checkFleetKey records the fingerprint of the credential key on the
// store's first start and refuses another key afterwards: instances of a
// fleet must make the same handle of the same PIN, or a release recorded
// by one would not match a gate-out taken in by another. path is
// credential_key_file, for the message.
func checkFleetKey(ctx context.Context, st *store.Store, path string, key []byte) error {
	mine := keyFingerprint(key)
	recorded, err := st.RecordKeyFingerprint(ctx, credentialKeyFile.name, mine)
	if err != nil {
		return err
	}
	if recorded == mine {
		return nil
	}
	return fmt.Errorf("%s %s %w (fingerprint %.12s, this one's %.12s): give every instance a copy of the same file (mode 0600), "+
		"or restore the one this store was started with; a key of its own would make other handles of the same PINs",
		credentialKeyFile.name, cmp.Or(path, "(a key of this run only)"), ErrFleetKey, recorded, mine)
}

// load reads the key file path, creating it when it does not exist; an
// empty path gives a key for this run only.
func (kf keyFile) load(path string) ([]byte, error) {
	if path == "" {
		return randomKey()
	}
	k, err := kf.read(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	return kf.create(path)
}

// ReadSecretKey reads the secret key of cfg (secret_key_file, by default
// beside the credential key) without creating it, for the commands that
// open what the gateway sealed.
func ReadSecretKey(cfg *Config) ([]byte, error) {
	cfg.setDefaults()
	if cfg.SecretKeyFile == "" {
		return nil, fmt.Errorf("secret_key_file %w: none is configured (nor credential_key_file), so nothing was sealed to be opened again", ErrSecretKey)
	}
	return secretKeyFile.read(cfg.SecretKeyFile)
}

// read reads the key file path; the error wraps fs.ErrNotExist when it
// does not exist. A key others may read is refused, as ssh refuses such a
// private key: it may have been copied already.
func (kf keyFile) read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s %s %w: %w", kf.name, path, ErrSecretKey, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kf.name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kf.name, err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("%s %s %w: its mode %04o lets others read it; chmod 600 it, and replace the keys if others may have read them", kf.name, path, ErrSecretKey, perm)
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(kf.max)+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", kf.name, err)
	case len(b) < kf.min || len(b) > kf.max:
		return nil, fmt.Errorf("%s %s %w: it holds %d bytes, %s expected; restore the installation's key file, since what was made under a key can be matched or opened with that key only",
			kf.name, path, ErrSecretKey, len(b), kf.sizes())
	}
	return b, nil
}

func (kf keyFile) sizes() string {
	if kf.min == kf.max {
		return strconv.Itoa(kf.min)
	}
	return fmt.Sprintf("%d to %d", kf.min, kf.max)
}

func randomKey() ([]byte, error) {
	k := make([]byte, seal.KeySize)
	_, err := rand.Read(k)
	return k, err
}

// create writes a new key to path, 0600 whatever the umask, in its folder
// (created 0700 when missing). The key is written and synced under a
// temporary name first and then linked under path, which fails if another
// process created the key meanwhile: that key is then used.
func (kf keyFile) create(path string) ([]byte, error) {
	k, err := randomKey()
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", kf.name, err)
	}
	tmp, err := transports.WritePrivateTemp(dir, ".key-*.tmp", k)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kf.name, err)
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return kf.read(path)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", kf.name, err)
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
