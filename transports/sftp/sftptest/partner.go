package sftptest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"sort"
	"strings"

	pkgsftp "github.com/pkg/sftp"
)

// partner is an SFTP client on the server's file tree over an in-process
// pipe: the partner's own view, without hooks or faults.
type partner struct {
	client *pkgsftp.Client
	server *pkgsftp.RequestServer
	done   chan struct{}
}

func newPartner(files pkgsftp.Handlers) (*partner, error) {
	serverEnd, clientEnd := net.Pipe()
	p := &partner{server: pkgsftp.NewRequestServer(serverEnd, files), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		_ = p.server.Serve()
	}()
	c, err := pkgsftp.NewClientPipe(clientEnd, clientEnd)
	if err != nil {
		_ = p.server.Close()
		<-p.done
		return nil, err
	}
	p.client = c
	return p, nil
}

func (p *partner) close() {
	_ = p.client.Close()
	_ = p.server.Close()
	<-p.done
}

// Partner is an SFTP client on the server's file tree, as the partner
// works on it locally: no hooks, no faults. Do not close it.
func (s *Server) Partner() *pkgsftp.Client { return s.partner.client }

// Put writes a file the way a careful partner does: as "<name>.part",
// renamed to name once complete. Missing folders are created.
func (s *Server) Put(name string, data []byte) error {
	c := s.Partner()
	if err := c.MkdirAll(path.Dir(name)); err != nil {
		return err
	}
	if err := s.WriteFile(name+".part", data); err != nil {
		return err
	}
	return c.PosixRename(name+".part", name)
}

// WriteFile writes a file in place under its final name, creating or
// truncating it. Missing folders are created.
func (s *Server) WriteFile(name string, data []byte) error {
	c := s.Partner()
	if err := c.MkdirAll(path.Dir(name)); err != nil {
		return err
	}
	f, err := c.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return err
	}
	_, err = f.ReadFromWithConcurrency(bytes.NewReader(data), 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadFile returns a file's content.
func (s *Server) ReadFile(name string) ([]byte, error) {
	f, err := s.Partner().Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Exists reports whether name exists.
func (s *Server) Exists(name string) bool {
	_, err := s.Partner().Lstat(name)
	return err == nil
}

// List returns the names in folder dir, sorted; none when dir is missing.
func (s *Server) List(dir string) ([]string, error) {
	entries, err := s.Partner().ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

// Files returns the path of every regular file under dir (recursively),
// relative to dir and sorted.
func (s *Server) Files(dir string) ([]string, error) {
	var out []string
	w := s.Partner().Walk(dir)
	for w.Step() {
		if err := w.Err(); err != nil {
			if errors.Is(err, fs.ErrNotExist) && w.Path() == dir {
				return nil, nil
			}
			return nil, err
		}
		if w.Stat().Mode().IsRegular() {
			out = append(out, strings.TrimPrefix(w.Path(), strings.TrimSuffix(path.Clean(dir), "/")+"/"))
		}
	}
	sort.Strings(out)
	return out, nil
}
