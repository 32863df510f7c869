package filedrop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// deliver reads one queued file, counted in fl, and hands its message to
// out, with the next of turns in its context; it stays counted until the
// consumer acks or nacks, and an acked file is left to be filed in the
// background. A file that is not delivered is uncounted at once. deliver
// returns false when the subscription must stop.
func (s *Subscriber) deliver(ctx context.Context, topic string, out chan<- *message.Message, c candidate, turns *transports.Turns, fl *flight) bool {
	held := true // its count in fl and its flight, until handed on
	defer func() {
		if held {
			s.release(c.name)
			fl.put(c.size)
		}
	}()
	reject := func(reason string, read fs.FileInfo) { // the filer ends the file's flight
		s.file(fileJob{name: c.name, reason: reason, read: read})
		fl.put(c.size)
		held = false
	}
	log := s.logger.With(watermill.LogFields{"file": c.name})

	if _, err := transports.SafeName(c.name); err != nil {
		reject(err.Error(), nil)
		return true
	}
	data, read, err := s.read(c)
	switch {
	case errors.Is(err, errNotReady):
		log.Debug("File changed since it was listed; left for the next scan", nil)
		return true
	case errors.Is(err, errTooBig), errors.Is(err, errRefused), errors.Is(err, fs.ErrPermission):
		reject(err.Error(), read)
		return true
	case err != nil:
		log.Error("Cannot read file; left for the next scan", err, nil)
		return true
	}

	msg := transports.NewMessage(data, s.cfg.Clock())
	msg.Metadata.Set(transports.MetaEndpoint, topic)
	msg.Metadata.Set(transports.MetaFilename, c.name)
	turn := turns.Next()
	msg.SetContext(transports.WithTurn(ctx, turn))
	select {
	case out <- msg:
	case <-ctx.Done():
		turn.Done()
		return false
	case <-s.closing:
		turn.Done()
		return false
	}
	held = false
	s.wg.Add(1) // the subscription's own count keeps Close waiting meanwhile
	go s.await(ctx, msg, c, read, turn, fl)
	return true
}

// await waits for the consumer's answer to msg, the message of file c
// (read is the file that was read), and files the file once acked. It then ends the message's turn and
// uncounts the file in fl.
func (s *Subscriber) await(ctx context.Context, msg *message.Message, c candidate, read fs.FileInfo, turn *transports.Turn, fl *flight) {
	name := c.name
	defer s.wg.Done()
	defer fl.put(c.size)
	defer turn.Done()
	select {
	case <-msg.Acked():
	case <-msg.Nacked():
	case <-ctx.Done():
	case <-s.closing:
	}
	// An ack wins over a Close or cancel that came at the same time.
	select {
	case <-msg.Acked():
		j := fileJob{name: name, reason: msg.Metadata.Get(transports.MetaFailureReason), uuid: msg.UUID, read: read}
		if msg.Metadata.Get(transports.MetaSealFiles) != "" {
			j.plain = msg.Payload
		}
		s.file(j)
		return // the filer ends the file's flight
	case <-msg.Nacked():
		s.logger.Debug("Message nacked; file left for redelivery", watermill.LogFields{"file": name, "message_uuid": msg.UUID})
	default:
	}
	s.release(name)
}

var (
	// errNotReady: the file is no longer what the scan saw.
	errNotReady = errors.New("changed since it was listed")
	// errTooBig: the file exceeds MaxBytes.
	errTooBig = errors.New("is larger than the limit")
	// errRefused: the name is not a file pcsgate reads (a link, a pipe,
	// a file with other names).
	errRefused = errors.New("is refused")
	// errSymlink: openInbox found a symbolic link.
	errSymlink = errors.New("is a symbolic link")
)

