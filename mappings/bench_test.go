package mappings_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// coreorInterchange builds an interchange of n COREOR messages with two
// containers each, as carriers send them.
func coreorInterchange(n int) []byte {
	var b bytes.Buffer
	b.WriteString("UNA:+.? 'UNB+UNOC:3+MSC:ZZZ+PORTBASE:ZZZ+261125:0930+BENCH001'\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "UNH+M%d+COREOR:D:00B:UN:SMDG20'\nBGM+129+DOC%d+9'\nDTM+137:202611250930:203'\nRFF+RE:REL%d'\nRFF+BM:MEDUNL%06d'\n"+
			"TDT+20+AT847A+1++MSC:172:20+++9141780:146::MSC GIANNINA'\nLOC+11+NLRTM:139:6+ECTDELTA:TER:ZZZ'\nNAD+CA+MSC:172:20'\n"+
			"NAD+FW+NL123456789B01:160++EXAMPLE FORWARDER BV'\nEQD+CN+CSQU3054383+45G1:102:5++3+5'\nDTM+36:202611272359:203'\nMEA+AAE+G+KGM:25079'\n"+
			"EQD+CN+MWCU6059784+4510:102:5++3+5'\nDTM+36:20261127:102'\nCNT+16:2'\nUNT+16+M%d'\n", i, i, i, i, i)
	}
	fmt.Fprintf(&b, "UNZ+%d+BENCH001'\n", n)
	return b.Bytes()
}

// BenchmarkCoreorToCPuTransfer is the figure: COREOR -> canonical ->
// cpu/transfer on one core. Reports events/s and allocations per event.
func BenchmarkCoreorToCPuTransfer(b *testing.B) {
	benchTranslate(b, "cpu/transfer")
}

// BenchmarkCoreorToCanonical decodes only.
func BenchmarkCoreorToCanonical(b *testing.B) {
	benchTranslate(b, "")
}

// BenchmarkCoreorToCoreor decodes and writes EDIFACT again.
func BenchmarkCoreorToCoreor(b *testing.B) {
	benchTranslate(b, "portbase/coreor")
}

func benchTranslate(b *testing.B, to string) {
	reg, err := mappings.Default()
	require.NoError(b, err)
	const msgs = 500
	data := coreorInterchange(msgs)
	var enc mappings.Encoder
	if to != "" {
		p, err := reg.Profile(to)
		require.NoError(b, err)
		enc, err = p.NewEncoder(io.Discard, mappings.EncodeOptions{})
		require.NoError(b, err)
	}
	var each func(mappings.Batch) error
	if enc != nil {
		each = func(bt mappings.Batch) error { return enc.Encode(bt.Events) }
	}
	benchDecode(b, reg, data, mappings.DecodeOptions{Name: "bench.edi", CredentialKey: []byte("k")}, each)
}

// benchDecode decodes data b.N times with opts, handing every batch to
// each (when not nil), and reports events per CPU-second of this process
// (steady even when the machine is busy with other work, unlike wall-clock
// rates), events/s and allocations per event.
func benchDecode(b *testing.B, reg *mappings.Registry, data []byte, opts mappings.DecodeOptions, each func(mappings.Batch) error) {
	b.Helper()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	b.ResetTimer()
	events := 0
	for range b.N {
		err := reg.Decode(bytes.NewReader(data), opts, func(bt mappings.Batch) error {
			events += len(bt.Events)
			if each != nil {
				return each(bt)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	require.Positive(b, events, "%s gave no events", opts.Name)
	b.ReportMetric(float64(events)/(cpuTime()-cpu0).Seconds(), "events/cpu-s")
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
