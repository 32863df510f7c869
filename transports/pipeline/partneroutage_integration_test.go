//go:build integration

package pipeline_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
	"github.com/nexport/pcsgate/transports/transporttest"
)

// The partner outage campaign: an HTTP partner answers 500 or lets the
// request time out for a minute, then recovers.
const (
	partnerMessages = 300
	partnerFeedRate = 10 // messages per second
	partnerOutage   = time.Minute
)

// TestPartnerOutageCampaign drops 300 COREORs routed to an http_out
// endpoint (default timeout and retries) whose partner fails every POST
// for a minute, every other one by answering 500 and the rest by not
// answering before the 10 s timeout. Afterwards the partner must have
// accepted every container exactly once, every POST of a container must
// have carried the same Idempotency-Key, and no message may be a dead
// letter.
func TestPartnerOutageCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("partner outage campaign: about two minutes; not run with -short")
	}
	t.Parallel() // the campaigns wait on faults more than they compute
	g := newCrashGateway(t, "inbox", "outbox")
	p := newFlakyPartner(partnerOutage)
	srv := httptest.NewServer(p)
	defer srv.Close()
	g.config = writePartnerConfig(t, g, srv.URL)
	g.start()
	started := time.Now()
	require.NoError(t, feed(g.inbox, partnerMessages, partnerFeedRate))
	waitErr := p.waitAccepted(t, partnerMessages, partnerOutage+4*time.Minute, g.exited)
	recovered := p.recoverAt
	lastAccepted := p.last()
	g.stop()
	require.NoError(t, waitErr)

	st, err := store.Open(context.Background(), "sqlite:"+g.db, watermill.NopLogger{})
	require.NoError(t, err)
	defer st.Close()
	dls := checkNoDeadLetters(t, st)
	p.mu.Lock()
	defer p.mu.Unlock()
	twice, keys := 0, 0
	for i := range partnerMessages {
		c := workloadContainer(i)
		assert.Equal(t, 1, p.accepted[c], "%s accepted", c)
		if p.accepted[c] > 1 {
			twice++
		}
		keys += len(p.keys[c])
		assert.Len(t, p.keys[c], 1, "Idempotency-Keys of %s's POSTs: %v", c, p.keys[c])
	}
	transporttest.Figure("partner outage: %d messages, partner failing for %s (%d POSTs answered 500, %d left to time out, %d accepted); every message accepted %.1f s after the partner recovered (%.0f s in all); accepted twice %d, distinct Idempotency-Keys %d for %d containers, dead letters %d\n",
		partnerMessages, partnerOutage, p.failed, p.hung, p.ok, lastAccepted.Sub(recovered).Seconds(), lastAccepted.Sub(started).Seconds(),
		twice, keys, partnerMessages, len(dls))
}

// writePartnerConfig writes the configuration: SQLite, the inbox and
// NLRTM routed to the partner's URL.
func writePartnerConfig(t *testing.T, g *crashGateway, url string) string {
	cfg := fmt.Sprintf(`store: sqlite:%s
monitor:
  listen: %s
endpoints:
  - name: portbase-in
    direction: in
    transport: filedrop
    filedrop:
      dir: %s
      settle: 20ms
      poll: 250ms
  - name: partner-out
    direction: out
    transport: http
    http_out:
      url: %s
routes:
  - match: {ports: [NLRTM]}
    endpoint: partner-out
    profile: portbase/coreor
    to_source: true
`, g.db, g.addr, g.inbox, url)
	path := filepath.Join(g.dir, "pcsgate.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// flakyPartner fails every POST until recoverAt, alternately with a 500
// and by not answering until the client gives up; then it accepts them
// and records, per container, the answers 2xx and the Idempotency-Keys.
type flakyPartner struct {
	recoverAt        time.Time
	mu               sync.Mutex
	accepted         map[string]int                 // guarded by mu
	keys             map[string]map[string]struct{} // guarded by mu
	failed, hung, ok int                            // guarded by mu
	lastOK           time.Time                      // guarded by mu
	changed          chan struct{}
}

func newFlakyPartner(outage time.Duration) *flakyPartner {
	return &flakyPartner{recoverAt: time.Now().Add(outage), accepted: map[string]int{},
		keys: map[string]map[string]struct{}{}, changed: make(chan struct{}, 1)}
}

func (p *flakyPartner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	cs := containersOf(body)
	if err != nil || len(cs) != 1 {
		http.Error(w, "one COREOR container expected", http.StatusBadRequest)
		return
	}
	c := cs[0]
	p.mu.Lock()
	if p.keys[c] == nil {
		p.keys[c] = map[string]struct{}{}
	}
	p.keys[c][r.Header.Get("Idempotency-Key")] = struct{}{}
	failing := time.Now().Before(p.recoverAt)
	hang := failing && (p.failed+p.hung)%2 == 1
	switch {
	case hang:
		p.hung++
	case failing:
		p.failed++
	default:
		p.ok++
		p.accepted[c]++
		p.lastOK = time.Now()
	}
	p.mu.Unlock()
	switch {
	case hang:
		<-r.Context().Done() // the client's timeout
	case failing:
		http.Error(w, "partner down", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusOK)
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
}

// waitAccepted returns once n containers were accepted, or an error after
// timeout; the test fails at once when the gateway exits.
func (p *flakyPartner) waitAccepted(t *testing.T, n int, timeout time.Duration, exited <-chan error) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		got := len(p.accepted)
		p.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-p.changed:
		case err := <-exited:
			t.Fatalf("pcsgate exited by itself: %v", err)
		case <-deadline.C:
			return fmt.Errorf("%d of %d containers accepted after %s", got, n, timeout)
		}
	}
}

// last is when the partner last accepted a POST.
func (p *flakyPartner) last() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastOK
}
