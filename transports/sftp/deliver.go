package sftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	pkgsftp "github.com/pkg/sftp"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// deliver downloads one queued file, hands its message to out and files it
// on the server once the consumer has acked. It returns false when the
// subscription must stop.
func (s *Subscriber) deliver(ctx context.Context, topic string, out chan<- *message.Message, c candidate) bool {
	defer s.release(c.name)
	log := s.logger.With(watermill.LogFields{"file": c.name})

	data, err := s.download(ctx, c)
	switch {
	case ctx.Err() != nil:
		return false
	case errors.Is(err, errChanged):
		log.Debug("File changed since it was listed; left for the next poll", nil)
		return true
	case err != nil:
		log.Error("Cannot download file; left for the next poll", err, nil)
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
	}
	select {
	case <-msg.Acked():
	case <-msg.Nacked():
	case <-ctx.Done():
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

// download reads the file c if it is still the regular file the listing
// saw: the same size and time before and after the read, and as many bytes
// as listed.
func (s *Subscriber) download(ctx context.Context, c candidate) ([]byte, error) {
	p := path.Join(s.cfg.Dir, c.name)
	var data []byte
	err := s.remote.do(ctx, "download "+errtext.Quote(p), func(cl *pkgsftp.Client, kick func()) error {
		f, err := cl.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := s.unchanged(f, c); err != nil {
			return err
		}
		buf := bytes.NewBuffer(make([]byte, 0, c.size))
		n, err := f.WriteTo(&capWriter{w: buf, limit: c.size, kick: kick})
		if err != nil {
			return err
		}
		if n != c.size {
			return errChanged // shrank while read
		}
		if err := s.unchanged(f, c); err != nil {
			return err
		}
		data = buf.Bytes()
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errChanged
	}
	return data, err
}

// unchanged checks the open file against what the listing saw.
func (s *Subscriber) unchanged(f *pkgsftp.File, c candidate) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() || info.Size() != c.size || !info.ModTime().Equal(c.mtime) {
		return errChanged
	}
	if info.Size() > s.cfg.MaxBytes {
		return &sizeError{name: c.name, size: info.Size(), limit: s.cfg.MaxBytes}
	}
	return nil
}

// capWriter takes at most limit bytes; more means the file grew while it
// was read. Each write counts as progress.
type capWriter struct {
	w     io.Writer
	n     int64
	limit int64
	kick  func()
}

func (w *capWriter) Write(p []byte) (int, error) {
	if w.n+int64(len(p)) > w.limit {
		return 0, errChanged
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	w.kick()
	return n, err
}

// sizeError reports a file over MaxBytes.
type sizeError struct {
	name        string
	size, limit int64
}

func (e *sizeError) Error() string {
	return fmt.Sprintf("file %s of %d bytes %s of %d bytes (max_bytes)", errtext.Quote(e.name), e.size, errTooBig, e.limit)
}

func (e *sizeError) Unwrap() error { return errTooBig }

// finish files an acked message's file: to the error folder when the
// consumer gave a failure reason and an error folder is set, else to the
// archive or away. Failures are logged; the file is then delivered again.
func (s *Subscriber) finish(name string, msg *message.Message) {
	log := s.logger.With(watermill.LogFields{"file": name, "message_uuid": msg.UUID})
	reason := msg.Metadata.Get(transports.MetaFailureReason)
	var err error
	switch {
	case reason != "" && s.cfg.Error != "":
		err = s.reject(name, reason)
	case s.cfg.Delete:
		err = s.remove(name)
	default:
		err = s.archive(name)
	}
	if err != nil {
		log.Error("Cannot archive or remove file on the server; it will be delivered again", err, nil)
		return
	}
	if reason != "" {
		log.Info("File rejected by the pipeline", watermill.LogFields{"reason": reason})
	}
	if s.cfg.DoneMarker {
		marker := path.Join(s.cfg.Dir, name+transports.DoneSuffix)
		err := s.remote.do(s.grace, "remove "+errtext.Quote(marker), func(c *pkgsftp.Client, _ func()) error {
			if err := c.Remove(marker); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		})
		if err != nil {
			log.Error("Cannot remove done marker", err, nil)
		}
	}
}

// remove deletes an acked file from Dir.
func (s *Subscriber) remove(name string) error {
	p := path.Join(s.cfg.Dir, name)
	return s.remote.do(s.grace, "remove "+errtext.Quote(p), func(c *pkgsftp.Client, _ func()) error {
		if err := c.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}

// archive moves an acked file to its day's folder in Archive.
func (s *Subscriber) archive(name string) error {
	dir := path.Join(s.cfg.Archive, s.cfg.Clock().UTC().Format("2006-01-02"))
	final, err := s.moveNoReplace(name, dir)
	if err == nil {
		s.logger.Trace("File archived", watermill.LogFields{"file": name, "archived_as": path.Join(dir, final)})
	}
	return err
}

// reject moves a file the pipeline refused to Error, with the reason in
// "<name>.error.txt" beside it.
func (s *Subscriber) reject(name, reason string) error {
	final, err := s.moveNoReplace(name, s.cfg.Error)
	if err != nil || final == "" {
		return err
	}
	p := path.Join(s.cfg.Error, final+".error.txt")
	line := oneLine(reason)
	return s.remote.do(s.grace, "write "+errtext.Quote(p), func(c *pkgsftp.Client, _ func()) error {
		f, err := c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		if err != nil {
			return err
		}
		_, err = f.Write([]byte(line))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// oneLine joins the reason's lines and bounds its length.
func oneLine(reason string) string {
	const maxReason = 4096
	var b bytes.Buffer
	for i, f := range bytes.Fields([]byte(reason)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.Write(f)
		if b.Len() > maxReason {
			b.Truncate(maxReason)
			break
		}
	}
	b.WriteByte('\n')
	return b.String()
}
