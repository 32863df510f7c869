package transports

import "errors"

// Sentinel errors shared by the transports. They are phrased as predicates
// and wrapped with the subject in front, e.g. `filedrop subscriber is
// closed`, so callers can check them with errors.Is.
var (
	// ErrClosed is returned by Subscribe and Publish after Close.
	ErrClosed = errors.New("is closed")
	// ErrBadConfig is wrapped by every Validate error.
	ErrBadConfig = errors.New("is not a valid setting")
	// ErrUnsafeName is returned by SafeName.
	ErrUnsafeName = errors.New("is not a safe file name")
)
