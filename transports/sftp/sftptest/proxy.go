package sftptest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Proxy forwards TCP connections from a free port of 127.0.0.1 to a target
// and breaks them on demand: it cuts them after a number of bytes, or holds
// their bytes back (a stalled network). Its methods are safe from any
// goroutine.
type Proxy struct {
	ln     net.Listener
	target string

	upBudget   atomic.Int64 // armed byte budget + 1 client→server; 0 unarmed
	downBudget atomic.Int64 // the same, server→client
	conns      atomic.Int64 // connections accepted

	mu      sync.Mutex
	pairs   map[*pair]struct{}
	stalled chan struct{} // closed when not stalled
	closed  bool
	wg      sync.WaitGroup
}

// pair is one proxied connection.
type pair struct{ client, server net.Conn }

func (p *pair) close() {
	_ = p.client.Close()
	_ = p.server.Close()
}

// NewProxy starts a proxy to target (host:port) and closes it when the test
// ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	p, err := StartProxy(target)
	if err != nil {
		tb.Fatalf("sftptest: %v", err)
	}
	tb.Cleanup(func() { _ = p.Close() })
	return p
}

// StartProxy starts a proxy to target (host:port). Close it when done.
func StartProxy(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	open := make(chan struct{})
	close(open)
	p := &Proxy{ln: ln, target: target, pairs: map[*pair]struct{}{}, stalled: open}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the proxy's host:port; connect here instead of to the target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Connections counts the connections accepted so far.
func (p *Proxy) Connections() int { return int(p.conns.Load()) }

// CutUploadAfter arms a one-time fault: once n more bytes have gone from a
// client to the target, that connection is cut.
func (p *Proxy) CutUploadAfter(n int64) { p.upBudget.Store(n + 1) }

// CutDownloadAfter arms a one-time fault: once n more bytes have gone from
// the target to a client, that connection is cut.
func (p *Proxy) CutDownloadAfter(n int64) { p.downBudget.Store(n + 1) }

// Stall holds back every byte from now on, in both directions, until
// Resume or Close; connections stay open.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.stalled:
		p.stalled = make(chan struct{})
	default:
	}
}

// Resume ends a Stall.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.stalled:
	default:
		close(p.stalled)
	}
}

// Close stops the proxy, cuts every connection and returns once all of its
// goroutines have ended. It is idempotent.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	err := p.ln.Close()
	for c := range p.pairs {
		c.close()
	}
	p.mu.Unlock()
	p.Resume()
	p.wg.Wait()
	return err
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		c := &pair{client: client, server: server}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.close()
			return
		}
		p.pairs[c] = struct{}{}
		p.wg.Add(2)
		p.mu.Unlock()
		var once sync.Once
		done := func() {
			once.Do(func() {
				c.close()
				p.mu.Lock()
				delete(p.pairs, c)
				p.mu.Unlock()
			})
		}
		go p.pipe(c.server, c.client, &p.upBudget, done)
		go p.pipe(c.client, c.server, &p.downBudget, done)
	}
}

// pipe copies from src to dst, honouring stalls and the armed budget.
func (p *Proxy) pipe(dst, src net.Conn, budget *atomic.Int64, done func()) {
	defer p.wg.Done()
	defer done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			stalled := p.stalled
			p.mu.Unlock()
			<-stalled
			chunk, cut := spend(budget, buf[:n])
			if _, werr := dst.Write(chunk); werr != nil || cut {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// spend takes chunk's bytes from an armed budget. It returns the part of
// chunk that may pass and whether the connection must be cut after it.
func spend(budget *atomic.Int64, chunk []byte) ([]byte, bool) {
	for {
		b := budget.Load()
		if b <= 0 {
			return chunk, false
		}
		left := b - 1
		if int64(len(chunk)) > left {
			if budget.CompareAndSwap(b, 0) {
				return chunk[:left], true
			}
			continue
		}
		if budget.CompareAndSwap(b, b-int64(len(chunk))) {
			return chunk, false
		}
	}
}
