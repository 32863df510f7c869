package transports

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

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

// maxQuoted is how many bytes of a received value Quote keeps.
const maxQuoted = 64

// Quote renders a value received from outside for an error message: clipped
// to 64 bytes (on a rune boundary, marked with "..."), then quoted with Go
// escapes so control characters and invalid UTF-8 stay visible and on one
// line.
func Quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}
