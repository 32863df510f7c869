package mappings_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// fsuFile builds n FSU messages of three status lines each, as a handler
// at Schiphol sends them.
func fsuFile(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		serial := 4817263 + i
		fmt.Fprintf(&b, "FSU/14\r\n074-%07d%dJFKAMS/T12K1840\r\nRCF/KL0642/02JAN0910/AMS/T12K1840\r\nNFD/02JAN1105/AMS/T12K1840/KUEHNE NAGEL\r\nDLV/02JAN1610/AMS/T12K1840/J DE VRIES\r\n\r\n",
			serial, serial%7)
	}
	return b.Bytes()
}

// releaseCSV builds a partner release list of n rows.
func releaseCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString(releaseCSVHeader)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "NEW,NLRTM,MAEU,MAEU258114377,MSKU1234565,45G1,RTM-R-%06d,2026-11-20 06:00,2026-11-27,ECTDELTA,Vanmoer Forwarding BV,NL812345678,\n", i)
	}
	return b.Bytes()
}

// BenchmarkFSUToCanonical is the Cargo-IMP figure: FSU -> canonical
// events on one core (target 50,000 events/s).
func BenchmarkFSUToCanonical(b *testing.B) { benchAirFlat(b, fsuFile(500), "cargonaut/fsu", "") }

// BenchmarkFSUToFSU reads and writes FSU again.
func BenchmarkFSUToFSU(b *testing.B) { benchAirFlat(b, fsuFile(500), "cargonaut/fsu", "cargonaut/fsu") }

// BenchmarkReleaseCSVToCanonical is the CSV figure (target 50,000
// events/s).
func BenchmarkReleaseCSVToCanonical(b *testing.B) {
	benchAirFlat(b, releaseCSV(2000), "partner/release-csv", "")
}

// BenchmarkReleaseCSVToStatusCSV reads a release list and writes the status
// feed.
func BenchmarkReleaseCSVToStatusCSV(b *testing.B) {
	benchAirFlat(b, releaseCSV(2000), "partner/release-csv", "partner/status-csv")
}

func benchAirFlat(b *testing.B, data []byte, from, to string) {
	reg, err := mappings.Default()
	require.NoError(b, err)
	var enc mappings.Encoder
	if to != "" {
		p, err := reg.Profile(to)
		require.NoError(b, err)
		enc, err = p.NewEncoder(io.Discard, mappings.EncodeOptions{})
		require.NoError(b, err)
	}
	opts := mappings.DecodeOptions{Name: "bench", From: from, CredentialKey: []byte("k"), ReceivedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var each func(mappings.Batch) error
	if enc != nil {
		each = func(bt mappings.Batch) error { return enc.Encode(bt.Events) }
	}
	benchDecode(b, reg, data, opts, each)
}
