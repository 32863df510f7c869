package sftp

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/ThreeDotsLabs/watermill"
	pkgsftp "github.com/pkg/sftp"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// maxSuffix bounds the numbered suffixes tried for a free name.
const maxSuffix = 1000

// errNoFreeName: every suffixed name is taken.
var errNoFreeName = errors.New("has no free name left")

// moveNoReplace moves the file name from Dir into the remote folder dir,
// created as needed, under name or, when that is taken, under name with a
// numbered suffix; it returns the name used. It never replaces a file: a
// taken name is skipped, and the plain SFTP rename it uses fails rather
// than overwrite on OpenSSH. If the file has already left Dir (a retry after
// the connection was lost just after the rename) it returns "" and no error.
func (s *Subscriber) moveNoReplace(name, dir string) (string, error) {
	src := path.Join(s.cfg.Dir, name)
	var final string
	err := s.remote.do(s.grace, "move "+errtext.Quote(src)+" to "+errtext.Quote(dir), func(c *pkgsftp.Client, _ func()) error {
		if err := s.ensureDir(c, dir); err != nil {
			return err
		}
		for n := 0; n < maxSuffix; n++ {
			candidate := transports.Suffixed(name, n)
			dst := path.Join(dir, candidate)
			if _, err := c.Lstat(dst); err == nil {
				continue // taken
			}
			err := c.Rename(src, dst)
			if err == nil {
				final = candidate
				return nil
			}
			if _, serr := c.Lstat(dst); serr == nil {
				continue // taken meanwhile
			}
			if _, serr := c.Lstat(src); errors.Is(serr, fs.ErrNotExist) {
				return nil // already moved
			}
			s.forgetDir()
			return err
		}
		return fmt.Errorf("folder %s %w for %s", errtext.Quote(dir), errNoFreeName, errtext.Quote(name))
	})
	if err == nil && final == "" {
		s.logger.Info("File already gone from the pick-up folder", watermill.LogFields{"file": name})
	}
	return final, err
}

// ensureDir creates dir unless it is the folder last made.
func (s *Subscriber) ensureDir(c *pkgsftp.Client, dir string) error {
	s.mu.Lock()
	made := s.madeDir == dir
	s.mu.Unlock()
	if made {
		return nil
	}
	if err := c.MkdirAll(dir); err != nil {
		return err
	}
	s.mu.Lock()
	s.madeDir = dir
	s.mu.Unlock()
	return nil
}

// forgetDir makes the next move check its folder again.
func (s *Subscriber) forgetDir() {
	s.mu.Lock()
	s.madeDir = ""
	s.mu.Unlock()
}
