package filedrop

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// nameLocks is how many locks serialise writes to the same file name.
const nameLocks = 64

// Publisher delivers messages as files into a folder. Publish is safe from
// many goroutines and returns nil only once every file is synced to disk
// and visible under its final name (unless NoSync is set). The topic is not
// used: the folder is the endpoint. Close is idempotent; it waits for
// Publish calls in progress.
type Publisher struct {
	cfg    PublisherConfig
	logger watermill.LoggerAdapter
	// anon: files are written without a name and named once complete
	// (see openAnon); else as "<name>.part", renamed once complete. Set
	// where the outbox's file system can, and cleared for good if it
	// turns out it cannot.
	anon atomic.Bool
	// chmod: the umask would clear bits of FileMode, so each file's mode
	// is set after it is created.
	chmod bool

	closeMu sync.RWMutex // held for reading by Publish
	closed  bool
	locks   [nameLocks]sync.Mutex

	stageMu sync.Mutex
	staged  []stagedFile // written by Stage, renamed by Flush
}

// errNoAnon: the outbox's file system cannot hold a file without a name.
var errNoAnon = errors.New("files without a name are not supported here")

// partSuffix ends the temporary name of an outbound file written where
// files cannot be written without a name.
const partSuffix = ".part"

// stagedFile is a written file not yet visible under its final name:
// without a name (anon), or under "<final>.part". The file is open until
// Flush, except a ".part" file when NoSync is set (nil f). payload is what
// was written, to recognise the file if its name exists already.
type stagedFile struct {
	final   string
	f       *os.File
	anon    bool
	payload []byte
}

func (s stagedFile) part() string { return s.final + partSuffix }

// reveal gives a synced and, unless anon, closed file its final name by
// linking it there; an anon file is closed, a ".part" name removed. A name
// that holds the same content already is a delivery done before (a batch
// delivered again after a crash): it is left as it is and counts as done,
// so no name is written twice for one message. A name that holds other
// content (a corrected resend of an acknowledgement) is replaced as a
// rename would. The caller's sync of the folder makes the name durable;
// the inode is not synced again (see README, Performance, for what that
// leaves to e2fsck on ext4 without a journal).
func (s stagedFile) reveal() error {
	kept := func() (bool, error) { return holds(s.final, s.payload) }
	if s.anon {
		// stage did not look for the name first: a ".part" name a stop
		// left beside a file delivered before goes here.
		err := linkAnon(s.f, s.final, func() (bool, error) { return deliveredBefore(s.final, s.payload) })
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	err := os.Link(s.part(), s.final)
	if errors.Is(err, fs.ErrExist) {
		var keep bool
		if keep, err = kept(); err == nil && !keep {
			return os.Rename(s.part(), s.final)
		}
	}
	if rerr := os.Remove(s.part()); err == nil {
		err = rerr
	}
	return err
}

// deliveredBefore reports whether the file final holds payload already,
// its delivery done before, and then removes a "<final>.part" name that a
// stop between linking and unlinking may have left.
func deliveredBefore(final string, payload []byte) (bool, error) {
	done, err := holds(final, payload)
	if done {
		if rerr := os.Remove(final + partSuffix); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return true, rerr
		}
	}
	return done, err
}

// holds reports whether the file final exists with content payload.
func holds(final string, payload []byte) (bool, error) {
	info, err := os.Lstat(final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !info.Mode().IsRegular() || info.Size() != int64(len(payload)):
		return false, nil
	}
	got, err := os.ReadFile(final)
	if err != nil {
		return false, err
	}
	return bytes.Equal(got, payload), nil
}

// discard closes the file and removes what is left of it.
func (s stagedFile) discard() {
	if s.f != nil {
		_ = s.f.Close()
	}
	if !s.anon {
		_ = os.Remove(s.part())
	}
}

// maxStaged bounds the files Stage keeps open; the next Stage flushes.
const maxStaged = 256

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
	p := &Publisher{cfg: cfg, logger: logger.With(watermill.LogFields{"transport": "filedrop", "dir": cfg.Dir})}
	p.anon.Store(canAnon(cfg.Dir))
	p.chmod = !umaskKeeps(cfg.FileMode)
	return p, nil
}

