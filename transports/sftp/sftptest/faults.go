package sftptest

import (
	"errors"
	"io"
	"net"
	"os"
	"time"

	pkgsftp "github.com/pkg/sftp"
)

// ErrDrop, returned by a hook, makes the server close the client's
// connection instead of answering.
var ErrDrop = errors.New("connection dropped by the test server")

// Op is one file operation an SSH client asked for.
type Op struct {
	// Method is the operation as github.com/pkg/sftp names it: Get, Put,
	// Open, List, Stat, Lstat, Rename, PosixRename, Remove, Mkdir, Rmdir,
	// Setstat, ...
	Method string
	// Path is the absolute path operated on.
	Path string
	// Target is the new path of Rename and PosixRename.
	Target string
}

// SetHook installs fn, called before each file operation an SSH client
// asks for (not those of Partner). When fn returns an error the operation is
// not carried out: ErrDrop closes the connection, any other error is
// answered (github.com/pkg/sftp's ErrSSHFx* errors map to their status
// codes). nil removes the hook.
func (s *Server) SetHook(fn func(Op) error) {
	if fn == nil {
		s.hook.Store(nil)
		return
	}
	s.hook.Store(&fn)
}

// DropWhileReading arms a one-time fault: the next file an SSH client opens
// for reading loses its connection when a read reaches byte offset n.
func (s *Server) DropWhileReading(n int64) { s.readDrop.Store(n + 1) }

// DropWhileWriting arms a one-time fault: the next file an SSH client opens
// for writing keeps the bytes written below offset n, then the connection
// is lost.
func (s *Server) DropWhileWriting(n int64) { s.writeDrop.Store(n + 1) }

// handlers returns the file handlers for the SSH connection nc: the shared
// in-memory tree behind the hook and the faults. With nc nil they are the
// partner's: no hook, no faults.
func (s *Server) handlers(nc net.Conn) pkgsftp.Handlers {
	h := &faulty{s: s, nc: nc}
	return pkgsftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h}
}

// faulty wraps the in-memory handlers for one connection. Every call into
// the in-memory tree holds the server's fsMu, and listings are copied
// before it is released: the tree does not guard a file's name against a
// rename while a listing is answered.
type faulty struct {
	s  *Server
	nc net.Conn // nil for the partner
}

// check runs the hook for r, outside fsMu so the hook may use Partner.
func (h *faulty) check(r *pkgsftp.Request) error {
	if h.nc == nil {
		return nil
	}
	fn := h.s.hook.Load()
	if fn == nil {
		return nil
	}
	err := (*fn)(Op{Method: r.Method, Path: r.Filepath, Target: r.Target})
	if errors.Is(err, ErrDrop) {
		_ = h.nc.Close()
	}
	return err
}

func (h *faulty) Fileread(r *pkgsftp.Request) (io.ReaderAt, error) {
	if err := h.check(r); err != nil {
		return nil, err
	}
	h.s.fsMu.Lock()
	ra, err := h.s.files.FileGet.Fileread(r)
	h.s.fsMu.Unlock()
	if err != nil || h.nc == nil {
		return ra, err
	}
	if n := h.s.readDrop.Swap(0); n > 0 {
		return &dropReader{ra: ra, at: n - 1, nc: h.nc}, nil
	}
	return ra, nil
}

func (h *faulty) Filewrite(r *pkgsftp.Request) (io.WriterAt, error) {
	if err := h.check(r); err != nil {
		return nil, err
	}
	h.s.fsMu.Lock()
	wa, err := h.s.files.FilePut.Filewrite(r)
	h.s.fsMu.Unlock()
	if err != nil || h.nc == nil {
		return wa, err
	}
	if n := h.s.writeDrop.Swap(0); n > 0 {
		return &dropWriter{wa: wa, at: n - 1, nc: h.nc}, nil
	}
	return wa, nil
}

