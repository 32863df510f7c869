// Package transporttest is the suite every pcsgate transport passes: what
// "done" means for an inbound message.Subscriber and an outbound
// message.Publisher.
//
// A transport's test builds a Harness (a fresh transport plus a fake partner
// on the other side of it) and calls Run with the Features the transport
// declares:
//
//	func TestSuite(t *testing.T) {
//		transporttest.Run(t, transporttest.Features{AtLeastOnce: true, Dedupe: true},
//			transporttest.Harness{NewInbound: newInbound, NewOutbound: newOutbound})
//	}
//
// The suite checks, through what the partner sees, that a unit is
// acknowledged only after the consumer Acks its message; that a Nack leaves it
// unacknowledged and offered again; that duplicates carry the same content
// hash and idempotency key; that payload bytes arrive intact (binary, empty,
// large); that outbound delivery is complete and idempotent per out name and
// refuses unsafe names as permanent failures; that Close is idempotent and
// safe from many goroutines, Subscribe and Publish fail after it, and no
// goroutine outlives the transport.
//
// Run counts goroutines, so the test that calls it must not use t.Parallel.
//
// Backwards serves tests of code that keeps a delivery order with
// transports.Turn: it starts one worker per turn, last turn first, and
// returns the order the workers reached the step under test.
package transporttest
