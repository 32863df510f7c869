package filedrop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Sealer encrypts the copies a Subscriber keeps of files that carry a
// secret, and opens them again to recognise a copy already made. Both
// methods are called from several goroutines at once.
type Sealer interface {
	// Seal returns plain encrypted.
	Seal(plain []byte) ([]byte, error)
	// Open returns what Seal was given, or an error when sealed is not
	// Seal's work under the same key.
	Open(sealed []byte) ([]byte, error)
}

// SealedSuffix ends the name of a sealed copy in the archive or error
// folder: "<name>.sealed".
const SealedSuffix = ".sealed"

// errNoSealer: a message asks for a sealed copy of its file, and the
// Subscriber has no Sealer to make one.
var errNoSealer = errors.New("must be kept sealed, and the file drop has no sealer; the file is left in the drop folder")

// sealRead keeps plain, the content of the file name as it was read, as a
// sealed copy in dir, and then removes the file from the drop folder if it
// is still the file that was read. It returns the name of the copy.
//
// The copy is written under a hidden temporary name, synced, and linked
// under its final name, which never replaces another file, so a reader of
// the folder never sees half a copy. A stop before the drop folder's file
// is removed leaves both; the file is then read again, and filing it finds
// the copy it made before (same name, same content once opened), in dir or
// in one of the earlier folders, instead of making a second one.
func (s *Subscriber) sealRead(name, dir string, plain []byte, read fs.FileInfo, earlier []string) (string, error) {
	if s.cfg.Sealer == nil {
		return "", fmt.Errorf("file %s %w", errtext.Quote(name), errNoSealer)
	}
	src := filepath.Join(s.cfg.Dir, name)
	if read != nil && !sameAs(src, read) {
		return "", fmt.Errorf("file %s %w", errtext.Quote(name), errReplaced)
	}
	final := s.findSealed(earlier, name, plain)
	if final == "" {
		var err error
		if final, err = s.writeSealed(dir, name, plain); err != nil {
			return "", err
		}
	}
	if read != nil && !sameAs(src, read) {
		return final, nil // the file read is gone already; a new one waits its turn
	}
	if err := os.Remove(src); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return final, nil
}

// writeSealed writes plain sealed into dir as "<name>.sealed", or under a
// numbered name ("<stem>.1.<ext>.sealed") when that is taken by another
// file's copy; a copy of the same content is taken as this one's.
func (s *Subscriber) writeSealed(dir, name string, plain []byte) (string, error) {
	blob, err := s.cfg.Sealer.Seal(plain)
	if err != nil {
		return "", fmt.Errorf("file %s cannot be sealed: %w", errtext.Quote(name), err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp, err := transports.WritePrivateTemp(dir, ".seal-*.tmp", blob)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	for n := 0; n < maxSuffix; n++ {
		candidate := transports.Suffixed(name, n) + SealedSuffix
		dst := filepath.Join(dir, candidate)
		err := linkNoReplace(tmp, dst)
		switch {
		case err == nil:
			return candidate, transports.SyncDir(dir)
		case errors.Is(err, fs.ErrExist):
			if s.sealedCopyOf(dst, plain) {
				return candidate, nil
			}
			continue
		}
		return "", err
	}
	return "", fmt.Errorf("folder %s %w for %s", dir, errNoFreeName, name+SealedSuffix)
}

// findSealed returns the path of a sealed copy of plain under name (or a
// numbered name) in one of dirs; "" when there is none.
func (s *Subscriber) findSealed(dirs []string, name string, plain []byte) string {
	for _, dir := range dirs {
		for n := 0; n < maxSuffix; n++ {
			path := filepath.Join(dir, transports.Suffixed(name, n)+SealedSuffix)
			if _, err := os.Lstat(path); err != nil {
				break
			}
			if s.sealedCopyOf(path, plain) {
				return path
			}
		}
	}
	return ""
}

// linkNoReplace gives the file src the name dst too, failing with
// fs.ErrExist when dst exists. Where hard links are impossible, dst is
// reserved by creating it exclusively and src is renamed over it.
func linkNoReplace(src, dst string) error {
	err := os.Link(src, dst)
	if err == nil || errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err != nil {
		_ = os.Remove(dst)
		return err
	}
	return nil
}

// sealedCopyOf reports whether the file path is a sealed copy of plain.
func (s *Subscriber) sealedCopyOf(path string, plain []byte) bool {
	f, err := openInbox(path)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	// A sealed copy is longer than its content by a few dozen bytes.
	if err != nil || !info.Mode().IsRegular() || info.Size() < int64(len(plain)) || info.Size() > int64(len(plain))+4096 {
		return false
	}
	blob, err := io.ReadAll(f)
	if err != nil {
		return false
	}
	got, err := s.cfg.Sealer.Open(blob)
	return err == nil && bytes.Equal(got, plain)
}
