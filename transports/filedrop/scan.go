package filedrop

import (
	"cmp"
	"github.com/nexport/pcsgate/transports"
	"io/fs"
	"os"
	"slices"
	"time"
)

// maxQueued bounds how many ready files wait for a consumer. Files beyond it
// stay in the folder and are queued by a later scan.
const maxQueued = 10000

// observation is what a scan saw of one file.
type observation struct {
	size  int64
	mtime time.Time
	since time.Time // Clock time the file was first seen with this size and mtime
}

// candidate is a file ready to be delivered.
type candidate struct {
	name  string
	size  int64
	mtime time.Time
}

// scan lists the folder, updates what it knows of each file and queues the
// files that are now complete. It returns the names it queued and, when
// files are still settling, how long until the next is due (0 otherwise).
func (s *Subscriber) scan() ([]string, time.Duration, error) {
	s.scanMu.Lock()
	defer s.scanMu.Unlock()

	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return nil, 0, err
	}
	now := s.cfg.Clock()
	markers := map[string]bool{}
	var files []fs.DirEntry
	for _, e := range entries {
		name := e.Name()
		if s.cfg.DoneMarker && len(name) > len(transports.DoneSuffix) && name[0] != '.' && name[len(name)-len(transports.DoneSuffix):] == transports.DoneSuffix {
			markers[name[:len(name)-len(transports.DoneSuffix)]] = true
			continue
		}
		if transports.Ignored(name) || !e.Type().IsRegular() || !transports.Included(name, s.cfg.Include) {
			continue
		}
		files = append(files, e)
	}

	present := make(map[string]bool, len(files))
	var ready []candidate
	var next time.Duration
	for _, e := range files {
		name := e.Name()
		info, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		present[name] = true
		c := candidate{name: name, size: info.Size(), mtime: info.ModTime()}
		if s.cfg.DoneMarker {
			if markers[name] {
				ready = append(ready, c)
			}
			continue
		}
		obs, ok := s.seen[name]
		if !ok || obs.size != c.size || !obs.mtime.Equal(c.mtime) {
			s.seen[name] = observation{size: c.size, mtime: c.mtime, since: now}
			next = soonest(next, s.cfg.Settle)
			continue
		}
		if waited := now.Sub(obs.since); waited < s.cfg.Settle {
			next = soonest(next, s.cfg.Settle-waited)
			continue
		}
		ready = append(ready, c)
	}
	for name := range s.seen {
		if !present[name] {
			delete(s.seen, name)
		}
	}

	slices.SortFunc(ready, func(a, b candidate) int {
		return cmp.Or(a.mtime.Compare(b.mtime), cmp.Compare(a.name, b.name))
	})
	return s.enqueue(ready), next, nil
}

// soonest returns the smaller positive duration of a and b.
func soonest(a, b time.Duration) time.Duration {
	if a == 0 || b < a {
		return b
	}
	return a
}

// enqueue queues the candidates that are neither queued nor in flight and
// wakes a subscription. It returns the names queued.
func (s *Subscriber) enqueue(ready []candidate) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, c := range ready {
		if s.queued[c.name] || s.inflight[c.name] || len(s.queue) >= maxQueued {
			continue
		}
		s.queue = append(s.queue, c)
		s.queued[c.name] = true
		names = append(names, c.name)
	}
	if len(s.queue) > 0 {
		s.wake()
	}
	return names
}

// pop takes the next queued file and marks it in flight. Called with s.mu
// unlocked.
func (s *Subscriber) pop() (candidate, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return candidate{}, false
	}
	c := s.queue[0]
	s.queue[0] = candidate{}
	s.queue = s.queue[1:]
	delete(s.queued, c.name)
	s.inflight[c.name] = true
	if len(s.queue) > 0 {
		s.wake() // another subscription may take the next one
	}
	return c, true
}

// release ends a file's flight: it may be queued again by a later scan.
func (s *Subscriber) release(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, name)
}

// wake signals one waiting subscription. Called with s.mu held.
func (s *Subscriber) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
