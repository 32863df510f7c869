package store

import "errors"

// Sentinel errors of the store, phrased as predicates so that a wrapped error
// reads as a sentence: release "NLRTM/MSCU/B1/MSCU1234565" was changed by
// another writer: expected version 3. Check them with errors.Is.
var (
	// ErrConflict: SaveRelease found a version other than the expected one,
	// or found the release already there when it expected to create it.
	ErrConflict = errors.New("was changed by another writer")
	// ErrNotFound: the row the call names does not exist.
	ErrNotFound = errors.New("does not exist")
	// ErrTooLarge: a key, body or payload is over the configured limit.
	ErrTooLarge = errors.New("is too large")
	// ErrInvalidJSON: a body or metadata document is not valid JSON.
	ErrInvalidJSON = errors.New("is not valid JSON")
	// ErrInvalidText: a key or name is not UTF-8 or holds a NUL byte, which
	// PostgreSQL cannot store.
	ErrInvalidText = errors.New("is not valid UTF-8 text without NUL bytes")
	// ErrBadFilter: a list filter holds a value out of range.
	ErrBadFilter = errors.New("is not a valid filter value")
	// ErrInvalidHash: an event's raw message hash is neither empty nor 64
	// lower-case hex digits.
	ErrInvalidHash = errors.New("is not a SHA-256 in lower-case hex")
	// ErrEmpty: a required key or name is empty.
	ErrEmpty = errors.New("is empty")
	// ErrInvalidTopic: a topic name holds characters that cannot become part
	// of a table name.
	ErrInvalidTopic = errors.New("is not a valid topic name (letters, digits and - $ : . _ only)")
	// ErrClosed: the store, publisher or subscriber was closed.
	ErrClosed = errors.New("is closed")
	// ErrTxDone: a Tx was used after the function given to InTx returned.
	ErrTxDone = errors.New("has already ended")
	// ErrBadDSN: Open was given an address it cannot use.
	ErrBadDSN = errors.New("is not a valid store address")
	// ErrSchemaTooNew: the database was migrated by a newer pcsgate.
	ErrSchemaTooNew = errors.New("was written by a newer pcsgate")
	// ErrBadConfig is wrapped by every Config.Validate error.
	ErrBadConfig = errors.New("is not a valid setting")
)
