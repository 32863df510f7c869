package sftp

import (
	"cmp"
	"context"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	pkgsftp "github.com/pkg/sftp"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// maxQueued bounds how many ready files wait for a consumer. Files beyond it
// stay on the server and are queued by a later poll.
const maxQueued = 10000

// observation is what a listing saw of one file, for Settle.
type observation struct {
	size  int64
	mtime time.Time
	since time.Time // Clock time the file was first listed with this size and mtime
}

// candidate is a file ready to be delivered, as the listing saw it.
type candidate struct {
	name  string
	size  int64
	mtime time.Time
}

// poll lists Dir, queues the files that are complete and returns their
// names.
func (s *Subscriber) poll(ctx context.Context) ([]string, error) {
	s.pollMu.Lock()
	defer s.pollMu.Unlock()

	var entries []os.FileInfo
	err := s.remote.do(ctx, "list "+errtext.Quote(s.cfg.Dir), func(c *pkgsftp.Client, _ func()) error {
		var err error
		entries, err = c.ReadDir(s.cfg.Dir)
		return err
	})
	if err != nil {
		s.closeIfIdle()
		return nil, err
	}
	names := s.enqueue(s.complete(entries))
	s.closeIfIdle()
	return names, nil
}

// complete picks the listed files that are ready, oldest first, and
// reports (once) those it will never take as they are.
func (s *Subscriber) complete(entries []os.FileInfo) []candidate {
	now := s.cfg.Clock()
	markers := map[string]bool{}
	present := map[string]bool{}
	var ready []candidate
	for _, e := range entries {
		name := e.Name()
		if s.cfg.DoneMarker && name != "" && name[0] != '.' && strings.HasSuffix(name, transports.DoneSuffix) {
			markers[strings.TrimSuffix(name, transports.DoneSuffix)] = true
		}
	}
	for _, e := range entries {
		name := e.Name()
		if transports.Ignored(name) || !e.Mode().IsRegular() || !transports.Included(name, s.cfg.Include) {
			continue
		}
		present[name] = true
		c := candidate{name: name, size: e.Size(), mtime: e.ModTime()}
		if !s.takeable(c) {
			continue
		}
		if s.cfg.DoneMarker {
			if markers[name] {
				ready = append(ready, c)
			}
			continue
		}
		if s.settling(c, now) {
			continue
		}
		ready = append(ready, c)
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}
	for name := range s.reported {
		if !present[name] {
			delete(s.reported, name)
		}
	}
	slices.SortFunc(ready, func(a, b candidate) int {
		return cmp.Or(a.mtime.Compare(b.mtime), cmp.Compare(a.name, b.name))
	})
	return ready
}

// takeable reports whether c may be delivered at all; files that may not
// are left on the server and logged once per size.
func (s *Subscriber) takeable(c candidate) bool {
	var why string
	switch _, err := transports.SafeName(c.name); {
	case err != nil:
		why = err.Error()
	case c.size == 0:
		if s.reportOnce(c) {
			s.logger.Info("Empty file left on the server", watermill.LogFields{"file": c.name})
		}
		return false
	case c.size > s.cfg.MaxBytes:
		why = (&sizeError{name: c.name, size: c.size, limit: s.cfg.MaxBytes}).Error()
	default:
		delete(s.reported, c.name)
		return true
	}
	if s.reportOnce(c) {
		s.logger.Error("File left on the server, not taken", nil, watermill.LogFields{"file": c.name, "reason": why})
	}
	return false
}

// reportOnce records that c is reported and reports whether it was not
// already, at this size.
func (s *Subscriber) reportOnce(c candidate) bool {
	if size, ok := s.reported[c.name]; ok && size == c.size {
		return false
	}
	s.reported[c.name] = c.size
	return true
}

// settling reports whether c must wait for Settle: it is ready once it was
// listed with the same size and time at least Settle ago.
func (s *Subscriber) settling(c candidate, now time.Time) bool {
	if s.cfg.Settle <= 0 {
		return false
	}
	obs, ok := s.seen[c.name]
	if !ok || obs.size != c.size || !obs.mtime.Equal(c.mtime) {
		s.seen[c.name] = observation{size: c.size, mtime: c.mtime, since: now}
		return true
	}
	return now.Sub(obs.since) < s.cfg.Settle
}

// enqueue queues the candidates that are neither queued nor in flight and
// wakes a subscription. It returns the names queued.
func (s *Subscriber) enqueue(ready []candidate) []string {
	return s.queue.Add(ready, func(c candidate) string { return c.name })
}

// pop takes the next queued file and marks it in flight.
func (s *Subscriber) pop() (candidate, bool) { return s.queue.Pop() }

// release ends a file's flight: it may be queued again later.
func (s *Subscriber) release(name string) { s.queue.Release(name) }

// closeIfIdle logs out when no file is queued or in flight, so no
// connection stays open between polls.
func (s *Subscriber) closeIfIdle() {
	if s.queue.Idle() {
		s.remote.closeIdle()
	}
}

// wake signals one waiting subscription; it never blocks.
func (s *Subscriber) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