// Publish writes each message as a file named after its
// transports.MetaOutName (else its UUID) plus the extension. An unsafe name
// (see transports.SafeName), or one ending in .part, .tmp or .done, is a
// transports.PermanentError wrapping transports.ErrUnsafeName. A name that
// holds the message's content already counts as delivered before and is
// not written again; one that holds other content is replaced. It stops at
// the first message that fails; the ones before it are delivered.
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
		if err := transports.SyncDir(p.cfg.Dir); err != nil {
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
		return "", fmt.Errorf("file name %s %w: ends like a temporary file or marker", errtext.Quote(name), transports.ErrUnsafeName)
	}
	if !strings.HasSuffix(name, p.cfg.Extension) {
		name += p.cfg.Extension
	}
	return transports.SafeName(name)
}

// write delivers one file: written, synced, named.
func (p *Publisher) write(name string, payload []byte) error {
	lock := p.lockFor(name)
	lock.Lock()
	defer lock.Unlock()
	final := filepath.Join(p.cfg.Dir, name)
	if done, err := deliveredBefore(final, payload); done || err != nil {
		return err
	}
	s, err := p.create(final, payload)
	if err != nil {
		return err
	}
	if !p.cfg.NoSync {
		err = s.f.Sync()
	}
	if err == nil && !s.anon {
		err = s.f.Close()
	}
	if err == nil {
		err = s.reveal()
	}
	if err != nil {
		s.discard()
	}
	return err
}