// read returns the content of the candidate file and what the opened file
// is. The file is opened without following a link or waiting on a named
// pipe, and the opened descriptor is judged: a regular file with one name
// only (a hard link to a file elsewhere is refused, errRefused), no larger
// than MaxBytes (errTooBig) and unchanged since the scan saw it
// (errNotReady otherwise).
func (s *Subscriber) read(c candidate) ([]byte, fs.FileInfo, error) {
	path := filepath.Join(s.cfg.Dir, c.name)
	f, err := openInbox(path)
	switch {
	case errors.Is(err, errSymlink):
		return nil, nil, fmt.Errorf("file %s %w: it is a symbolic link, a regular file expected", errtext.Quote(c.name), errRefused)
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, errNotReady
	case err != nil:
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, info, fmt.Errorf("file %s %w: it is %s, a regular file expected", errtext.Quote(c.name), errRefused, kindOf(info.Mode()))
	}
	if n, ok := linkCount(info); ok && n != 1 {
		if s.finishInterruptedMove(c.name, info) {
			return nil, nil, errNotReady // the move is done; nothing to read
		}
		return nil, info, fmt.Errorf("file %s %w: it has %d hard links, a file with one name expected", errtext.Quote(c.name), errRefused, n)
	}
	if info.Size() > s.cfg.MaxBytes {
		return nil, info, fmt.Errorf("file %s of %d bytes %w of %d bytes (max_bytes)", errtext.Quote(c.name), info.Size(), errTooBig, s.cfg.MaxBytes)
	}
	if info.Size() != c.size || !info.ModTime().Equal(c.mtime) {
		return nil, nil, errNotReady
	}
	data := make([]byte, info.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, nil, errNotReady // shrank while reading
		}
		return nil, nil, err
	}
	var one [1]byte
	if n, _ := f.Read(one[:]); n > 0 {
		return nil, nil, errNotReady // grew while reading
	}
	return data, info, nil
}

// kindOf names the kind of a file that is not a regular one.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	}
	return "not a regular file"
}

// Filing: a file whose message was acked, or that the transport refuses on
// its own, is moved out of the drop folder by a few background filers, so
// a subscription hands out the next file at once, even on a disk where
// each link and unlink takes a while. The file stays in flight until it
// is filed, so no listing queues it again. A crash before the move leaves
// the file in the folder; it is read again after the restart and pcsgate
// recognises its content as a duplicate.

const (
	// filers is how many files are moved at the same time.
	filers = 4
	// filingBacklog bounds the files waiting for a filer; a subscription
	// whose file finds it full waits.
	filingBacklog = 256
)

// fileJob is a file to move out of the drop folder.
type fileJob struct {
	name   string
	reason string      // why it goes to the error folder; "" for the archive
	uuid   string      // of its message, for the log; "" if never delivered
	read   fs.FileInfo // the file that was opened; nil if none was
	// plain is the content read, when the message asked for the file to
	// be kept sealed (transports.MetaSealFiles); nil: the file is moved.
	plain []byte
}

// startFilers starts the filers. The caller holds mu.
func (s *Subscriber) startFilers() {
	s.filing = make(chan fileJob, filingBacklog)
	for range filers {
		s.filers.Add(1)
		go s.filer(s.filing)
	}
}

// file hands a file in flight to the filers, which end its flight.
func (s *Subscriber) file(j fileJob) { s.filing <- j }

// filer moves files until Close closes jobs.
func (s *Subscriber) filer(jobs <-chan fileJob) {
	defer s.filers.Done()
	for j := range jobs {
		if j.reason != "" {
			s.reject(j)
		} else {
			s.archive(j)
		}
		s.release(j.name)
	}
}

// place files the job's file into dir: moved there, or kept there sealed
// when its message asked for that (a sealed copy already in one of the
// earlier folders counts as made). It returns the name it got there.
func (s *Subscriber) place(j fileJob, dir string, earlier ...string) (string, error) {
	if j.plain != nil {
		return s.sealRead(j.name, dir, j.plain, j.read, earlier)
	}
	return s.moveRead(j.name, dir, j.read)
}

// archive files a file into the archive folder of the day.
func (s *Subscriber) archive(j fileJob) {
	name, uuid := j.name, j.uuid
	now := s.cfg.Clock().UTC()
	dir := filepath.Join(s.cfg.Archive, now.Format("2006-01-02"))
	// A sealed copy made just before midnight and a stop is in the
	// previous day's folder.
	final, err := s.place(j, dir, filepath.Join(s.cfg.Archive, now.AddDate(0, 0, -1).Format("2006-01-02")))
	if err != nil {
		s.logger.Error("Cannot archive file; it will be delivered again", err, watermill.LogFields{"file": name, "message_uuid": uuid})
		return
	}
	s.forget(name)
	s.removeMarker(name)
	s.logger.Trace("File archived", watermill.LogFields{"file": name, "archived_as": final, "message_uuid": uuid})
}

