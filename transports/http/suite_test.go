package http_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"mime"
	nethttp "net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/transporttest"
)

const testToken = "s3cr3t-t0ken"

func TestSuite(t *testing.T) {
	features := transporttest.Features{AtLeastOnce: true, Dedupe: true, CollapsesDuplicates: true, KeepsNames: true}
	transporttest.Run(t, features, transporttest.Harness{NewInbound: newSuiteInbound, NewOutbound: newSuiteOutbound})
}

// partner is a webhook sender that behaves as partners are asked to:
// it retries after 503 and network failures until acknowledged, and gives
// up on other answers.
type partner struct {
	url    string
	client *nethttp.Client
	ctx    context.Context
	wg     sync.WaitGroup

	mu    sync.Mutex
	acked []string
}

func newPartner(t *testing.T, url string) *partner {
	ctx, cancel := context.WithCancel(context.Background())
	p := &partner{url: url, client: &nethttp.Client{Transport: &nethttp.Transport{}}, ctx: ctx}
	t.Cleanup(func() {
		cancel()
		p.wg.Wait()
		p.client.CloseIdleConnections()
	})
	return p
}

func (p *partner) send(name string, payload []byte) error {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for p.ctx.Err() == nil {
			status := p.post(name, payload)
			switch {
			case status == nethttp.StatusAccepted:
				p.mu.Lock()
				p.acked = append(p.acked, name)
				p.mu.Unlock()
				return
			case status == nethttp.StatusServiceUnavailable || status == 0:
				select { // a partner's pause before retrying
				case <-p.ctx.Done():
				case <-time.After(5 * time.Millisecond):
				}
			default:
				return
			}
		}
	}()
	return nil
}

// post sends once and returns the status, 0 on a network failure.
func (p *partner) post(name string, payload []byte) int {
	req, err := nethttp.NewRequestWithContext(p.ctx, nethttp.MethodPost, p.url, bytes.NewReader(payload))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/edifact")
	req.Header.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	resp, err := p.client.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func (p *partner) ackedNames() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.acked)
}

func newSuiteInbound(t *testing.T) transporttest.Inbound {
	in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/test", Auth: httptr.AuthConfig{Bearer: testToken}, Timeout: 5 * time.Second}, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	p := newPartner(t, srv.URL+in.Path())
	return transporttest.Inbound{Sub: in, Send: p.send, Acked: p.ackedNames}
}

// receiver is a partner's webhook endpoint: it keeps the latest body per
// Idempotency-Key, as an idempotent receiver would.
type receiver struct {
	mu   sync.Mutex
	got  map[string][]byte
	hits int
}

func (rc *receiver) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(nethttp.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.hits++
	rc.got[r.Header.Get("Idempotency-Key")] = body
	w.WriteHeader(nethttp.StatusNoContent)
}

func (rc *receiver) delivered() map[string][]byte {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return maps.Clone(rc.got)
}

func newSuiteOutbound(t *testing.T) transporttest.Outbound {
	rc := &receiver{got: map[string][]byte{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: srv.URL + "/hook", Auth: httptr.AuthConfig{Bearer: testToken}}, nil)
	require.NoError(t, err)
	return transporttest.Outbound{Pub: out, Delivered: rc.delivered}
}
