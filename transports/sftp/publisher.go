package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	pkgsftp "github.com/pkg/sftp"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// SFTP extensions the Publisher uses when the server offers them.
const (
	extPosixRename = "posix-rename@openssh.com"
	extFsync       = "fsync@openssh.com"
)

// nameLocks is how many locks serialise uploads to the same file name.
const nameLocks = 64

// Publisher uploads messages as files to a partner's SFTP server.
//
// Each file is written as "<name><TempSuffix>", flushed to disk where the
// server supports it, closed and renamed to its final name, replacing a file
// of that name: the partner never sees half a file under the final name, and
// a retry with the same name replaces the file instead of adding a second
// one. Publish is safe from many goroutines and returns nil only once every
// file is in place. The topic is not used: Dir is the endpoint. Close is
// idempotent; it aborts uploads in progress, waits for the Publish calls to
// return and logs out.
type Publisher struct {
	cfg    PublisherConfig
	logger watermill.LoggerAdapter
	remote *remote

	stop    context.Context // done once Close is called
	stopNow context.CancelFunc

	closeMu sync.RWMutex // held for reading by Publish
	closed  bool
	locks   [nameLocks]sync.Mutex
}

// NewPublisher checks cfg and reads the key and known_hosts files it names.
// It does not connect: the first Publish does. A nil logger logs nothing.
func NewPublisher(cfg PublisherConfig, logger watermill.LoggerAdapter) (*Publisher, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid sftp config: %w", err)
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	logger = logger.With(watermill.LogFields{"transport": "sftp", "addr": cfg.Addr, "dir": cfg.Dir})
	r, err := newRemote(cfg.Connection, logger)
	if err != nil {
		return nil, fmt.Errorf("sftp: %w", err)
	}
	p := &Publisher{cfg: cfg, logger: logger, remote: r}
	p.stop, p.stopNow = context.WithCancel(context.Background())
	return p, nil
}

// Publish uploads each message as a file named after its
// transports.MetaOutName (else its UUID) plus the extension. An unsafe name
// (see transports.SafeName), or one ending like a temporary file or marker,
// is a transports.PermanentError wrapping transports.ErrUnsafeName. A lost
// connection is retried as Connection says; when the retries are used up the
// error is transient, so the pipeline tries again later. Publish stops at the
// first message that fails; the ones before it are delivered.
func (p *Publisher) Publish(_ string, msgs ...*message.Message) error {
	p.closeMu.RLock()
	defer p.closeMu.RUnlock()
	if p.closed {
		return fmt.Errorf("sftp publisher %w", transports.ErrClosed)
	}
	for _, msg := range msgs {
		if err := msg.Context().Err(); err != nil {
			return fmt.Errorf("sftp: message %s: %w", msg.UUID, err)
		}
		out := msg.Metadata.Get(transports.MetaOutName)
		if out == "" {
			out = msg.UUID
		}
		name, err := outName(out, p.cfg.Extension, p.cfg.TempSuffix)
		if err != nil {
			return transports.Permanent(fmt.Errorf("sftp: message %s: %w", msg.UUID, err))
		}
		if err := p.upload(msg.Context(), name, msg.Payload); err != nil {
			return fmt.Errorf("message %s: %w", msg.UUID, err)
		}
		p.logger.Trace("File uploaded", watermill.LogFields{"file": name, "message_uuid": msg.UUID})
	}
	return nil
}

// upload puts one file in place: temporary name, write, sync, close,
// rename. A retry truncates the temporary file and starts again.
func (p *Publisher) upload(ctx context.Context, name string, payload []byte) error {
	lock := p.lockFor(name)
	lock.Lock()
	defer lock.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	unlink := context.AfterFunc(p.stop, cancel)
	defer unlink()

	final := path.Join(p.cfg.Dir, name)
	part := final + p.cfg.TempSuffix
	return p.remote.do(ctx, "upload "+errtext.Quote(final), func(c *pkgsftp.Client, kick func()) error {
		err := write(c, part, payload, kick)
		if err == nil {
			err = rename(c, part, final)
		}
		if err != nil && !connectionLost(err) {
			// The server refused a step: leave no temporary file behind.
			// (After a lost connection, the retry overwrites it.)
			_ = c.Remove(part)
		}
		return err
	})
}

// write creates or truncates the file at p and writes payload to it,
// synced to disk where the server supports that.
func write(c *pkgsftp.Client, p string, payload []byte, kick func()) error {
	f, err := c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return err
	}
	_, err = f.ReadFromWithConcurrency(&progressReader{r: bytes.NewReader(payload), kick: kick}, 0)
	if err == nil {
		if _, ok := c.HasExtension(extFsync); ok {
			err = f.Sync()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rename moves part over final in one step where the server offers
// posix-rename; elsewhere it removes final first, so final is briefly
// absent but never partial.
func rename(c *pkgsftp.Client, part, final string) error {
	if _, ok := c.HasExtension(extPosixRename); ok {
		err := c.PosixRename(part, final)
		var st *pkgsftp.StatusError
		if !errors.As(err, &st) || st.FxCode() != pkgsftp.ErrSSHFxOpUnsupported {
			return err
		}
	}
	if err := c.Remove(final); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return c.Rename(part, final)
}

// progressReader counts each read as progress of the upload.
type progressReader struct {
	r    io.Reader
	kick func()
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if n > 0 {
		r.kick()
	}
	return n, err
}

// lockFor returns the lock serialising uploads to name.
func (p *Publisher) lockFor(name string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return &p.locks[h.Sum32()%nameLocks]
}

// Close stops accepting messages, aborts uploads in progress (their
// Publish calls fail and the pipeline retries them later) and logs out.
func (p *Publisher) Close() error {
	p.stopNow()
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	p.closed = true
	p.remote.close()
	return nil
}

// Interface guard.
var _ message.Publisher = (*Publisher)(nil)
