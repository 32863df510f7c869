package filedrop

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/nexport/pcsgate/transports"
)

// maxQueued bounds how many ready files wait for a consumer. Files beyond it
// stay in the folder and are queued by a later listing.
const maxQueued = 10000

// observation is what pcsgate last saw of one file in the drop folder.
type observation struct {
	size  int64
	mtime time.Time
	since time.Time // Clock time the file was first seen with this size and mtime
	timed bool      // the file has an entry in the settle timetable
}

// candidate is a file ready to be delivered.
type candidate struct {
	name  string
	size  int64
	mtime time.Time
}

// A file is observed in three ways, all under obsMu: a notification for
// its name (look), the settle timetable coming due (checkDue), and a listing
// of the whole folder (scan). Each costs one lstat() per file looked at; a
// listing looks only at files that are neither queued, in flight nor still
// settling, so with a backlog it costs little more than reading the folder.

// scan lists the folder, observes the files that need it and queues the
// files that are now complete. It returns the names it queued.
func (s *Subscriber) scan() ([]string, error) {
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	s.listings.Add(1)
	entries, err := readDir(s.cfg.Dir)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Clock()
	var markers map[string]bool
	if s.cfg.DoneMarker {
		markers = map[string]bool{}
		for _, e := range entries {
			if base, ok := s.markerOf(e.Name()); ok {
				markers[base] = true
			}
		}
	}
	present := make(map[string]bool, len(entries))
	var ready []candidate
	for _, e := range entries {
		name := e.Name()
		// Any entry but a folder: a link, pipe or other special file is
		// taken too, to be refused and moved to the error folder.
		if !s.wanted(name) || e.IsDir() {
			continue
		}
		present[name] = true
		if s.queue.Holds(name) {
			continue // queued or in flight: nothing to learn
		}
		if s.cfg.DoneMarker && !markers[name] {
			continue
		}
		if obs, ok := s.seen[name]; ok && obs.timed && now.Sub(obs.since) < s.cfg.Settle {
			continue // settling: the timetable looks at it when due
		}
		s.lstats.Add(1)
		info, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		if c, ok := s.observe(name, info, now); ok {
			ready = append(ready, c)
		}
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}
	return s.enqueue(ready), nil
}

