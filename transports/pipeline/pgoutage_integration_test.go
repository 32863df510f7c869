//go:build integration

package pipeline_test

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store/storetest"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// The PostgreSQL outage campaign: two instances reach the store through a
// TCP proxy that, mid-run, cuts every connection and refuses new ones for
// 30 s, as a stopped or unreachable server would.
const (
	outageMessages = 3000
	outageMembers  = 2
	outageAfter    = 15 * time.Second
	outageLength   = 30 * time.Second
)

// TestPostgresOutageCampaign feeds 3,000 COREORs (file drops and webhook
// POSTs) and cuts the database off for 30 s on the way: afterwards every
// message must be delivered exactly once, with no dead letter (every
// message is valid, so any dead letter is one a retry would have saved)
// and no instance exited or restarted by hand.
func TestPostgresOutageCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("PostgreSQL outage campaign: about two minutes; not run with -short")
	}
	t.Parallel() // the campaigns wait on faults more than they compute
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	proxy := newFaultProxy(t, u.Host)
	u.Host = proxy.addr()
	run := startFleetRun(t, outageMembers, u.String(), outageMessages, 0)
	defer run.watch.close()
	r, watch, f, fed, started := run.r, run.watch, run.f, run.fed, run.started
	select {
	case <-time.After(outageAfter): // mid-run
	case err := <-fed:
		t.Fatalf("the feed ended before the outage: %v", err)
	}
	before := watch.count()
	cut := proxy.cut(outageLength)
	time.Sleep(outageLength) // the outage's length
	back := time.Now()
	require.NoError(t, r.exited(), "during the outage")
	require.NoError(t, <-fed, "feeding")
	state := r.settle(outageMessages/2, outageMessages, 3*time.Minute)
	runTime := time.Since(started)
	r.stopAll()

	seen, _ := watch.times()
	resumed := firstAfter(seen, back)
	_, perContainer, dls := run.checkEnd(t, dsn, state)
	transporttest.Figure("postgres outage: %s messages on %d instances, database cut off for %s after %d delivered (%d connections cut); first new outbox file %.1f s after it came back; lost %d, delivered twice %d, dead letters %d, %d POSTs retried; %.0f s to a stable outbox\n",
		thousands(outageMessages), outageMembers, outageLength, before, cut, resumed.Sub(back).Seconds(),
		outageMessages-len(perContainer), countOver(perContainer, 1), len(dls), f.retries, runTime.Seconds())
}

// faultProxy forwards TCP connections to a target and can cut them all and
// refuse new ones for a while.
type faultProxy struct {
	ln          net.Listener
	target      string
	mu          sync.Mutex
	conns       map[net.Conn]struct{} // both ends of every open pair; guarded by mu
	refuseUntil time.Time             // guarded by mu
	wg          sync.WaitGroup
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &faultProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *faultProxy) addr() string { return p.ln.Addr().String() }

func (p *faultProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := time.Now().Before(p.refuseUntil)
		p.mu.Unlock()
		if refuse {
			_ = c.Close()
			continue
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

// forward pipes c to a new connection to the target until either ends.
func (p *faultProxy) forward(c net.Conn) {
	defer p.wg.Done()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	if time.Now().Before(p.refuseUntil) { // cut while dialling
		p.mu.Unlock()
		_ = c.Close()
		_ = s.Close()
		return
	}
	p.conns[c], p.conns[s] = struct{}{}, struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
	<-done
	_ = c.Close()
	_ = s.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

// cut closes every open connection and refuses new ones for d; it returns
// how many connections it cut.
func (p *faultProxy) cut(d time.Duration) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuseUntil = time.Now().Add(d)
	for c := range p.conns {
		_ = c.Close()
	}
	return len(p.conns) / 2
}

func (p *faultProxy) close() {
	_ = p.ln.Close()
	p.cut(0)
	p.wg.Wait()
}
