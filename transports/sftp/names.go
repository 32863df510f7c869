package sftp

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/nexport/pcsgate/transports"
)

// doneSuffix ends the marker a partner writes beside a complete file.
const doneSuffix = ".done"

// ignoredSuffix reports name endings of files still being written.
func ignoredSuffix(name string) bool {
	return strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".tmp")
}

// ignored reports whether a listed name is never a unit: dotfiles,
// temporary names and done markers.
func ignored(name string) bool {
	return name == "" || name[0] == '.' || ignoredSuffix(name) || strings.HasSuffix(name, doneSuffix)
}

// included reports whether name matches one of the patterns (all when there
// are none). Patterns are checked by Validate.
func included(name string, patterns []string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// suffixed returns name with a numbered suffix before its extension:
// "a.edi", 2 → "a.2.edi". n = 0 returns name.
func suffixed(name string, n int) string {
	if n == 0 {
		return name
	}
	ext := path.Ext(name)
	if ext == name {
		ext = ""
	}
	return strings.TrimSuffix(name, ext) + "." + strconv.Itoa(n) + ext
}

// outName is the final remote file name of a message with the given out
// name, or an error wrapping transports.ErrUnsafeName.
func outName(name, extension, tempSuffix string) (string, error) {
	if _, err := transports.SafeName(name); err != nil {
		return "", err
	}
	if ignoredSuffix(name) || strings.HasSuffix(name, doneSuffix) || strings.HasSuffix(name, tempSuffix) {
		// Partners skip such names as unfinished or as markers.
		return "", fmt.Errorf("file name %s %w: ends like a temporary file or marker", transports.Quote(name), transports.ErrUnsafeName)
	}
	if !strings.HasSuffix(name, extension) {
		name += extension
	}
	// With the suffix, the temporary name must still be a safe name.
	if _, err := transports.SafeName(name + tempSuffix); err != nil {
		return "", err
	}
	return name, nil
}
