package filedrop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

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
	reject := func(reason string) { // the filer ends the file's flight
		s.file(fileJob{name: c.name, reason: reason})
		fl.put(c.size)
		held = false
	}
	log := s.logger.With(watermill.LogFields{"file": c.name})

	if _, err := transports.SafeName(c.name); err != nil {
		reject(err.Error())
		return true
	}
	data, err := s.read(c)
	switch {
	case errors.Is(err, errNotReady):
		log.Debug("File changed since it was listed; left for the next scan", nil)
		return true
	case errors.Is(err, errTooBig), errors.Is(err, fs.ErrPermission):
		reject(err.Error())
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
	go s.await(ctx, msg, c, turn, fl)
	return true
}

// await waits for the consumer's answer to msg, the message of file c,
// and files the file once acked. It then ends the message's turn and
// uncounts the file in fl.
func (s *Subscriber) await(ctx context.Context, msg *message.Message, c candidate, turn *transports.Turn, fl *flight) {
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
		s.file(fileJob{name: name, reason: msg.Metadata.Get(transports.MetaFailureReason), uuid: msg.UUID})
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
)

// read returns the content of the candidate file if it is still the regular
// file the scan saw, with the same size and modification time.
func (s *Subscriber) read(c candidate) ([]byte, error) {
	path := filepath.Join(s.cfg.Dir, c.name)
	linfo, err := os.Lstat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errNotReady
		}
		return nil, err
	}
	if !linfo.Mode().IsRegular() {
		return nil, errNotReady
	}
	if linfo.Size() > s.cfg.MaxBytes {
		return nil, fmt.Errorf("file %s of %d bytes %w of %d bytes (max_bytes)", errtext.Quote(c.name), linfo.Size(), errTooBig, s.cfg.MaxBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errNotReady
		}
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// The same file as listed (not swapped for a link), unchanged.
	if !os.SameFile(linfo, info) || info.Size() != c.size || !info.ModTime().Equal(c.mtime) {
		return nil, errNotReady
	}
	data := make([]byte, info.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errNotReady // shrank while reading
		}
		return nil, err
	}
	var one [1]byte
	if n, _ := f.Read(one[:]); n > 0 {
		return nil, errNotReady // grew while reading
	}
	return data, nil
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
	reason string // why it goes to the error folder; "" for the archive
	uuid   string // of its message, for the log; "" if never delivered
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
			s.reject(j.name, j.reason)
		} else {
			s.archive(j.name, j.uuid)
		}
		s.release(j.name)
	}
}

// archive moves a file into the archive folder of the day.
func (s *Subscriber) archive(name, uuid string) {
	dir := filepath.Join(s.cfg.Archive, s.cfg.Clock().UTC().Format("2006-01-02"))
	final, err := s.move(filepath.Join(s.cfg.Dir, name), dir, name)
	if err != nil {
		s.logger.Error("Cannot archive file; it will be delivered again", err, watermill.LogFields{"file": name, "message_uuid": uuid})
		return
	}
	s.forget(name)
	s.removeMarker(name)
	s.logger.Trace("File archived", watermill.LogFields{"file": name, "archived_as": final, "message_uuid": uuid})
}

// reject moves a file to the error folder with the reason beside it.
func (s *Subscriber) reject(name, reason string) {
	log := s.logger.With(watermill.LogFields{"file": name})
	final, err := s.move(filepath.Join(s.cfg.Dir, name), s.cfg.Error, name)
	if err != nil {
		log.Error("Cannot move rejected file to the error folder", err, watermill.LogFields{"reason": reason})
		return
	}
	s.forget(name)
	s.removeMarker(name)
	if err := writeReason(filepath.Join(s.cfg.Error, final+".error.txt"), reason); err != nil {
		log.Error("Cannot write the reason beside a rejected file", err, watermill.LogFields{"reason": reason})
	}
	log.Info("File moved to the error folder", watermill.LogFields{"moved_as": final, "reason": reason})
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
