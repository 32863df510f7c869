package filedrop

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
)

// nameLocks is how many locks serialise writes to the same file name.
const nameLocks = 64

// Publisher delivers messages as files into a folder. Publish is safe from
// many goroutines and returns nil only once every file is synced to disk and
// renamed to its final name (unless NoSync is set). The topic is not used: the folder is the
// endpoint. Close is idempotent; it waits for Publish calls in progress.
type Publisher struct {
	cfg    PublisherConfig
	logger watermill.LoggerAdapter

	closeMu sync.RWMutex // held for reading by Publish
	closed  bool
	locks   [nameLocks]sync.Mutex
}

// NewPublisher checks cfg and creates the folder if it is missing. A nil
// logger logs nothing.
func NewPublisher(cfg PublisherConfig, logger watermill.LoggerAdapter) (*Publisher, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid filedrop config: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("filedrop: %w", err)
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	return &Publisher{cfg: cfg, logger: logger.With(watermill.LogFields{"transport": "filedrop", "dir": cfg.Dir})}, nil
}

// Publish writes each message as a file named after its
// transports.MetaOutName (else its UUID) plus the extension. An unsafe name
// (see transports.SafeName), or one ending in .part, .tmp or .done, is a
// transports.PermanentError wrapping transports.ErrUnsafeName. It stops
// at the first message that fails; the ones before it are delivered.
func (p *Publisher) Publish(_ string, msgs ...*message.Message) error {
	p.closeMu.RLock()
	defer p.closeMu.RUnlock()
	if p.closed {
		return fmt.Errorf("filedrop publisher %w", transports.ErrClosed)
	}
	for _, msg := range msgs {
		if err := msg.Context().Err(); err != nil {
			return fmt.Errorf("filedrop: message %s: %w", msg.UUID, err)
		}
		name, err := p.fileName(msg)
		if err != nil {
			return transports.Permanent(fmt.Errorf("filedrop: message %s: %w", msg.UUID, err))
		}
		if err := p.write(name, msg.Payload); err != nil {
			return fmt.Errorf("filedrop: message %s: %w", msg.UUID, err)
		}
		p.logger.Trace("File delivered", watermill.LogFields{"file": name, "message_uuid": msg.UUID})
	}
	if len(msgs) > 0 && !p.cfg.NoSync {
		if err := syncDir(p.cfg.Dir); err != nil {
			return fmt.Errorf("filedrop: sync folder: %w", err)
		}
	}
	return nil
}

// fileName is the final file name of msg.
func (p *Publisher) fileName(msg *message.Message) (string, error) {
	name := msg.Metadata.Get(transports.MetaOutName)
	if name == "" {
		name = msg.UUID
	}
	if _, err := transports.SafeName(name); err != nil {
		return "", err
	}
	if transports.IgnoredSuffix(name) || strings.HasSuffix(name, transports.DoneSuffix) {
		// Partners skip such names as unfinished or as markers.
		return "", fmt.Errorf("file name %s %w: ends like a temporary file or marker", transports.Quote(name), transports.ErrUnsafeName)
	}
	if !strings.HasSuffix(name, p.cfg.Extension) {
		name += p.cfg.Extension
	}
	return transports.SafeName(name)
}

// write delivers one file: "<name>.part", sync, rename.
func (p *Publisher) write(name string, payload []byte) (err error) {
	lock := p.lockFor(name)
	lock.Lock()
	defer lock.Unlock()

	final := filepath.Join(p.cfg.Dir, name)
	part := final + ".part"
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, p.cfg.FileMode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(part)
		}
	}()
	_, err = f.Write(payload)
	if err == nil {
		err = f.Chmod(p.cfg.FileMode) // exact mode, whatever the umask
	}
	if err == nil && !p.cfg.NoSync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(part, final)
}

// lockFor returns the lock serialising writes to name.
func (p *Publisher) lockFor(name string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return &p.locks[h.Sum32()%nameLocks]
}

// Close stops accepting messages. It waits for Publish calls in progress.
func (p *Publisher) Close() error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	p.closed = true
	return nil
}

// syncDir makes renames in dir durable. Windows cannot sync a folder, and
// does not need to.
func syncDir(dir string) error {
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

// Interface guard.
var _ message.Publisher = (*Publisher)(nil)
