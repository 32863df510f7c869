package filedrop

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// openAnon creates a file in dir that has no name yet (O_TMPFILE): nobody
// can see or open it until linkAnon names it, and it disappears by itself
// if pcsgate stops first. It reports errNoAnon where the file system
// cannot do this.
func openAnon(dir string, mode os.FileMode) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_WRONLY|unix.O_TMPFILE|unix.O_CLOEXEC, uint32(mode.Perm()))
	switch {
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EISDIR), errors.Is(err, unix.EINVAL):
		return nil, errNoAnon // file system or kernel without O_TMPFILE
	case err != nil:
		return nil, &os.PathError{Op: "create", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)")), nil
}

// linkAnon gives a file of openAnon its final name. Where that name
// exists, kept reports whether to leave it (it holds this content already);
// otherwise it is replaced as a rename would: through "<final>.part".
func linkAnon(f *os.File, final string, kept func() (bool, error)) error {
	err := linkFD(f, final)
	if !errors.Is(err, unix.EEXIST) {
		return err
	}
	if keep, err := kept(); keep || err != nil {
		return err
	}
	part := final + partSuffix
	if err := os.Remove(part); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := linkFD(f, part); err != nil {
		return err
	}
	if err := os.Rename(part, final); err != nil {
		_ = os.Remove(part)
		return err
	}
	return nil
}

// probes numbers the probe files of canAnon within the process.
var probes atomic.Int64

// canAnon reports whether files can be written without a name in dir and
// named afterwards: it names one as a hidden ".part" file, which partners
// skip, and removes it again.
func canAnon(dir string) bool {
	f, err := openAnon(dir, 0o600)
	if err != nil {
		return false
	}
	defer f.Close()
	probe := filepath.Join(dir, ".pcsgate-probe-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(probes.Add(1), 10)+partSuffix)
	if err := linkFD(f, probe); err != nil {
		return false
	}
	return os.Remove(probe) == nil
}

// emptyPathRefused is set once linkat's AT_EMPTY_PATH was refused: it
// needs a privilege (CAP_DAC_READ_SEARCH) that most processes lack.
var emptyPathRefused atomic.Bool

// linkFD names an unnamed file: through its descriptor where the process
// may (AT_EMPTY_PATH, the cheaper way), else through /proc, which needs no
// privilege.
func linkFD(f *os.File, name string) error {
	fd := int(f.Fd())
	if !emptyPathRefused.Load() {
		err := unix.Linkat(fd, "", unix.AT_FDCWD, name, unix.AT_EMPTY_PATH)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EEXIST):
			return &os.LinkError{Op: "link", Old: f.Name(), New: name, Err: err}
		case errors.Is(err, unix.ENOENT), errors.Is(err, unix.EPERM):
			emptyPathRefused.Store(true) // not this process's privilege
		}
		// Any other failure is tried again through /proc, which reports
		// it if it is not about the way of naming.
	}
	err := unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: name, Err: err}
	}
	return nil
}

// umaskKeeps reports whether files created with mode get exactly mode,
// that is, whether the process's umask clears none of its bits; false
// when the umask cannot be read without changing it (/proc/self/status,
// Linux 4.7 and later).
func umaskKeeps(mode os.FileMode) bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(b), "\nUmask:")
	if !ok {
		return false
	}
	line, _, _ := strings.Cut(rest, "\n")
	umask, err := strconv.ParseUint(strings.TrimSpace(line), 8, 32)
	return err == nil && uint32(mode.Perm())&uint32(umask) == 0
}
