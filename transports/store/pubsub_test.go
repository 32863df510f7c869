package store_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// features is what the store declares to Watermill's universal suite.
// Delivery is at least once, not exactly once: a crash (or a failed ack
// write) after a handler's work delivers the message again, so
// ExactlyOnceDelivery stays false, which also runs the suite's
// close-and-continue tests. Order holds with several members in a group.
var features = tests.Features{
	ConsumerGroups:      true,
	ExactlyOnceDelivery: false,
	GuaranteedOrder:     true,
	Persistent:          true,
}

// runSuite runs Watermill's universal Pub/Sub suite on s. Every constructor
// call shares the one store, as the gateway does.
func runSuite(t *testing.T, s *store.Store) {
	constructor := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		sub, err := s.Subscriber(group)
		require.NoError(t, err)
		return s.Publisher(), sub
	}
	tests.TestPubSub(t, features,
		func(t *testing.T) (message.Publisher, message.Subscriber) { return constructor(t, "test") },
		constructor,
	)
}

func TestPubSubSQLite(t *testing.T) {
	t.Parallel()
	runSuite(t, openSQLite(t, store.Config{}))
}

func TestPubSubPostgres(t *testing.T) {
	t.Parallel()
	runSuite(t, openPostgres(t, store.Config{}))
}

// TestNoDuplicateDelivery runs the suite's reading tests once more with
// ExactlyOnceDelivery declared, which makes them count duplicates instead
// of dropping them: without crashes, members of a consumer group never get
// the same message twice, and an acked message never comes back.
func TestNoDuplicateDelivery(t *testing.T) {
	exact := features
	exact.ExactlyOnceDelivery = true
	suite := []struct {
		name string
		fn   func(*testing.T, tests.TestContext, tests.PubSubConstructor)
	}{
		{"PublishSubscribe", tests.TestPublishSubscribe},
		{"ConcurrentSubscribe", tests.TestConcurrentSubscribe},
		{"PublishSubscribeInOrder", tests.TestPublishSubscribeInOrder},
		{"NoAck", tests.TestNoAck},
	}
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, store.Config{})
			constructor := func(t *testing.T) (message.Publisher, message.Subscriber) {
				sub, err := s.Subscriber("test")
				require.NoError(t, err)
				return s.Publisher(), sub
			}
			for _, c := range suite {
				t.Run(c.name, func(t *testing.T) {
					c.fn(t, tests.TestContext{TestID: tests.NewTestID(), Features: exact}, constructor)
				})
			}
		})
	}
}
