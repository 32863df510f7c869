package transporttest

import (
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Topic is the topic the suite subscribes and publishes to. Inbound
// transports stamp it as MetaEndpoint.
const Topic = "pcsgate-transporttest"

// Features declares what a transport supports; the suite skips or adapts the
// cases accordingly.
type Features struct {
	// AtLeastOnce: a nacked unit is offered to the consumer again (a file
	// stays and is picked up again; an HTTP sender retries after 503).
	AtLeastOnce bool
	// Dedupe: the same payload sent twice gives messages with the same
	// MetaContentHash and MetaIdempotencyKey.
	Dedupe bool
	// CollapsesDuplicates: a unit whose idempotency key was acknowledged
	// recently is acknowledged to the partner again without a second message
	// (HTTP inbound).
	CollapsesDuplicates bool
	// EmptyPayload: a zero-byte unit is delivered as an empty message. When
	// false, the suite checks that it is refused: never delivered, never
	// acknowledged.
	EmptyPayload bool
	// KeepsNames: MetaFilename carries the name the partner gave the unit.
	KeepsNames bool
	// LargePayload is the size in bytes of the large-payload case. Default
	// 1 MiB; it must fit the transport's size limit.
	LargePayload int
	// Timeout bounds every wait of the suite. Default 10s.
	Timeout time.Duration
}

func (f *Features) setDefaults() {
	if f.LargePayload <= 0 {
		f.LargePayload = 1 << 20
	}
	if f.Timeout <= 0 {
		f.Timeout = 10 * time.Second
	}
}

// Harness builds fresh transports for the suite. Either constructor may be
// nil when the transport has no such direction. Each call must return an
// independent transport with its own partner (own folder, own test server)
// and release everything it started through t.Cleanup. The suite closes the
// transport itself.
type Harness struct {
	NewInbound  func(t *testing.T) Inbound
	NewOutbound func(t *testing.T) Outbound
}

// Inbound is an inbound transport under test and the fake partner sending to
// it.
type Inbound struct {
	// Sub is the transport.
	Sub message.Subscriber
	// Send offers one unit under name, as the partner would: writes the
	// file (completely, e.g. via a temporary name), uploads it, or starts the
	// POST. It must not wait for the acknowledgement. Like a real partner, it
	// keeps offering a unit until it is acknowledged or refused: a file
	// stays where it is, an HTTP sender retries after 503 and gives up on
	// 4xx. The suite never sends the same name twice in one transport.
	Send func(name string, payload []byte) error
	// Acked lists the names of the units the partner has seen acknowledged
	// so far: files moved to the archive, requests answered 202.
	Acked func() []string
	// Poke, if not nil, asks the transport to look for units now instead of
	// at its next poll. The suite calls it while it waits for a message.
	Poke func()
}

// Outbound is an outbound transport under test and the fake partner
// receiving from it.
type Outbound struct {
	// Pub is the transport.
	Pub message.Publisher
	// Delivered returns what the partner holds now: one entry per name the
	// transport delivered under (the file name without the publisher's
	// extension, the Idempotency-Key), holding the content of the latest
	// complete delivery. Partial or temporary deliveries must not appear.
	Delivered func() map[string][]byte
}
