//go:build integration

package pipeline_test

import (
	"testing"
	"time"

	"github.com/nexport/pcsgate/transports/store/storetest"
)

// The fleet test on PostgreSQL with the gateway's own timings (a 6 s
// lease, renewed every 2 s): a hung holder's inbox moves to the other
// instance within 10 s.
func TestPostgresInboxLeaseMovesAcrossTheFleet(t *testing.T) {
	testInboxLease(t, storetest.PostgresDSN(t), 6*time.Second, 10*time.Second)
}
