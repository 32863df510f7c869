package edifact_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// benchMessage is a D00B COREOR with one container, about 600 bytes.
const benchMessage = "UNH+%08d+COREOR:D:00B:UN:SMDG20'\n" +
	"BGM+129+MEDUCO308182+9'\nDTM+137:202611271015:203'\nRFF+RE:134792'\n" +
	"TDT+20+AT847A+1++MSC:172:20+++9141780:146::MSC GIANNINA'\n" +
	"LOC+11+NLRTM:139:6+ECTDE:TER:ZZZ:EUROPE CONTAINER TERMINALS'\n" +
	"LOC+99+NLRTM:139:6+DEPOT1:TER:ZZZ'\nNAD+MS+MSC:172'\n" +
	"NAD+FW+NL001234567B01:160++O?'BRIEN ?+ SONS FORWARDING BV+STRAAT 1+ROTTERDAM++3011AA+NL'\n" +
	"NAD+CB+NL009876543B01:160++Soci\xe9t\xe9 G\xe9n\xe9rale Transit'\n" +
	"EQD+CN+MEDU7308180+45G1:102:5++3+5'\nRFF+BM:MEDUXX000001'\nDTM+36:202611272359:203'\n" +
	"MEA+AAE+G+KGM:25079'\nMEA+AAE+T+KGM:3750'\nSEL+ML1234567+CA'\nFTX+AAI+++PICK UP WITH PIN ONLY'\n" +
	"CNT+16:1'\nUNT+19+%08d'\n"

// generator produces an interchange of n messages on the fly, so the input
// never sits in memory as a whole.
type generator struct {
	n, i int
	buf  []byte
	off  int
	done bool
}

func newGenerator(n int) *generator {
	return &generator{n: n, buf: []byte("UNA:+.? '\nUNB+UNOC:3+MSC+ECT+261127:1015+BENCH'\n")}
}

func (g *generator) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.done {
			return 0, io.EOF
		}
		g.buf, g.off = g.buf[:0], 0
		if g.i < g.n {
			g.buf = fmt.Appendf(g.buf, benchMessage, g.i, g.i)
			g.i++
		} else {
			g.buf = append(g.buf, "UNZ+"+strconv.Itoa(g.n)+"+BENCH'\n"...)
			g.done = true
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

// benchInput generates an interchange of about size bytes in memory.
func benchInput(b *testing.B, size int) []byte {
	b.Helper()
	n := size / len(fmt.Sprintf(benchMessage, 0, 0))
	in, err := io.ReadAll(newGenerator(n))
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// BenchmarkReader reads a generated 100 MB interchange message by message.
func BenchmarkReader(b *testing.B) {
	benchReader(b, 100<<20, edifact.ReaderOptions{})
}

// BenchmarkReaderChecked reads a generated 1 MB interchange as the
// mappings read one: every value checked against its data element, each
// message's memory recycled once read.
func BenchmarkReaderChecked(b *testing.B) {
	benchReader(b, 1<<20, edifact.ReaderOptions{CheckElements: true})
}

// benchReader reads a generated interchange of about size bytes message
// by message with opts.
func benchReader(b *testing.B, size int, opts edifact.ReaderOptions) {
	in := benchInput(b, size)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	msgs := 0
	for b.Loop() {
		r := edifact.NewReader(bytes.NewReader(in), opts)
		msgs = 0
		for {
			m, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if opts.CheckElements {
				m.Recycle(false)
			}
			msgs++
		}
	}
	b.ReportMetric(float64(msgs)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkReadMessage reads one message as the pipeline's decode step
// does for each inbound file.
func BenchmarkReadMessage(b *testing.B) {
	in := []byte(fmt.Sprintf(benchMessage, 1, 1))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := edifact.ParseMessage(in, edifact.ReaderOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriter writes the benchmark message again and again.
func BenchmarkWriter(b *testing.B) {
	m, err := edifact.ParseMessage([]byte(fmt.Sprintf(benchMessage, 1, 1)), edifact.ReaderOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w := edifact.NewWriter(&buf, edifact.WriterOptions{Newline: true})
	if err := w.BeginInterchange(testIC); err != nil {
		b.Fatal(err)
	}
	if err := w.WriteMessage(m); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := w.WriteMessage(m); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGeneratorStreams(t *testing.T) {
	// 5,000 messages (about 3 MB) read straight from the generator, never
	// held whole.
	const n = 5000
	r := edifact.NewReader(newGenerator(n), edifact.ReaderOptions{})
	count := 0
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.Equal(t, count+1, m.Index)
		count++
	}
	assert.Equal(t, n, count)
}
