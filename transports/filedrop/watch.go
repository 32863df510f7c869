package filedrop

import (
	"github.com/nexport/pcsgate/transports"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/ThreeDotsLabs/watermill"
)

// eventDelay gathers a burst of notifications into one listing.
const eventDelay = 20 * time.Millisecond

// minRecheck is the shortest wait before listing again for a settling file.
const minRecheck = 10 * time.Millisecond

// newWatcher starts file-system notifications for the folder, or returns
// nil when they are turned off or unavailable (polling then does the work).
func (s *Subscriber) newWatcher() *fsnotify.Watcher {
	if s.cfg.NoWatch {
		return nil
	}
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = w.Add(s.cfg.Dir)
		if err != nil {
			_ = w.Close()
		}
	}
	if err != nil {
		s.logger.Error("File-system notifications unavailable; polling only", err, watermill.LogFields{"poll": s.cfg.Poll.String()})
		return nil
	}
	return w
}

// watch lists the folder on notifications from w (if not nil), on the poll
// timer and when a settling file is due, until the Subscriber closes.
func (s *Subscriber) watch(w *fsnotify.Watcher) {
	defer s.wg.Done()

	var events <-chan fsnotify.Event
	var errs <-chan error
	if w != nil {
		defer w.Close()
		events, errs = w.Events, w.Errors
	}

	poll := time.NewTicker(s.cfg.Poll)
	defer poll.Stop()
	recheck := time.NewTimer(time.Hour)
	recheck.Stop()
	defer recheck.Stop()
	var due time.Time // when recheck fires; zero when stopped

	listNow := func() {
		_, next, err := s.scan()
		if err != nil {
			s.logger.Error("Cannot list drop folder", err, nil)
			return
		}
		if next > 0 {
			next = min(max(next, minRecheck), s.cfg.Poll)
			if at := time.Now().Add(next); due.IsZero() || at.Before(due) {
				recheck.Reset(next)
				due = at
			}
		}
	}

	for {
		select {
		case <-s.closing:
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if s.relevant(ev) && (due.IsZero() || time.Until(due) > eventDelay) {
				recheck.Reset(eventDelay)
				due = time.Now().Add(eventDelay)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			s.logger.Error("File-system notification error; polling continues", err, nil)
		case <-poll.C:
			listNow()
		case <-recheck.C:
			due = time.Time{}
			listNow()
		}
	}
}

// relevant reports whether a notification may make a file ready: something
// created, written or touched in the folder itself, not a temporary name.
func (s *Subscriber) relevant(ev fsnotify.Event) bool {
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Chmod) {
		return false
	}
	name := filepath.Base(ev.Name)
	if s.cfg.DoneMarker && strings.HasSuffix(name, transports.DoneSuffix) {
		return true
	}
	return !transports.Ignored(name)
}