// reject files a file into the error folder with the reason beside it.
func (s *Subscriber) reject(j fileJob) {
	name, reason := j.name, j.reason
	log := s.logger.With(watermill.LogFields{"file": name})
	final, err := s.place(j, s.cfg.Error)
	if err != nil {
		log.Error("Cannot move rejected file to the error folder", err, watermill.LogFields{"reason": reason})
		return
	}
	s.forget(name)
	s.removeMarker(name)
	if err := writeReason(filepath.Join(s.cfg.Error, reasonName(final)), reason); err != nil {
		log.Error("Cannot write the reason beside a rejected file", err, watermill.LogFields{"reason": reason})
	}
	// At error level, so an operator sees it without debug logging; the
	// reason stays in the reason file, since a message's problems may quote
	// its content.
	log.Error("File refused; its reason is beside it", errMovedToError,
		watermill.LogFields{"moved_as": final, "reason_file": reasonName(final)})
}

// errMovedToError marks the log line of a file moved to the error folder.
var errMovedToError = errors.New("moved to the error folder")

// errReplaced: the name no longer holds the file that was read.
var errReplaced = errors.New("was replaced since it was read; the new file is left for the next scan")

// moveRead moves the file name of the drop folder into dir, if it is
// still read, the file that was opened (any file when read is nil). A
// file put in its place since is left where it is, to be read in turn;
// one swapped in while moving is moved back.
func (s *Subscriber) moveRead(name, dir string, read fs.FileInfo) (string, error) {
	src := filepath.Join(s.cfg.Dir, name)
	if read != nil && !sameAs(src, read) {
		return "", fmt.Errorf("file %s %w", errtext.Quote(name), errReplaced)
	}
	final, err := s.move(src, dir, name)
	if err != nil || read == nil || sameAs(filepath.Join(dir, final), read) {
		return final, err
	}
	if _, err := s.move(filepath.Join(dir, final), s.cfg.Dir, name); err != nil {
		return "", fmt.Errorf("file %s %w, and cannot be moved back from %s: %w", errtext.Quote(name), errReplaced, errtext.Quote(final), err)
	}
	return "", fmt.Errorf("file %s %w", errtext.Quote(name), errReplaced)
}

// sameAs reports whether path (not followed if a link) is the file info
// describes: the same file, of the same size and modification time, since
// a file written after another was removed may get its number.
func sameAs(path string, info fs.FileInfo) bool {
	got, err := os.Lstat(path)
	return err == nil && os.SameFile(got, info) && got.Size() == info.Size() && got.ModTime().Equal(info.ModTime())
}

// maxNameBytes is the longest file name most file systems take.
const maxNameBytes = 255

// reasonSuffix ends the name of the file that gives a rejection's reason.
const reasonSuffix = ".error.txt"

// reasonName is the name of the reason file of a file moved to the error
// folder as name: "<name>.error.txt", or, where that is longer than a file
// name may be, name cut short on a character boundary with a hash of the
// whole name, so that two long names still get reason files of their own.
func reasonName(name string) string {
	if len(name)+len(reasonSuffix) <= maxNameBytes {
		return name + reasonSuffix
	}
	sum := sha256.Sum256([]byte(name))
	tag := "~" + hex.EncodeToString(sum[:6])
	keep := maxNameBytes - len(reasonSuffix) - len(tag)
	for keep > 0 && !utf8.RuneStart(name[keep]) {
		keep--
	}
	return strings.ToValidUTF8(name[:keep], "") + tag + reasonSuffix
}

// removeMarker deletes the done marker of name, if markers are in use.
func (s *Subscriber) removeMarker(name string) {
	if !s.cfg.DoneMarker {
		return
	}
	if err := os.Remove(filepath.Join(s.cfg.Dir, name+transports.DoneSuffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.logger.Error("Cannot remove done marker", err, watermill.LogFields{"file": name})
	}
}

// finishInterruptedMove reports whether the inbox file's second name is its
// own copy in the archive or error folder, left by a move that a crash
// stopped between linking and unlinking; it then removes the inbox name,
// which finishes the move. The file was committed before it was archived,
// so nothing is lost.
func (s *Subscriber) finishInterruptedMove(name string, info fs.FileInfo) bool {
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	dirs := []string{s.cfg.Error}
	if days, err := os.ReadDir(s.cfg.Archive); err == nil {
		for _, d := range days {
			if d.IsDir() {
				dirs = append(dirs, filepath.Join(s.cfg.Archive, d.Name()))
			}
		}
	}
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), stem) {
				continue
			}
			other, err := os.Lstat(filepath.Join(dir, e.Name()))
			if err == nil && os.SameFile(info, other) {
				if os.Remove(filepath.Join(s.cfg.Dir, name)) != nil {
					return false
				}
				s.logger.Info("Finished a move a stop interrupted", watermill.LogFields{"file": name, "moved_as": filepath.Join(dir, e.Name())})
				return true
			}
		}
	}
	return false
}
