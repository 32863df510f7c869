package sftp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	pkgsftp "github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// clientVersion is how pcsgate introduces itself to SSH servers.
const clientVersion = "SSH-2.0-pcsgate"

// remote is the connection to one partner's server, shared by the
// operations of a Subscriber or Publisher. It logs in on demand, runs each
// operation under a timeout and, when the connection fails or is lost,
// reconnects and retries with backoff, a bounded number of times.
type remote struct {
	cfg    Connection
	auth   []ssh.AuthMethod
	keys   *hostKeys
	logger watermill.LoggerAdapter

	mu     sync.Mutex
	sess   *session // nil while not connected
	active int      // operations running on sess
	closed bool
}

// session is one SSH connection with its SFTP client.
type session struct {
	ssh       *ssh.Client
	sftp      *pkgsftp.Client
	closeOnce sync.Once
}

// close ends the session; operations running on it fail. The connection
// goes first: closing the SFTP client first would wait for a server that
// may no longer answer.
func (s *session) close() {
	s.closeOnce.Do(func() {
		_ = s.ssh.Close()
		_ = s.sftp.Close()
	})
}

// newRemote reads the key files cfg names. cfg has its defaults set and is
// valid.
func newRemote(cfg Connection, logger watermill.LoggerAdapter) (*remote, error) {
	auth, err := authMethods(cfg)
	if err != nil {
		return nil, err
	}
	keys, err := newHostKeys(cfg)
	if err != nil {
		return nil, err
	}
	return &remote{cfg: cfg, auth: auth, keys: keys, logger: logger}, nil
}

// op is one operation on the server. It calls kick whenever a transfer
// makes progress, which restarts the timeout.
type op func(c *pkgsftp.Client, kick func()) error

// do runs fn on the server, connecting first if needed. When the connection
// fails or is lost, it reconnects and runs fn again, up to MaxRetries times
// with exponential backoff; fn must therefore be safe to repeat. The server's
// own answers (no such file, permission denied) and fn's verdicts are
// returned at once. what names the operation in errors, e.g. `list "in"`.
func (r *remote) do(ctx context.Context, what string, fn op) error {
	reached, err := r.try(ctx, what, fn)
	if r.cfg.Reached != nil && ctx.Err() == nil && !errors.Is(err, transports.ErrClosed) {
		if reached {
			r.cfg.Reached(nil)
		} else {
			r.cfg.Reached(r.wrap(what, err))
		}
	}
	return r.wrap(what, err)
}

// try is do without the report: it says whether fn ran on the server.
func (r *remote) try(ctx context.Context, what string, fn op) (reached bool, err error) {
	retriedStale := false
	for attempt := 0; ; {
		s, fresh, err := r.acquire(ctx)
		if err == nil {
			err = r.run(ctx, s, fn)
			lost := connectionLost(err)
			r.release(s, lost)
			if !lost {
				return true, err
			}
			if !fresh && !retriedStale && ctx.Err() == nil {
				// The server may have dropped an idle connection: one
				// immediate retry on a new one, not counted.
				retriedStale = true
				r.logger.Debug("Connection lost; reconnecting at once", watermill.LogFields{"op": what, "error": err.Error()})
				continue
			}
		} else if !connectionLost(err) {
			return false, err
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if attempt >= r.cfg.MaxRetries {
			if attempt > 0 {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
			}
			return false, err
		}
		wait := backoff(r.cfg.Backoff, attempt)
		r.logger.Info("Connection failed; retrying", watermill.LogFields{"op": what, "error": err.Error(), "attempt": attempt + 1, "wait": wait.String()})
		if serr := r.cfg.Sleep(ctx, wait); serr != nil {
			return false, err
		}
		attempt++
	}
}

// wrap puts the server and operation in front of err.
func (r *remote) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("sftp %s: %s: %w", r.cfg.Addr, what, err)
}

// backoff is the wait before retry number attempt+1: base doubled attempt
// times, at most MaxBackoff.
func backoff(base time.Duration, attempt int) time.Duration {
	wait := base
	for range attempt {
		if wait >= MaxBackoff/2 {
			return MaxBackoff
		}
		wait *= 2
	}
	return min(wait, MaxBackoff)
}

// run runs fn on s under the timeout; a timeout or a cancelled ctx closes
// the session, which makes fn return.
func (r *remote) run(ctx context.Context, s *session, fn op) error {
	var timedOut atomic.Bool
	timer := time.AfterFunc(r.cfg.Timeout, func() {
		timedOut.Store(true)
		s.close()
	})
	stop := context.AfterFunc(ctx, s.close)
	err := fn(s.sftp, func() { timer.Reset(r.cfg.Timeout) })
	timer.Stop()
	stop()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case timedOut.Load():
		return fmt.Errorf("server %w (%s)", ErrTimeout, r.cfg.Timeout)
	}
	return err
}

