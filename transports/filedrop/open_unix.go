//go:build unix

package filedrop

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openInbox opens a file of the drop folder for reading without following
// a symbolic link (O_NOFOLLOW) and without waiting for a writer of a named
// pipe (O_NONBLOCK): whatever stands under the name when it is opened, the
// open returns at once, and the caller judges the descriptor it got. A
// symbolic link is reported as errSymlink.
func openInbox(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	// Linux and most systems answer ELOOP for a link; FreeBSD EMLINK.
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
		return nil, errSymlink
	}
	return f, err
}

// linkCount returns how many names the opened file has; false where the
// system does not say.
func linkCount(info fs.FileInfo) (uint64, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Nlink), true // Nlink is narrower on some systems
}
