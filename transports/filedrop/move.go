package filedrop

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/nexport/pcsgate/transports"
)

// maxSuffix bounds the numbered suffixes tried for a free name.
const maxSuffix = 10000

// errNoFreeName: every suffixed name is taken.
var errNoFreeName = errors.New("has no free name left")

// errNotRegular: a file to copy is not a regular file.
var errNotRegular = errors.New("is not a regular file and cannot be copied to another file system")

// moveNoReplace moves the file src into dir under name, or under name with a
// numbered suffix when that is taken, and returns the name used. It never
// replaces an existing file, even when another process moves into dir at
// the same time: the file is hard-linked under the target name (which fails
// when the name exists) and then unlinked from its old place, so a crash in
// between leaves the file in both places, never an empty placeholder. Where
// hard links are impossible (another file system, or one without links)
// the target name is reserved by creating it exclusively and the content is
// renamed or copied over the reservation.
func moveNoReplace(src, dir, name string) (string, error) {
	made := false
	for n := 0; n < maxSuffix; n++ {
		candidate := transports.Suffixed(name, n)
		dst := filepath.Join(dir, candidate)
		err := os.Link(src, dst)
		switch {
		case err == nil:
			return candidate, os.Remove(src)
		case errors.Is(err, fs.ErrExist):
			if same(src, dst) {
				// A crash came between the link and the unlink: the file
				// is archived already.
				return candidate, os.Remove(src)
			}
			continue
		case errors.Is(err, fs.ErrNotExist) && !made:
			// The folder is missing (a new day): create it, try again.
			if _, serr := os.Lstat(src); serr != nil {
				return "", serr
			}
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return "", err
			}
			made = true
			n--
			continue
		}
		return reserveAndMove(src, dir, name)
	}
	return "", fmt.Errorf("folder %s %w for %s", dir, errNoFreeName, name)
}

// reserveAndMove is moveNoReplace without hard links.
func reserveAndMove(src, dir, name string) (string, error) {
	for n := 0; n < maxSuffix; n++ {
		candidate := transports.Suffixed(name, n)
		dst := filepath.Join(dir, candidate)
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := f.Close(); err != nil {
			return "", err
		}
		if err := os.Rename(src, dst); err != nil {
			if errors.Is(err, syscall.EXDEV) {
				return candidate, copyOver(src, dst)
			}
			_ = os.Remove(dst)
			return "", err
		}
		return candidate, nil
	}
	return "", fmt.Errorf("folder %s %w for %s", dir, errNoFreeName, name)
}

// copyOver copies src into the existing file dst, syncs it and removes src.
// Only a regular file is copied: src is opened without following a link or
// waiting on a pipe.
func copyOver(src, dst string) (err error) {
	in, err := openInbox(src)
	if err != nil {
		_ = os.Remove(dst)
		return err
	}
	defer in.Close()
	if info, err := in.Stat(); err != nil || !info.Mode().IsRegular() {
		_ = os.Remove(dst)
		if err == nil {
			err = fmt.Errorf("%s %w", src, errNotRegular)
		}
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		_ = os.Remove(dst)
		return err
	}
	if _, err = io.Copy(out, in); err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(dst)
		return err
	}
	return os.Remove(src)
}

// writeReason writes why a file was rejected, one problem per line, under
// a hidden temporary name first so nobody reads it half-written.
func writeReason(path, reason string) error {
	var b strings.Builder
	for _, l := range strings.Split(reason, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	// A short temporary name: path may be as long as a name may be.
	f, err := os.CreateTemp(filepath.Dir(path), ".reason-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.WriteString(b.String())
	if err == nil {
		err = f.Chmod(0o640)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// same reports whether a and b are the same file (one linked as the other).
func same(a, b string) bool {
	fa, err := os.Lstat(a)
	if err != nil {
		return false
	}
	fb, err := os.Lstat(b)
	return err == nil && os.SameFile(fa, fb)
}
