package sftptest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	pkgsftp "github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// Defaults of Options.
const (
	DefaultUser     = "pcsgate"
	DefaultPassword = "correct horse battery staple"
)

// Options configures a Server.
type Options struct {
	// User is the only login accepted. Default DefaultUser.
	User string
	// Password is accepted for User. Default DefaultPassword, unless
	// AuthorizedKeys is set.
	Password string
	// AuthorizedKeys are the public keys accepted for User.
	AuthorizedKeys []ssh.PublicKey
	// HostKey is the server's host key. Default: a new ed25519 key.
	HostKey ssh.Signer
	// KeyboardInteractive asks for the password by a keyboard-interactive
	// prompt, as servers using PAM do, instead of accepting the password
	// method.
	KeyboardInteractive bool
	// MoreHostKeys are further host keys of other types the server offers,
	// as OpenSSH servers usually have several.
	MoreHostKeys []ssh.Signer
}

// Server is an SFTP server on 127.0.0.1 with an in-memory file tree. Its
// methods are safe from any goroutine.
type Server struct {
	opts    Options
	ln      net.Listener
	config  *ssh.ServerConfig
	files   pkgsftp.Handlers
	partner *partner

	hook      atomic.Pointer[func(Op) error]
	readDrop  atomic.Int64 // armed offset + 1; 0 when unarmed
	writeDrop atomic.Int64
	attempts  atomic.Int64
	logins    atomic.Int64

	fsMu sync.Mutex // held for every call into files

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// New starts a server and closes it when the test ends.
func New(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s, err := Start(opts)
	if err != nil {
		tb.Fatalf("sftptest: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Start starts a server listening on a free port of 127.0.0.1. Close it when
// done.
func Start(opts Options) (*Server, error) {
	if opts.User == "" {
		opts.User = DefaultUser
	}
	if opts.Password == "" && len(opts.AuthorizedKeys) == 0 {
		opts.Password = DefaultPassword
	}
	if opts.HostKey == nil {
		signer, _, err := NewKey("")
		if err != nil {
			return nil, err
		}
		opts.HostKey = signer
	}
	s := &Server{opts: opts, files: pkgsftp.InMemHandler(), conns: map[net.Conn]struct{}{}}
	s.config = &ssh.ServerConfig{
		PublicKeyCallback: s.checkKey,
		ServerVersion:     "SSH-2.0-pcsgate-sftptest",
	}
	if opts.KeyboardInteractive {
		s.config.KeyboardInteractiveCallback = s.askPassword
	} else {
		s.config.PasswordCallback = s.checkPassword
	}
	s.config.AddHostKey(opts.HostKey)
	for _, k := range opts.MoreHostKeys {
		s.config.AddHostKey(k)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	p, err := newPartner(s.handlers(nil))
	if err != nil {
		_ = ln.Close()
		return nil, err
	}
	s.partner = p
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// User is the login the server accepts.
func (s *Server) User() string { return s.opts.User }

// Password is the password the server accepts, if any.
func (s *Server) Password() string { return s.opts.Password }

// HostKey is the server's public host key.
func (s *Server) HostKey() ssh.PublicKey { return s.opts.HostKey.PublicKey() }

// Fingerprint is the SHA-256 fingerprint of the host key, as ssh-keygen -lf
// prints it.
func (s *Server) Fingerprint() string { return ssh.FingerprintSHA256(s.HostKey()) }

// KnownHostsLine is the known_hosts line pinning the server's host key.
func (s *Server) KnownHostsLine() string { return KnownHostsLine(s.Addr(), s.HostKey()) }

// AuthAttempts counts the logins SSH clients have attempted, successful or
// not. A client that refused the host key never attempts one.
func (s *Server) AuthAttempts() int { return int(s.attempts.Load()) }

// Logins counts the successful logins.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// DropConnections closes every SSH client connection now.
func (s *Server) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.Close()
	}
}

// Close stops the server, closes every connection and returns once all of
// the server's goroutines have ended. It is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.partner.close()
	s.wg.Wait()
	return err
}

func (s *Server) checkPassword(meta ssh.ConnMetadata, password []byte) (*ssh.Permissions, error) {
	s.attempts.Add(1)
	if meta.User() == s.opts.User && s.opts.Password != "" && string(password) == s.opts.Password {
		s.logins.Add(1)
		return nil, nil
	}
	return nil, errors.New("password refused")
}

func (s *Server) askPassword(meta ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	answers, err := ask("", "", []string{"Password: "}, []bool{false})
	if err != nil {
		return nil, err
	}
	if len(answers) != 1 {
		s.attempts.Add(1)
		return nil, errors.New("one answer expected")
	}
	return s.checkPassword(meta, []byte(answers[0]))
}

func (s *Server) checkKey(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	s.attempts.Add(1)
	if meta.User() == s.opts.User {
		for _, k := range s.opts.AuthorizedKeys {
			if bytes.Equal(k.Marshal(), key.Marshal()) {
				s.logins.Add(1)
				return nil, nil
			}
		}
	}
	return nil, errors.New("key refused")
}

// serve accepts connections until the listener closes.
func (s *Server) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.conns[nc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handle(nc)
	}
}

// handle runs one SSH connection.
func (s *Server) handle(nc net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, nc)
		s.mu.Unlock()
		_ = nc.Close()
	}()
	sc, chans, reqs, err := ssh.NewServerConn(nc, s.config)
	if err != nil {
		return
	}
	defer sc.Close()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		s.wg.Add(1)
		go s.session(nc, ch, creqs)
	}
}

// session serves the sftp subsystem on one channel.
func (s *Server) session(nc net.Conn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer s.wg.Done()
	defer ch.Close()
	for req := range reqs {
		ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
		_ = req.Reply(ok, nil)
		if !ok {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for r := range reqs {
				_ = r.Reply(false, nil)
			}
		}()
		rs := pkgsftp.NewRequestServer(ch, s.handlers(nc))
		_ = rs.Serve()
		_ = rs.Close()
		return
	}
}

// String names the server for test logs.
func (s *Server) String() string { return fmt.Sprintf("sftptest server %s", s.Addr()) }