// create writes payload to a new file that becomes final once revealed,
// and returns it open; nothing is left behind when it fails.
func (p *Publisher) create(final string, payload []byte) (stagedFile, error) {
	s := stagedFile{final: final, payload: payload}
	var err error
	if p.anon.Load() {
		s.f, err = openAnon(p.cfg.Dir, p.cfg.FileMode)
		switch {
		case errors.Is(err, errNoAnon):
			p.anon.Store(false)
		case err != nil:
			return stagedFile{}, err
		default:
			s.anon = true
		}
	}
	if !s.anon {
		if s.f, err = os.OpenFile(s.part(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, p.cfg.FileMode); err != nil {
			return stagedFile{}, err
		}
	}
	_, err = s.f.Write(payload)
	if err == nil && p.chmod {
		err = s.f.Chmod(p.cfg.FileMode) // exact mode, whatever the umask
	}
	if err != nil {
		s.discard()
		return stagedFile{}, err
	}
	return s, nil
}

// Stage writes msgs like Publish, but leaves each without a name, or under
// its "<name>.part" name, which partners skip: nothing is visible until
// Flush. A delivery stage that acknowledges messages in batches stages
// each message and flushes once before the batch's acknowledgement is
// recorded, so the files of a batch share the cost of syncing to disk.
// Errors are those of Publish.
func (p *Publisher) Stage(_ string, msgs ...*message.Message) error {
	p.closeMu.RLock()
	defer p.closeMu.RUnlock()
	if p.closed {
		return fmt.Errorf("filedrop publisher %w", transports.ErrClosed)
	}
	for _, msg := range msgs {
		name, err := p.fileName(msg)
		if err != nil {
			return transports.Permanent(fmt.Errorf("filedrop: message %s: %w", msg.UUID, err))
		}
		if err := p.stage(name, msg.Payload); err != nil {
			return fmt.Errorf("filedrop: message %s: %w", msg.UUID, err)
		}
	}
	return nil
}

func (p *Publisher) stage(name string, payload []byte) error {
	p.stageMu.Lock()
	full := len(p.staged) >= maxStaged
	p.stageMu.Unlock()
	if full {
		if err := p.Flush(); err != nil {
			return err
		}
	}
	lock := p.lockFor(name)
	lock.Lock()
	final := filepath.Join(p.cfg.Dir, name)
	// A file without a name is named by a link, which never replaces a
	// name and finds one delivered before (see reveal); looking for the
	// name first costs a lookup per file in a growing folder.
	var done bool
	var err error
	if !p.anon.Load() {
		done, err = deliveredBefore(final, payload)
	}
	var s stagedFile
	if !done && err == nil {
		s, err = p.create(final, payload)
	}
	lock.Unlock()
	if done || err != nil {
		return err
	}
	if p.cfg.NoSync && !s.anon {
		if err := s.f.Close(); err != nil {
			s.discard()
			return err
		}
		s.f = nil
	}
	p.stageMu.Lock()
	defer p.stageMu.Unlock()
	for i, old := range p.staged {
		if old.final == s.final { // staged again before a flush: one file
			if old.f != nil {
				_ = old.f.Close() // a ".part" file was rewritten in place
			}
			p.staged[i] = s
			return nil
		}
	}
	p.staged = append(p.staged, s)
	return nil
}

// Flush syncs every staged file to disk, gives each its final name and
// syncs the folder once (no syncing when NoSync is set). A batch of
// syncFSFrom files or more is synced with one syncfs(2) of the outbox's
// file system on Linux (see PublisherConfig.SyncEachFile); otherwise the
// files are synced side by side, which a disk serves in a fraction of the
// time of one after the other. It returns the first error; staged files
// are dropped either way, since a failed flush means their messages are
// delivered again.
func (p *Publisher) Flush() error {
	p.stageMu.Lock()
	staged := p.staged
	p.staged = nil
	p.stageMu.Unlock()
	if len(staged) == 0 {
		return nil
	}
	errs := make([]error, len(staged))
	wide := !p.cfg.NoSync && !p.cfg.SyncEachFile && canSyncFS && len(staged) >= syncFSFrom
	p.syncAll(staged, errs, !p.cfg.NoSync && !wide)
	if wide {
		if err := syncFS(p.cfg.Dir); err != nil {
			for i := range errs {
				errs[i] = cmp.Or(errs[i], fmt.Errorf("sync file system: %w", err))
			}
		}
	}
	var first error
	for i, s := range staged {
		err := errs[i]
		if err == nil {
			lock := p.lockFor(filepath.Base(s.final))
			lock.Lock()
			err = s.reveal()
			lock.Unlock()
		}
		if err != nil {
			s.discard()
			if first == nil {
				first = err
			}
		}
	}
	if first == nil && !p.cfg.NoSync {
		if err := transports.SyncDir(p.cfg.Dir); err != nil {
			first = fmt.Errorf("sync folder: %w", err)
		}
	}
	if first != nil {
		return fmt.Errorf("filedrop: %w", first)
	}
	p.logger.Trace("Staged files delivered", watermill.LogFields{"files": len(staged)})
	return nil
}

// maxSyncers bounds the files synced at the same time by Flush.
const maxSyncers = 8

// syncFSFrom is the smallest batch Flush makes durable with one sync of
// the file system rather than one sync per file.
const syncFSFrom = 4

// syncAll syncs each staged file when each is set (up to maxSyncers at a
// time) and closes the ".part" ones, recording each file's error in errs.
// Files without a name stay open: they are named through their descriptor.
func (p *Publisher) syncAll(staged []stagedFile, errs []error, each bool) {
	syncOne := func(i int) {
		s := staged[i]
		if s.f == nil {
			return
		}
		var err error
		if each {
			err = s.f.Sync()
		}
		if !s.anon {
			if cerr := s.f.Close(); err == nil {
				err = cerr
			}
		}
		errs[i] = err
	}
	workers := min(maxSyncers, len(staged))
	if !each || workers <= 1 {
		for i := range staged {
			syncOne(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				syncOne(i)
			}
		}()
	}
	for i := range staged {
		next <- i
	}
	close(next)
	wg.Wait()
}

// lockFor returns the lock serialising writes to name.
func (p *Publisher) lockFor(name string) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	return &p.locks[h.Sum32()%nameLocks]
}

// Close stops accepting messages. It waits for Publish calls in progress.
// Files staged and not flushed are closed: those without a name are gone,
// ".part" files are left; their messages were not acknowledged and are
// delivered again.
func (p *Publisher) Close() error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	p.closed = true
	p.stageMu.Lock()
	defer p.stageMu.Unlock()
	for _, s := range p.staged {
		if s.f != nil {
			_ = s.f.Close()
		}
	}
	p.staged = nil
	return nil
}

// Interface guard.
var _ message.Publisher = (*Publisher)(nil)