// OpenFile serves files opened for reading and writing at once.
func (h *faulty) OpenFile(r *pkgsftp.Request) (pkgsftp.WriterAtReaderAt, error) {
	if err := h.check(r); err != nil {
		return nil, err
	}
	h.s.fsMu.Lock()
	defer h.s.fsMu.Unlock()
	return h.s.files.FilePut.(pkgsftp.OpenFileWriter).OpenFile(r)
}

func (h *faulty) Filecmd(r *pkgsftp.Request) error {
	if err := h.check(r); err != nil {
		return err
	}
	h.s.fsMu.Lock()
	defer h.s.fsMu.Unlock()
	return h.s.files.FileCmd.Filecmd(r)
}

// PosixRename replaces the target, as OpenSSH's posix-rename does.
func (h *faulty) PosixRename(r *pkgsftp.Request) error {
	if err := h.check(r); err != nil {
		return err
	}
	h.s.fsMu.Lock()
	defer h.s.fsMu.Unlock()
	return h.s.files.FileCmd.(pkgsftp.PosixRenameFileCmder).PosixRename(r)
}

func (h *faulty) Filelist(r *pkgsftp.Request) (pkgsftp.ListerAt, error) {
	if err := h.check(r); err != nil {
		return nil, err
	}
	h.s.fsMu.Lock()
	defer h.s.fsMu.Unlock()
	return snapshot(h.s.files.FileList.Filelist(r))
}

// Lstat does not follow links.
func (h *faulty) Lstat(r *pkgsftp.Request) (pkgsftp.ListerAt, error) {
	if err := h.check(r); err != nil {
		return nil, err
	}
	h.s.fsMu.Lock()
	defer h.s.fsMu.Unlock()
	return snapshot(h.s.files.FileList.(pkgsftp.LstatFileLister).Lstat(r))
}

// snapshot copies a listing, so it can be answered after fsMu is released.
func snapshot(l pkgsftp.ListerAt, err error) (pkgsftp.ListerAt, error) {
	if err != nil {
		return nil, err
	}
	var out listing
	batch := make([]os.FileInfo, 64)
	for off := int64(0); ; {
		n, err := l.ListAt(batch, off)
		for _, fi := range batch[:n] {
			out = append(out, fileInfo{name: fi.Name(), size: fi.Size(), mode: fi.Mode(), modTime: fi.ModTime(), sys: fi.Sys()})
		}
		off += int64(n)
		if err == io.EOF || (err == nil && n == 0) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// listing is a copied listing.
type listing []os.FileInfo

func (l listing) ListAt(ls []os.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(ls, l[offset:])
	if n < len(ls) {
		return n, io.EOF
	}
	return n, nil
}

// fileInfo is a copied os.FileInfo.
type fileInfo struct {
	name    string
	size    int64
	mode    os.FileMode
	modTime time.Time
	sys     any
}

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) Mode() os.FileMode  { return f.mode }
func (f fileInfo) ModTime() time.Time { return f.modTime }
func (f fileInfo) IsDir() bool        { return f.mode.IsDir() }
func (f fileInfo) Sys() any           { return f.sys }

// dropReader loses the connection when a read reaches offset at.
type dropReader struct {
	ra io.ReaderAt
	at int64
	nc net.Conn
}

func (d *dropReader) ReadAt(b []byte, off int64) (int, error) {
	if off+int64(len(b)) > d.at {
		_ = d.nc.Close()
		return 0, ErrDrop
	}
	return d.ra.ReadAt(b, off)
}

// dropWriter keeps the bytes below offset at, then loses the connection.
type dropWriter struct {
	wa io.WriterAt
	at int64
	nc net.Conn
}

func (d *dropWriter) WriteAt(b []byte, off int64) (int, error) {
	if off+int64(len(b)) <= d.at {
		return d.wa.WriteAt(b, off)
	}
	n := 0
	if off < d.at {
		n, _ = d.wa.WriteAt(b[:d.at-off], off)
	}
	_ = d.nc.Close()
	return n, ErrDrop
}
