package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progress draws a one-line progress bar on stderr for large inputs, only
// when stderr is a terminal; otherwise it does nothing. The input may be
// read on another goroutine than the one emitting the messages (parallel
// translate): the reader only counts bytes, and the bar is drawn from
// events, on the emitting goroutine, which also reports problems.
type progress struct {
	w         io.Writer
	name      string
	size      int64
	read      atomic.Int64
	nevents   int64
	nmessages int64
	on        bool
	last      time.Time
	start     time.Time
	drawn     bool
}

const progressMinBytes = 4 << 20

func newProgress(w io.Writer, name string, size int64) *progress {
	p := &progress{w: w, name: name, size: size, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && (size < 0 || size >= progressMinBytes) {
		p.on = true
	}
	return p
}

func (p *progress) reader(r io.Reader) io.Reader {
	if !p.on {
		return r
	}
	return &countingReader{r: r, p: p}
}

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.read.Add(int64(n))
	return n, err
}

// events counts one message decoded to n events, and redraws the bar now
// and then.
func (p *progress) events(n int) {
	p.nevents += int64(n)
	p.nmessages++
	p.tick()
}

func (p *progress) tick() {
	if !p.on || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	read := p.read.Load()
	mb := float64(read) / (1 << 20)
	rate := float64(p.nmessages) / time.Since(p.start).Seconds()
	if p.size > 0 {
		pct := float64(read) * 100 / float64(p.size)
		bar := int(pct / 5)
		fmt.Fprintf(p.w, "\r%s [%-20s] %3.0f%% %.1f/%.1f MB  %d messages (%.0f/s), %d events", p.name,
			repeat('#', bar), pct, mb, float64(p.size)/(1<<20), p.nmessages, rate, p.nevents)
	} else {
		fmt.Fprintf(p.w, "\r%s %.1f MB  %d messages (%.0f/s), %d events", p.name, mb, p.nmessages, rate, p.nevents)
	}
	p.drawn = true
}

// clear removes the bar before an error line is printed.
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

func (p *progress) done() {
	if p.on && p.drawn {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func repeat(c byte, n int) string {
	if n < 0 {
		n = 0
	}
	if n > 20 {
		n = 20
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}
