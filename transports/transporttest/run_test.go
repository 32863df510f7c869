package transporttest_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/transporttest"
)

// harness builds the in-memory transports, optionally with a defect.
func harness(earlyAck, ignoreOutName bool) transporttest.Harness {
	return transporttest.Harness{
		NewInbound: func(t *testing.T) transporttest.Inbound {
			p := newMemPartner()
			sub := newMemSubscriber(p)
			sub.earlyAck = earlyAck
			return transporttest.Inbound{Sub: sub, Send: p.send, Acked: p.ackedNames, Poke: p.poke}
		},
		NewOutbound: func(t *testing.T) transporttest.Outbound {
			pub := &memPublisher{ignoreOutName: ignoreOutName, delivered: map[string][]byte{}}
			return transporttest.Outbound{Pub: pub, Delivered: pub.snapshot}
		},
	}
}

var memFeatures = transporttest.Features{AtLeastOnce: true, Dedupe: true, EmptyPayload: true, KeepsNames: true}

func TestRunMemory(t *testing.T) {
	transporttest.Run(t, memFeatures, harness(false, false))
}

// defectEnv selects the defective transport in the child process of
// TestRunCatchesDefects.
const defectEnv = "PCSGATE_TRANSPORTTEST_DEFECT"

// TestDefective runs the suite against a defective transport. It only runs
// as the child of TestRunCatchesDefects, where it is expected to fail.
func TestDefective(t *testing.T) {
	switch os.Getenv(defectEnv) {
	case "early-ack":
		transporttest.Run(t, memFeatures, harness(true, false))
	case "ignore-out-name":
		transporttest.Run(t, memFeatures, harness(false, true))
	default:
		t.Skip("runs only as the child of TestRunCatchesDefects")
	}
}

func TestRunCatchesDefects(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the test binary again")
	}
	tests := []struct {
		defect   string
		run      string
		wantFail string
	}{
		{defect: "early-ack", run: "TestDefective/Inbound/AcksOnlyAfterConsumerAck", wantFail: "--- FAIL: TestDefective/Inbound/AcksOnlyAfterConsumerAck"},
		{defect: "ignore-out-name", run: "TestDefective/Outbound/SameOutNameOnce", wantFail: "--- FAIL: TestDefective/Outbound/SameOutNameOnce"},
	}
	for _, tt := range tests {
		t.Run(tt.defect, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^"+tt.run+"$", "-test.v")
			cmd.Env = append(os.Environ(), defectEnv+"="+tt.defect)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a defective transport:\n%s", out)
			assert.Contains(t, string(out), tt.wantFail)
		})
	}
}
