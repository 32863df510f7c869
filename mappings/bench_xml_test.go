package mappings_test

import (
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// BenchmarkSoneReleaseToCPuTransfer is the XML figure: a S)ONE
// release document (BAD, BAE, exit authorisation: three events) decoded
// and the events cpu/transfer carries written, on one core. Reports
// events/cpu-s and allocations per event like benchTranslate.
func BenchmarkSoneReleaseToCPuTransfer(b *testing.B) {
	benchDocuments(b, "../fixtures/sone/release/full-release-le-havre/input.xml", "sone/release", "cpu/transfer")
}

// BenchmarkCCIStatusToSoneOrder: a Portbase CCI webhook (JSON) with two
// containers to S)ONE customer orders (XML) where they carry.
func BenchmarkCCIStatusToSoneOrder(b *testing.B) {
	benchDocuments(b, "../fixtures/portbase/cci-status/released-two-containers-rotterdam/input.json", "portbase/cci-status", "sone/order")
}

func benchDocuments(b *testing.B, input, from, to string) {
	reg, err := mappings.Default()
	require.NoError(b, err)
	data, err := os.ReadFile(input)
	require.NoError(b, err)
	target, err := reg.Profile(to)
	require.NoError(b, err)
	enc, err := target.NewEncoder(io.Discard, mappings.EncodeOptions{})
	require.NoError(b, err)
	opts := mappings.DecodeOptions{Name: "bench", From: from, CredentialKey: []byte("k")}
	var carried []*canonical.ReleaseEvent
	benchDecode(b, reg, data, opts, func(bt mappings.Batch) error {
		carried = carried[:0]
		for _, e := range bt.Events {
			if target.Carries(e.Type) {
				carried = append(carried, e)
			}
		}
		return enc.Encode(carried)
	})
}
