package pipeline

import (
	"bytes"
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// secretValues gathers the values the engine finds in the secret fields of
// one inbound message (DecodeOptions.OnSecret).
type secretValues struct {
	mu   sync.Mutex
	seen map[string]struct{}
}

func (s *secretValues) add(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]struct{}{}
	}
	s.seen[v] = struct{}{}
}

// list is the values gathered, longest first: where one value holds
// another, the whole of the longer one is masked.
func (s *secretValues) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.seen))
	for v := range s.seen {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(len(b)-len(a), cmp.Compare(a, b)) })
	return out
}

// keptCopy is the copy of msg, received by endpoint, that the monitor
// shows with the events it carried, or nil when none can be kept safely.
// A message without a secret is kept as it is, under its content hash.
// One with a secret is kept with each of the secret values masked, under
// the hash of that copy, only when the engine read all of it (derr nil)
// and found each value as it stands in the bytes: a value written in an
// escaped form, or a part that could not be read, could leave a secret in
// clear.
func keptCopy(msg *message.Message, endpoint string, secret bool, values []string, derr error) *store.RawMessage {
	m := &store.RawMessage{Endpoint: endpoint, Name: msg.Metadata.Get(transports.MetaFilename), Body: msg.Payload}
	if at, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(transports.MetaReceivedAt)); err == nil {
		m.ReceivedAt = at
	}
	if !secret {
		m.Hash = msg.Metadata.Get(transports.MetaContentHash)
		if m.Hash == "" {
			return nil // its events name no message
		}
		return m
	}
	if derr != nil || len(values) == 0 {
		return nil
	}
	masked, ok := maskSecrets(msg.Payload, values)
	if !ok {
		return nil
	}
	m.Body, m.Hash = masked, transports.ContentHash(masked)
	return m
}

// maskSecrets returns a copy of raw with every occurrence of each of
// values replaced by as many asterisks as it has bytes, and whether each
// value occurred in raw. values are longest first.
func maskSecrets(raw []byte, values []string) ([]byte, bool) {
	for _, v := range values {
		if !bytes.Contains(raw, []byte(v)) {
			return nil, false
		}
	}
	out := bytes.Clone(raw)
	for _, v := range values {
		out = bytes.ReplaceAll(out, []byte(v), bytes.Repeat([]byte{'*'}, len(v)))
	}
	return out, true
}
