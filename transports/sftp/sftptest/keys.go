package sftptest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// NewKey returns a new ed25519 key as a signer and as an OpenSSH private key
// file's content, encrypted with passphrase unless it is empty.
func NewKey(passphrase string) (ssh.Signer, []byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, nil, err
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "pcsgate test key")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "pcsgate test key", []byte(passphrase))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sftptest: encode key: %w", err)
	}
	return signer, pem.EncodeToMemory(block), nil
}

// KnownHostsLine is the known_hosts line pinning key for addr (host:port),
// e.g. "[127.0.0.1]:40022 ssh-ed25519 AAAA...".
func KnownHostsLine(addr string, key ssh.PublicKey) string {
	return knownhosts.Line([]string{knownhosts.Normalize(addr)}, key)
}

// AuthorizedKeyLine is key as a line of an authorized_keys file.
func AuthorizedKeyLine(key ssh.PublicKey) string {
	return string(ssh.MarshalAuthorizedKey(key))
}
