//go:build !unix

package filedrop

import (
	"io/fs"
	"os"
)

// openInbox opens a file of the drop folder for reading. Without
// O_NOFOLLOW it refuses a symbolic link seen just before the open; the
// caller checks the opened file is a regular file.
func openInbox(path string) (*os.File, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, errSymlink
	}
	return os.Open(path)
}

// linkCount is not known here.
func linkCount(fs.FileInfo) (uint64, bool) { return 0, false }
