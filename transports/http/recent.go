package http

import (
	"container/list"
	"sync"
)

// recentKeys remembers idempotency keys in flight and the most recently
// acknowledged ones (a bounded LRU), so a repeated request is answered
// without a second message.
type recentKeys struct {
	mu      sync.Mutex
	max     int
	entries map[string]*keyEntry
	acked   *list.List // of string keys, least recently used first
}

// keyEntry is one key's state. done is closed once the key is resolved;
// acked and messageID are then final.
type keyEntry struct {
	done      chan struct{}
	acked     bool
	messageID string
	elem      *list.Element // in acked, once acked
}

func newRecentKeys(max int) *recentKeys {
	return &recentKeys{max: max, entries: map[string]*keyEntry{}, acked: list.New()}
}

// claim returns the key's entry. owner is true when the caller created it
// and must resolve it (via ack or forget); otherwise the entry belongs to an
// earlier request.
func (r *recentKeys) claim(key string) (e *keyEntry, owner bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.entries[key]; ok {
		if e.elem != nil {
			r.acked.MoveToBack(e.elem)
		}
		return e, false
	}
	e = &keyEntry{done: make(chan struct{})}
	r.entries[key] = e
	return e, true
}

// ack resolves an owned entry as acknowledged and remembers it, evicting
// the least recently used acknowledged keys beyond the bound.
func (r *recentKeys) ack(key string, e *keyEntry, messageID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.acked = true
	e.messageID = messageID
	e.elem = r.acked.PushBack(key)
	close(e.done)
	for r.acked.Len() > r.max {
		oldest := r.acked.Front()
		r.acked.Remove(oldest)
		delete(r.entries, oldest.Value.(string))
	}
}

// forget resolves an owned entry as not acknowledged and drops it, so the
// next request with the key delivers anew.
func (r *recentKeys) forget(key string, e *keyEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries[key] == e {
		delete(r.entries, key)
	}
	close(e.done)
}