// acquire returns the current session, connecting first when there is
// none, and counts the caller as one of its users. fresh reports a session
// connected by this call.
func (r *remote) acquire(ctx context.Context) (s *session, fresh bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, false, fmt.Errorf("connection %w", transports.ErrClosed)
	}
	if r.sess == nil {
		sess, err := r.dial(ctx)
		if err != nil {
			return nil, false, err
		}
		r.sess, fresh = sess, true
	}
	r.active++
	return r.sess, fresh, nil
}

// release ends a user's turn on s; a lost session is closed and forgotten.
func (r *remote) release(s *session, lost bool) {
	r.mu.Lock()
	r.active--
	if lost && r.sess == s {
		r.sess = nil
	}
	r.mu.Unlock()
	if lost {
		s.close()
	}
}

// closeIdle logs out when no operation is running, so no connection stays
// open between polls for the server to drop.
func (r *remote) closeIdle() {
	r.mu.Lock()
	s := r.sess
	if r.active > 0 || s == nil {
		r.mu.Unlock()
		return
	}
	r.sess = nil
	r.mu.Unlock()
	s.close()
}

// close logs out and refuses further operations.
func (r *remote) close() {
	r.mu.Lock()
	s := r.sess
	r.sess, r.closed = nil, true
	r.mu.Unlock()
	if s != nil {
		s.close()
	}
}

// dial connects, checks the host key, logs in and starts SFTP, all within
// Timeout.
func (r *remote) dial(ctx context.Context) (*session, error) {
	d := net.Dialer{Timeout: r.cfg.Timeout}
	nc, err := d.DialContext(ctx, "tcp", r.cfg.Addr)
	if err != nil {
		return nil, r.connectError(err)
	}
	_ = nc.SetDeadline(time.Now().Add(r.cfg.Timeout))
	stop := context.AfterFunc(ctx, func() { _ = nc.Close() })
	defer stop()

	var refused error
	conf := &ssh.ClientConfig{
		User:              r.cfg.User,
		Auth:              r.auth,
		HostKeyCallback:   r.keys.callback(&refused),
		HostKeyAlgorithms: r.keys.algorithmsFor(nc.RemoteAddr()),
		ClientVersion:     clientVersion,
		Timeout:           r.cfg.Timeout,
	}
	c, chans, reqs, err := ssh.NewClientConn(nc, r.cfg.Addr, conf)
	if err != nil {
		_ = nc.Close()
		switch {
		case refused != nil:
			return nil, refused
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, fmt.Errorf("login %s %w (tried %s)", errtext.Quote(r.cfg.User), ErrLogin, r.triedMethods())
		}
		return nil, r.connectError(err)
	}
	client := ssh.NewClient(c, chans, reqs)
	sc, err := pkgsftp.NewClient(client, pkgsftp.UseFstat(true))
	if err != nil {
		_ = client.Close()
		return nil, r.connectError(err)
	}
	if ctx.Err() != nil {
		_ = sc.Close()
		_ = client.Close()
		return nil, ctx.Err()
	}
	_ = nc.SetDeadline(time.Time{})
	return &session{ssh: client, sftp: sc}, nil
}

// connectError words a failure to connect, naming a timeout as such.
func (r *remote) connectError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("connect: server %w (%s)", ErrTimeout, r.cfg.Timeout)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return err // says "dial tcp ..." itself
	}
	return fmt.Errorf("connect: %w", err)
}

// triedMethods names the login methods configured, for errors.
func (r *remote) triedMethods() string {
	var m []string
	if r.cfg.PrivateKeyFile != "" {
		m = append(m, "private key")
	}
	if r.cfg.Password != "" {
		m = append(m, "password")
	}
	return strings.Join(m, ", ")
}

// connectionLost reports whether err means the connection failed or may be
// broken, so the operation is worth retrying on a new one. The server's
// answers and pcsgate's own verdicts are not.
func connectionLost(err error) bool {
	var st *pkgsftp.StatusError
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrTimeout):
		return true
	case errors.As(err, &st):
		return st.FxCode() == pkgsftp.ErrSSHFxConnectionLost || st.FxCode() == pkgsftp.ErrSSHFxNoConnection
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrExist),
		errors.Is(err, errChanged), errors.Is(err, errTooBig),
		errors.Is(err, transports.ErrClosed), errors.Is(err, transports.ErrUnsafeName),
		errors.Is(err, ErrHostKey), errors.Is(err, ErrLogin), errors.Is(err, ErrKeyFile):
		return false
	}
	return true
}
