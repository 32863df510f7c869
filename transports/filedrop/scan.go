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
	return s.queue.Add(ready, func(c candidate) string { return c.name })
}

// pop takes the next queued file and marks it in flight.
func (s *Subscriber) pop() (candidate, bool) { return s.queue.Pop() }

// release ends a file's flight: it may be queued again later.
func (s *Subscriber) release(name string) { s.queue.Release(name) }

// wake signals one waiting subscription; it never blocks.
func (s *Subscriber) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
