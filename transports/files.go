package transports

import (
	"os"
	"runtime"
)

// WritePrivateTemp writes data to a new hidden file in dir, named after
// pattern as os.CreateTemp names it, readable and writable by its owner
// only whatever the umask and synced to disk; it returns the file's path.
// Nothing is left behind when it fails.
func WritePrivateTemp(dir, pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// SyncDir makes the names just created, renamed or removed in dir durable.
// Windows cannot sync a folder, and does not need to.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
