package store

import (
	"context"
	"sync"
)

// shared is the in-process state of one database: the wake-up signals of
// its topics and, for SQLite, the turn locks of its consumer groups. Stores
// opened on the same database in one process share it, so a publish through
// one wakes the subscriptions of the other and group members take turns
// across both.
type shared struct {
	key  string
	refs int

	mu      sync.Mutex
	signals map[string]chan struct{} // topic → closed on the next publish
	turns   map[string]chan struct{} // topic + group → one-slot semaphore
}

var registry = struct {
	sync.Mutex
	m map[string]*shared
}{m: map[string]*shared{}}

// acquireShared returns the shared state for key, creating it on first use.
func acquireShared(key string) *shared {
	registry.Lock()
	defer registry.Unlock()
	sh := registry.m[key]
	if sh == nil {
		sh = &shared{key: key, signals: map[string]chan struct{}{}, turns: map[string]chan struct{}{}}
		registry.m[key] = sh
	}
	sh.refs++
	return sh
}

// release drops one reference, forgetting the state with the last one.
func (sh *shared) release() {
	registry.Lock()
	defer registry.Unlock()
	sh.refs--
	if sh.refs == 0 {
		delete(registry.m, sh.key)
	}
}

// watch returns a channel closed by the next notify of topic. Taking it
// before reading the topic means no publish can slip between the read and
// the wait.
func (sh *shared) watch(topic string) <-chan struct{} {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ch := sh.signals[topic]
	if ch == nil {
		ch = make(chan struct{})
		sh.signals[topic] = ch
	}
	return ch
}

// notify wakes everyone watching topic.
func (sh *shared) notify(topic string) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if ch := sh.signals[topic]; ch != nil {
		close(ch)
		delete(sh.signals, topic)
	}
}

// turn waits for the consumer group's turn on topic and returns the function
// that gives it back.
func (sh *shared) turn(ctx context.Context, closing <-chan struct{}, topic, group string) (func(), error) {
	key := topic + "\x00" + group
	sh.mu.Lock()
	ch := sh.turns[key]
	if ch == nil {
		ch = make(chan struct{}, 1)
		sh.turns[key] = ch
	}
	sh.mu.Unlock()
	select {
	case ch <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-closing:
		return nil, errSubscriptionClosing
	}
	var once sync.Once
	return func() { once.Do(func() { <-ch }) }, nil
}
