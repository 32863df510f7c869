package sftp

import "errors"

// Sentinel errors of the SFTP transport, phrased as predicates and wrapped
// with the subject in front, so callers can check them with errors.Is.
var (
	// ErrHostKey: the server presented a host key other than the pinned
	// one (or the known_hosts file has no entry for it). pcsgate never
	// logs in to such a server and never retries.
	ErrHostKey = errors.New("is not the pinned host key")
	// ErrLogin: the server refused the user's password or key. Never
	// retried.
	ErrLogin = errors.New("was refused by the server")
	// ErrTimeout: the server did not answer, or a transfer made no
	// progress, within Timeout.
	ErrTimeout = errors.New("did not answer in time")
	// ErrKeyFile: the private key or known_hosts file cannot be used.
	ErrKeyFile = errors.New("is not a usable key file")
)

// Verdicts on a listed file; they are not connection failures.
var (
	// errChanged: the file is no longer what the listing saw.
	errChanged = errors.New("changed since it was listed")
	// errTooBig: the file exceeds MaxBytes.
	errTooBig = errors.New("is larger than the limit")
)
