package transports

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// MaxNameBytes is the longest file name SafeName accepts, in bytes.
const MaxNameBytes = 200

// SafeName checks a file name taken from outside (a listed file, an HTTP
// header, an out name) before pcsgate uses it inside one of its folders. The
// name must be a single path element: not empty, at most MaxNameBytes bytes of
// valid UTF-8, no path separator ('/' or '\'), no ".." anywhere, no leading
// dot (so neither "." nor hidden files), no control or invisible formatting
// characters (ASCII or Unicode, such as a right-to-left override) and no leading or trailing space. Such a name can never escape the
// folder it is joined to, on any operating system pcsgate runs on.
//
// The name is returned unchanged: SafeName never guesses a repair, because a
// repaired name could collide with another. The error wraps ErrUnsafeName.
func SafeName(name string) (string, error) {
	if why := unsafeBecause(name); why != "" {
		return "", fmt.Errorf("file name %s %w: %s", errtext.Quote(name), ErrUnsafeName, why)
	}
	return name, nil
}

// unsafeBecause returns why name is unsafe, or "" when it is safe.
func unsafeBecause(name string) string {
	switch {
	case name == "":
		return "is empty"
	case len(name) > MaxNameBytes:
		return fmt.Sprintf("is %d bytes long, expected at most %d", len(name), MaxNameBytes)
	case !utf8.ValidString(name):
		return "is not valid UTF-8"
	case name[0] == '.':
		return "starts with a dot"
	case name[0] == ' ' || name[len(name)-1] == ' ':
		return "starts or ends with a space"
	}
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '/', '\\':
			return "contains a path separator"
		case '.':
			if i+1 < len(name) && name[i+1] == '.' {
				return `contains ".."`
			}
		}
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "contains a control or formatting character"
		}
	}
	return ""
}
