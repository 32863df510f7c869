package transports

import "sync"

// Queue holds the units an inbound transport has found and not delivered
// yet (files in a drop folder, files on an SFTP server): first in, first
// out, each name queued at most once and never while in flight. It is safe
// for concurrent use.
type Queue[T any] struct {
	mu       sync.Mutex
	items    []T
	names    []string
	queued   map[string]bool
	inflight map[string]bool
	max      int
	wake     func()
}

// NewQueue returns a queue of at most max waiting units; wake is called
// (without the queue's lock) whenever units are waiting, to rouse a
// consumer. It must not block.
func NewQueue[T any](max int, wake func()) *Queue[T] {
	return &Queue[T]{queued: map[string]bool{}, inflight: map[string]bool{}, max: max, wake: wake}
}

// Add queues the units that are neither queued nor in flight, up to the
// limit, and returns the names it queued. Units beyond the limit are left
// for a later listing.
func (q *Queue[T]) Add(items []T, name func(T) string) []string {
	q.mu.Lock()
	var added []string
	for _, it := range items {
		n := name(it)
		if q.queued[n] || q.inflight[n] || len(q.items) >= q.max {
			continue
		}
		q.items = append(q.items, it)
		q.names = append(q.names, n)
		q.queued[n] = true
		added = append(added, n)
	}
	waiting := len(q.items) > 0
	q.mu.Unlock()
	if waiting {
		q.wake()
	}
	return added
}

// Pop takes the next unit and marks it in flight.
func (q *Queue[T]) Pop() (T, bool) {
	var zero T
	q.mu.Lock()
	if len(q.items) == 0 {
		q.mu.Unlock()
		return zero, false
	}
	it, n := q.items[0], q.names[0]
	q.items[0] = zero
	q.items, q.names = q.items[1:], q.names[1:]
	delete(q.queued, n)
	q.inflight[n] = true
	more := len(q.items) > 0
	q.mu.Unlock()
	if more {
		q.wake() // another consumer may take the next one
	}
	return it, true
}

// Release ends a unit's flight: a later listing may queue it again.
func (q *Queue[T]) Release(name string) {
	q.mu.Lock()
	delete(q.inflight, name)
	q.mu.Unlock()
}

// Holds reports whether name is queued or in flight, so a listing need
// not look at that unit again.
func (q *Queue[T]) Holds(name string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.queued[name] || q.inflight[name]
}

// Idle reports whether nothing is queued or in flight.
func (q *Queue[T]) Idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) == 0 && len(q.inflight) == 0
}

// Waiting is how many units are queued or in flight.
func (q *Queue[T]) Waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) + len(q.inflight)
}
