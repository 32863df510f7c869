package transporttest_test

import (
	"fmt"

	"github.com/nexport/pcsgate/transports/transporttest"
)

// A transport's test is mostly one call:
//
//	func TestSuite(t *testing.T) {
//		transporttest.Run(t, transporttest.Features{AtLeastOnce: true, Dedupe: true}, harness)
//	}
//
// These are the cases it runs.
func ExampleCases() {
	for _, name := range transporttest.Cases() {
		fmt.Println(name)
	}
	// Output:
	// Inbound/AcksOnlyAfterConsumerAck
	// Inbound/NackRedelivers
	// Inbound/Metadata
	// Inbound/Payloads
	// Inbound/EmptyPayloadRefused
	// Inbound/ManyUnits
	// Inbound/Duplicates
	// Inbound/CloseWhileUnacked
	// Inbound/CloseIsIdempotent
	// Inbound/SubscribeAfterClose
	// Inbound/ContextCancelClosesChannel
	// Inbound/NoGoroutineLeak
	// Outbound/DeliversEveryMessage
	// Outbound/SameOutNameOnce
	// Outbound/RetryReplaces
	// Outbound/UUIDWithoutOutName
	// Outbound/UnsafeOutNameIsPermanent
	// Outbound/CloseIsIdempotent
	// Outbound/PublishAfterClose
	// Outbound/NoGoroutineLeak
}
