package sftp

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/ssh"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// maxKeyFileBytes bounds how much of a private key file is read.
const maxKeyFileBytes = 1 << 20

// authMethods returns the ways pcsgate logs in, in the order tried: the
// private key, then the password (also answered to keyboard-interactive
// prompts, which servers using PAM ask instead).
func authMethods(c Connection) ([]ssh.AuthMethod, error) {
	var methods []ssh.AuthMethod
	if c.PrivateKeyFile != "" {
		signer, err := loadPrivateKey(c.PrivateKeyFile, c.PrivateKeyPassphrase)
		if err != nil {
			return nil, err
		}
		methods = append(methods, ssh.PublicKeys(signer))
	}
	if c.Password != "" {
		password := c.Password
		methods = append(methods,
			ssh.Password(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = password
				}
				return answers, nil
			}),
		)
	}
	return methods, nil
}

// loadPrivateKey reads and parses a private key file. Its errors never
// contain key material.
func loadPrivateKey(file, passphrase string) (ssh.Signer, error) {
	where := "private_key_file " + errtext.Quote(file)
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("%s %w: %w", where, ErrKeyFile, err)
	}
	defer f.Close()
	pem, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s %w: %w", where, ErrKeyFile, err)
	}
	if len(pem) > maxKeyFileBytes {
		return nil, fmt.Errorf("%s %w: larger than %d bytes", where, ErrKeyFile, maxKeyFileBytes)
	}
	var signer ssh.Signer
	if passphrase != "" {
		signer, err = ssh.ParsePrivateKeyWithPassphrase(pem, []byte(passphrase))
	} else {
		signer, err = ssh.ParsePrivateKey(pem)
	}
	var missing *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &missing):
		return nil, fmt.Errorf("%s %w: it is encrypted, expected private_key_passphrase", where, ErrKeyFile)
	case errors.Is(err, x509.IncorrectPasswordError):
		return nil, fmt.Errorf("%s %w: private_key_passphrase does not unlock it", where, ErrKeyFile)
	case err != nil:
		return nil, fmt.Errorf("%s %w: expected a private key in PEM or OpenSSH format", where, ErrKeyFile)
	}
	return signer, nil
}
