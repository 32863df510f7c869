package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// checkKey checks a key, id or name that is stored in an indexed column.
func checkKey(what, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s %w", what, ErrEmpty)
	case len(v) > maxKeyBytes:
		return fmt.Errorf("%s %s: at most %d bytes expected: %w", what, errtext.Quote(v), maxKeyBytes, ErrTooLarge)
	}
	return checkText(what, v)
}

// checkText checks that v can be stored as text on both backends.
func checkText(what, v string) error {
	if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
		return fmt.Errorf("%s %s %w", what, errtext.Quote(v), ErrInvalidText)
	}
	return nil
}

// checkShort checks an optional label such as a status or a port.
func checkShort(what, v string) error {
	if len(v) > maxKeyBytes {
		return fmt.Errorf("%s %s: at most %d bytes expected: %w", what, errtext.Quote(v), maxKeyBytes, ErrTooLarge)
	}
	return checkText(what, v)
}

// checkJSON checks a JSON document before it is stored.
func (s *Store) checkJSON(what string, b []byte) error {
	switch {
	case len(b) > s.cfg.MaxBytes:
		return fmt.Errorf("%s of %d bytes: at most %d expected: %w", what, len(b), s.cfg.MaxBytes, ErrTooLarge)
	case !utf8.Valid(b) || !json.Valid(b):
		return fmt.Errorf("%s %s %w", what, errtext.Quote(string(b)), ErrInvalidJSON)
	}
	return nil
}
