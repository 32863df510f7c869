package sftp

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// hostKeyAlgorithms are the host key algorithms pcsgate asks for by
// default, in OpenSSH's order: the key `ssh` shows an operator is the key
// pcsgate checks.
var hostKeyAlgorithms = []string{
	ssh.KeyAlgoED25519,
	ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
	ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256,
}

// certAlgorithms are the host certificate algorithms asked for, in the same
// order, when a known_hosts file pins no plain key for the host, so its
// @cert-authority lines can apply.
var certAlgorithms = []string{
	ssh.CertAlgoED25519v01,
	ssh.CertAlgoECDSA256v01, ssh.CertAlgoECDSA384v01, ssh.CertAlgoECDSA521v01,
	ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01,
}

// knownAlgorithm reports whether a is one of hostKeyAlgorithms.
func knownAlgorithm(a string) bool { return slices.Contains(hostKeyAlgorithms, a) }

// algorithmsFor returns the algorithms that verify a host key of the given
// key type, e.g. "ssh-rsa" → rsa-sha2-512, rsa-sha2-256.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	if knownAlgorithm(keyType) {
		return []string{keyType}
	}
	return nil
}

// fingerprintBytes is the length of a SHA-256 fingerprint.
const fingerprintBytes = 32

// parseFingerprint checks a "SHA256:<base64>" fingerprint and returns it in
// the form ssh.FingerprintSHA256 gives (unpadded base64).
func parseFingerprint(s string) (string, error) {
	b64, ok := strings.CutPrefix(s, "SHA256:")
	if !ok {
		return "", errors.New(`does not start with "SHA256:"`)
	}
	b64 = strings.TrimRight(b64, "=")
	raw, err := base64.RawStdEncoding.Strict().DecodeString(b64)
	if err != nil || len(raw) != fingerprintBytes {
		return "", errors.New("is not 32 bytes in base64")
	}
	return "SHA256:" + b64, nil
}

// hostKeys checks a server's host key against the pinned key.
type hostKeys struct {
	addr        string
	fingerprint string              // normalised; "" with a known_hosts file
	knownFile   string              // "" with a fingerprint
	known       ssh.HostKeyCallback // from knownFile
	algorithms  []string            // configured; nil for the defaults
}

// newHostKeys reads the known_hosts file, if any. cfg is validated.
func newHostKeys(cfg Connection) (*hostKeys, error) {
	h := &hostKeys{addr: cfg.Addr, knownFile: cfg.KnownHostsFile, algorithms: cfg.HostKeyAlgorithms}
	if cfg.HostKeyFingerprint != "" {
		fp, err := parseFingerprint(cfg.HostKeyFingerprint)
		if err != nil {
			return nil, fmt.Errorf("host_key_fingerprint %s %w: %w", errtext.Quote(cfg.HostKeyFingerprint), transports.ErrBadConfig, err)
		}
		h.fingerprint = fp
		return h, nil
	}
	known, err := knownhosts.New(cfg.KnownHostsFile)
	if err != nil {
		return nil, fmt.Errorf("known_hosts_file %s %w: %w", errtext.Quote(cfg.KnownHostsFile), ErrKeyFile, err)
	}
	h.known = known
	return h, nil
}

// probeKey is a key no server has: offered to the known_hosts callback, it
// makes it list the keys pinned for a host.
var probeKey = func() ssh.PublicKey {
	k, err := ssh.NewPublicKey(ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public())
	if err != nil {
		panic(err) // a fixed, valid key
	}
	return k
}()

// algorithmsFor returns the host key algorithms to ask the server at remote
// for: the configured ones; else those of the keys known_hosts pins for it;
// else OpenSSH's order, after the certificate algorithms when known_hosts
// has no plain key for the host.
func (h *hostKeys) algorithmsFor(remote net.Addr) []string {
	if len(h.algorithms) > 0 {
		return h.algorithms
	}
	if h.known == nil {
		return hostKeyAlgorithms
	}
	var keyErr *knownhosts.KeyError
	if err := h.known(h.addr, remote, probeKey); !errors.As(err, &keyErr) || len(keyErr.Want) == 0 {
		return slices.Concat(certAlgorithms, hostKeyAlgorithms)
	}
	var algos []string
	for _, a := range hostKeyAlgorithms {
		for _, k := range keyErr.Want {
			if slices.Contains(algorithmsFor(k.Key.Type()), a) && !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	return algos
}

// callback returns the ssh.HostKeyCallback; when it refuses a key it also
// stores its error in *refused, so the caller can report it without the
// library's wrapping.
func (h *hostKeys) callback(refused *error) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := h.check(hostname, remote, key)
		if err != nil {
			*refused = err
		}
		return err
	}
}

// check accepts key only if it is the pinned one.
func (h *hostKeys) check(hostname string, remote net.Addr, key ssh.PublicKey) error {
	seen := ssh.FingerprintSHA256(key)
	if h.known == nil {
		if seen == h.fingerprint {
			return nil
		}
		return fmt.Errorf("host key %s %s %w: expected %s (host_key_fingerprint); not connecting",
			key.Type(), seen, ErrHostKey, h.fingerprint)
	}
	err := h.known(hostname, remote, key)
	if err == nil {
		return nil
	}
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	switch {
	case errors.As(err, &revoked):
		return fmt.Errorf("host key %s %s %w: it is revoked in %s line %d; not connecting",
			key.Type(), seen, ErrHostKey, revoked.Revoked.Filename, revoked.Revoked.Line)
	case errors.As(err, &keyErr) && len(keyErr.Want) == 0:
		return fmt.Errorf("host key %s %s %w: expected an entry for %s in %s, found none; not connecting",
			key.Type(), seen, ErrHostKey, knownhosts.Normalize(h.addr), h.knownFile)
	case errors.As(err, &keyErr):
		want := make([]string, 0, len(keyErr.Want))
		for _, k := range keyErr.Want {
			want = append(want, fmt.Sprintf("%s %s (%s line %d)", k.Key.Type(), ssh.FingerprintSHA256(k.Key), k.Filename, k.Line))
		}
		return fmt.Errorf("host key %s %s %w: expected %s; not connecting",
			key.Type(), seen, ErrHostKey, strings.Join(want, " or "))
	default:
		return fmt.Errorf("host key %s %s %w: %w; not connecting", key.Type(), seen, ErrHostKey, err)
	}
}
