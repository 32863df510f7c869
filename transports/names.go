package transports

import (
	"path"
	"strconv"
	"strings"
)

// DoneSuffix ends the marker a partner writes beside a complete file.
const DoneSuffix = ".done"

// IgnoredSuffix reports name endings of files still being written
// (*.part, *.tmp).
func IgnoredSuffix(name string) bool {
	return strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".tmp")
}

// Ignored reports whether a listed file name is never a unit: dotfiles,
// temporary names and done markers.
func Ignored(name string) bool {
	return name == "" || name[0] == '.' || IgnoredSuffix(name) || strings.HasSuffix(name, DoneSuffix)
}

// Included reports whether name matches one of the glob patterns (all when
// there are none). Names are single path elements, so path.Match applies.
func Included(name string, patterns []string) bool {
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

// Suffixed returns name with a numbered suffix before its extension, for
// archive collisions: "a.edi", 2 → "a.2.edi". n = 0 returns name.
func Suffixed(name string, n int) string {
	if n == 0 {
		return name
	}
	ext := path.Ext(name)
	if ext == name {
		ext = ""
	}
	return strings.TrimSuffix(name, ext) + "." + strconv.Itoa(n) + ext
}
