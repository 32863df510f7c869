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

	"github.com/nexport/pcsgate/transports"
)

// deliver reads one queued file, hands its message to out and files it once
// the consumer has acked. It returns false when the subscription must stop.
func (s *Subscriber) deliver(ctx context.Context, topic string, out chan<- *message.Message, c candidate) bool {
	defer s.release(c.name)
	log := s.logger.With(watermill.LogFields{"file": c.name})

	if _, err := transports.SafeName(c.name); err != nil {
		s.reject(c.name, err.Error())
		return true
	}
	data, err := s.read(c)
	switch {
	case errors.Is(err, errNotReady):
		log.Debug("File changed since it was listed; left for the next scan", nil)
		return true
	case errors.Is(err, errTooBig), errors.Is(err, fs.ErrPermission):
		s.reject(c.name, err.Error())
		return true
	case err != nil:
		log.Error("Cannot read file; left for the next scan", err, nil)
		return true
	}

	msg := transports.NewMessage(data, s.cfg.Clock())
	msg.Metadata.Set(transports.MetaEndpoint, topic)
	msg.Metadata.Set(transports.MetaFilename, c.name)
	msg.SetContext(ctx)
	select {
	case out <- msg:
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
	select {
	case <-msg.Acked():
	case <-msg.Nacked():
	case <-ctx.Done():
	case <-s.closing:
	}
	// An ack wins over a Close or cancel that came at the same time.
	select {
	case <-msg.Acked():
		s.finish(c.name, msg)
		return true
	case <-msg.Nacked():
		log.Debug("Message nacked; file left for redelivery", watermill.LogFields{"message_uuid": msg.UUID})
		return true
	default:
		return false
	}
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
		return nil, fmt.Errorf("file %s of %d bytes %w of %d bytes (max_bytes)", transports.Quote(c.name), linfo.Size(), errTooBig, s.cfg.MaxBytes)
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

// finish files an acked message's file: to the error folder when the
// consumer gave a failure reason, else to the archive.
func (s *Subscriber) finish(name string, msg *message.Message) {
	if reason := msg.Metadata.Get(transports.MetaFailureReason); reason != "" {
		s.reject(name, reason)
		return
	}
	dir := filepath.Join(s.cfg.Archive, s.cfg.Clock().UTC().Format("2006-01-02"))
	final, err := moveNoReplace(filepath.Join(s.cfg.Dir, name), dir, name)
	if err != nil {
		s.logger.Error("Cannot archive file; it will be delivered again", err, watermill.LogFields{"file": name, "message_uuid": msg.UUID})
		return
	}
	s.removeMarker(name)
	s.logger.Trace("File archived", watermill.LogFields{"file": name, "archived_as": final, "message_uuid": msg.UUID})
}

// reject moves a file to the error folder with the reason beside it.
func (s *Subscriber) reject(name, reason string) {
	log := s.logger.With(watermill.LogFields{"file": name})
	final, err := moveNoReplace(filepath.Join(s.cfg.Dir, name), s.cfg.Error, name)
	if err != nil {
		log.Error("Cannot move rejected file to the error folder", err, watermill.LogFields{"reason": reason})
		return
	}
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
