package transports

import "errors"

// PermanentError marks a failure that retrying cannot fix: a partner answered
// 4xx, an out name escapes its folder, a file is over the size limit. The
// pipeline sends such messages to the dead-letter topic at once instead of
// retrying them. Its text is the text of the wrapped error.
type PermanentError struct {
	Err error
}

// Error returns the text of the wrapped error.
func (e *PermanentError) Error() string {
	if e.Err == nil {
		return "permanent failure"
	}
	return e.Err.Error()
}

// Unwrap returns the wrapped error, so errors.Is sees its sentinel.
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err in a *PermanentError. It returns nil for a nil err and
// err itself when it is already permanent.
func Permanent(err error) error {
	if err == nil || IsPermanent(err) {
		return err
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err, or any error it wraps, is a
// *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
