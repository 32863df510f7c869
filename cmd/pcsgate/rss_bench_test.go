package main_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLargeInterchangeRSS is a figure of make bench, not of make test: it
// builds pcsgate, writes a 100 MB COREOR interchange and translates it to
// canonical NDJSON in a child process, then reports the child's peak RSS,
// which must stay below 64 MB: the interchange is read message by message,
// and with the messages decoded on every core (translate --workers) only
// a bounded window of them is in flight.
func TestLargeInterchangeRSS(t *testing.T) {
	if os.Getenv("PCSGATE_BENCH_RSS") == "" {
		t.Skip("a make bench figure: set PCSGATE_BENCH_RSS=1 to run")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "pcsgate")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	input := filepath.Join(dir, "big.edi")
	msgs := writeInterchange(t, input, 100<<20)
	st, err := os.Stat(input)
	require.NoError(t, err)

	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer devnull.Close()
	cmd := exec.Command(bin, "translate", "--to", "canonical", input)
	cmd.Stdout = devnull
	cmd.Stderr = os.Stderr
	start := time.Now()
	require.NoError(t, cmd.Run())
	elapsed := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	rssMB := float64(ru.Maxrss) / 1024 // Linux reports KiB
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("translate --to canonical, %.0f MB interchange, %d messages (%d events): peak RSS %.1f MB, %.1f s wall, %.1f s CPU, %.0f events per CPU-second\n",
		float64(st.Size())/(1<<20), msgs, 2*msgs, rssMB, elapsed.Seconds(), cpu.Seconds(), float64(2*msgs)/cpu.Seconds())
	require.Less(t, rssMB, 64.0, "peak RSS of a streaming translate")
}

// TestWriteLargeInterchange only writes the 100 MB interchange of
// TestLargeInterchangeRSS to the file PCSGATE_WRITE_INTERCHANGE names, for
// make bench-peers to time other parsers on the same input.
func TestWriteLargeInterchange(t *testing.T) {
	path := os.Getenv("PCSGATE_WRITE_INTERCHANGE")
	if path == "" {
		t.Skip("a make bench-peers step: set PCSGATE_WRITE_INTERCHANGE=FILE to run")
	}
	writeInterchange(t, path, 100<<20)
}

// writeInterchange writes a COREOR interchange of at least size bytes, two
// containers per message, and returns the number of messages.
func writeInterchange(t *testing.T, path string, size int64) int {
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "UNA:+.? 'UNB+UNOC:3+MSC:ZZZ+PORTBASE:ZZZ+261125:0930+BIG0001'\n")
	var n int
	var written int64
	for written < size {
		k, _ := fmt.Fprintf(w, "UNH+M%d+COREOR:D:00B:UN:SMDG20'\nBGM+129+DOC%d+9'\nDTM+137:202611250930:203'\nRFF+RE:REL%d'\nRFF+BM:MEDUNL%07d'\n"+
			"TDT+20+AT847A+1++MSC:172:20+++9141780:146::MSC GIANNINA'\nLOC+11+NLRTM:139:6+ECTDELTA:TER:ZZZ'\nNAD+CA+MSC:172:20'\n"+
			"NAD+FW+NL123456789B01:160++EXAMPLE FORWARDER BV'\nEQD+CN+CSQU3054383+45G1:102:5++3+5'\nDTM+36:202611272359:203'\nMEA+AAE+G+KGM:25079'\n"+
			"EQD+CN+MWCU6059784+4510:102:5++3+5'\nDTM+36:20261127:102'\nCNT+16:2'\nUNT+16+M%d'\n", n, n, n, n, n)
		written += int64(k)
		n++
	}
	fmt.Fprintf(w, "UNZ+%d+BIG0001'\n", n)
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	return n
}
