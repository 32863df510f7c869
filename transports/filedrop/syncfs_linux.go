package filedrop

import (
	"os"

	"golang.org/x/sys/unix"
)

// canSyncFS: this platform syncs a whole file system at once.
const canSyncFS = true

// syncFS makes everything written to the file system holding dir durable,
// with one flush of the disk's cache (syncfs(2)).
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = unix.Syncfs(int(d.Fd()))
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
