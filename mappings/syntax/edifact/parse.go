package edifact

import (
	"bytes"
	"errors"
	"io"
)

// ParseMessage reads the first message of b, which may be a whole
// interchange or a bare UNH..UNT message. It is meant for tests and small
// inputs; what follows the first message is not read.
func ParseMessage(b []byte, opts ReaderOptions) (*Message, error) {
	r := newReader(bytes.NewReader(b), opts, len(b))
	m, err := r.Next()
	r.releaseScratch() // what was read is copied out; the rest is not read
	if errors.Is(err, io.EOF) {
		return nil, &Error{Name: opts.Name, Err: wrapf(ErrSyntax, "input holds no message")}
	}
	return m, err
}