// readDir reads the names and types of a folder's entries, unsorted.
func readDir(dir string) ([]fs.DirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// wanted reports whether name may be a file to deliver: not a temporary
// name, dotfile or marker, and matching the include patterns.
func (s *Subscriber) wanted(name string) bool {
	return !transports.Ignored(name) && transports.Included(name, s.cfg.Include)
}

// markerOf returns the file name a done marker stands for, if name is one
// and markers are in use.
func (s *Subscriber) markerOf(name string) (string, bool) {
	if !s.cfg.DoneMarker || name == "" || name[0] == '.' {
		return "", false
	}
	base, ok := strings.CutSuffix(name, transports.DoneSuffix)
	return base, ok && base != ""
}

// look observes the named files after notifications about them (a marker
// stands for its file) and queues those now complete. A file queued or in
// flight that was written or created anew is looked at once released: it
// may no longer be the file that was queued. (A change of attributes alone
// is not enough: archiving a file links it, which notifies one.)
func (s *Subscriber) look(names map[string]fsnotify.Op) {
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	now := s.cfg.Clock()
	var ready []candidate
	for name, op := range names {
		if op.Has(fsnotify.Create) {
			s.creates.Add(1)
		}
		if base, ok := s.markerOf(name); ok {
			name = base
		}
		if !s.wanted(name) {
			continue
		}
		if s.queue.Holds(name) {
			if op.Has(fsnotify.Create) || op.Has(fsnotify.Write) {
				s.missed[name] = true
			}
			continue
		}
		if c, ok := s.lookOne(name, now); ok {
			ready = append(ready, c)
		}
	}
	s.enqueue(ready)
}

// lookOne observes one file that is neither queued nor in flight and
// reports whether it is complete. The caller holds obsMu.
func (s *Subscriber) lookOne(name string, now time.Time) (candidate, bool) {
	if s.cfg.DoneMarker {
		if _, err := s.lstat(name + transports.DoneSuffix); err != nil {
			return candidate{}, false
		}
	}
	info, err := s.lstat(name)
	if err != nil || info.IsDir() {
		if errors.Is(err, fs.ErrNotExist) || err == nil {
			delete(s.seen, name)
		}
		return candidate{}, false
	}
	return s.observe(name, info, now)
}

// lstat describes the named file of the folder without following links.
func (s *Subscriber) lstat(name string) (fs.FileInfo, error) {
	s.lstats.Add(1)
	return os.Lstat(filepath.Join(s.cfg.Dir, name))
}

// observe records what was seen of a file at now and reports whether it is
// complete: unchanged for the settle time, or marked done when markers are
// in use. Otherwise the file gets a place in the settle timetable. The
// caller holds obsMu.
func (s *Subscriber) observe(name string, info fs.FileInfo, now time.Time) (candidate, bool) {
	c := candidate{name: name, size: info.Size(), mtime: info.ModTime()}
	if s.cfg.DoneMarker {
		return c, true
	}
	obs, ok := s.seen[name]
	if !ok {
		obs = &observation{}
		s.seen[name] = obs
	}
	if !ok || obs.size != c.size || !obs.mtime.Equal(c.mtime) {
		obs.size, obs.mtime, obs.since = c.size, c.mtime, now
		s.schedule(name, obs, s.cfg.Settle)
		return candidate{}, false
	}
	if left := s.cfg.Settle - now.Sub(obs.since); left > 0 {
		s.schedule(name, obs, left)
		return candidate{}, false
	}
	return c, true
}

// forget drops what is known of a file that has left the folder.
func (s *Subscriber) forget(name string) {
	s.obsMu.Lock()
	delete(s.seen, name)
	s.obsMu.Unlock()
}

// enqueue queues the candidates, oldest first, that are neither queued nor
// in flight and wakes a subscription. It returns the names queued.
func (s *Subscriber) enqueue(ready []candidate) []string {
	ready = s.holdBack(ready)
	if len(ready) == 0 {
		return nil
	}
	slices.SortFunc(ready, func(a, b candidate) int {
		return compareWritten(a.mtime, a.name, b.mtime, b.name)
	})
	return s.queue.Add(ready, func(c candidate) string { return c.name })
}

// compareWritten orders files by modification time, then name.
func compareWritten(at time.Time, a string, bt time.Time, b string) int {
	return cmp.Or(at.Compare(bt), cmp.Compare(a, b))
}

// holdBack returns the candidates that were not written after a file
// still settling, and puts the others back in the settle timetable for
// when the oldest such file is due: files written one after the other are
// handed out in that order, even when a listing that ran while they were
// written saw the later one first (a folder read while files are added to
// it may miss some of them). A file still being written holds others back
// only briefly, since each write moves its modification time past theirs.
// The caller holds obsMu.
func (s *Subscriber) holdBack(ready []candidate) []candidate {
	if s.cfg.DoneMarker || len(ready) == 0 {
		return ready
	}
	var (
		oldest     *observation
		oldestName string
		candidates = make(map[string]bool, len(ready))
	)
	for _, c := range ready {
		candidates[c.name] = true
	}
	for name, obs := range s.seen {
		if !obs.timed || candidates[name] || s.queue.Holds(name) {
			continue
		}
		if oldest == nil || compareWritten(obs.mtime, name, oldest.mtime, oldestName) < 0 {
			oldest, oldestName = obs, name
		}
	}
	if oldest == nil {
		return ready
	}
	wait := max(s.cfg.Settle-s.cfg.Clock().Sub(oldest.since), 0)
	keep := ready[:0]
	for _, c := range ready {
		if obs := s.seen[c.name]; obs != nil && compareWritten(oldest.mtime, oldestName, c.mtime, c.name) < 0 {
			s.held.Add(1)
			s.schedule(c.name, obs, wait)
			continue
		}
		keep = append(keep, c)
	}
	return keep
}

// pop takes the next queued file and marks it in flight.
func (s *Subscriber) pop() (candidate, bool) { return s.queue.Pop() }

// release ends a file's flight: it may be queued again later. A file
// created under that name meanwhile is looked at now.
func (s *Subscriber) release(name string) {
	s.queue.Release(name)
	s.obsMu.Lock()
	defer s.obsMu.Unlock()
	if !s.missed[name] {
		return
	}
	delete(s.missed, name)
	if c, ok := s.lookOne(name, s.cfg.Clock()); ok {
		s.enqueue([]candidate{c})
	}
}

// wake signals one waiting subscription; it never blocks.
func (s *Subscriber) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
