//go:build integration

package http_test

import (
	"bytes"
	"io"
	"net"
	nethttp "net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
)

// zeros is an endless body that holds no memory.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}

// TestFloodWithoutCredentials: 40 clients each send an 8 MiB-1 body to an
// HMAC endpoint, half without a signature, half with a forged one; the
// process stays under 128 MB and a valid sender still gets 202. The flood
// comes from two addresses, each under the per-client cap, so that all 40
// bodies arrive at once; the valid sender has a third.
func TestFloodWithoutCredentials(t *testing.T) {
	in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/test", Auth: httptr.AuthConfig{HMACSecret: testSecret}}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = in.Close() })
	msgs, err := in.Subscribe(t.Context(), "test-hook")
	require.NoError(t, err)
	go func() {
		for m := range msgs {
			m.Ack()
		}
	}()
	addr := startServer(t, in, httptr.ServerConfig{})
	url := "http://" + addr + "/in/test"
	clientFrom := func(ip string) *nethttp.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
		return &nethttp.Client{Timeout: 60 * time.Second, Transport: &nethttp.Transport{DisableKeepAlives: true, DialContext: d.DialContext}}
	}
	flooders := []*nethttp.Client{clientFrom("127.0.0.1"), clientFrom("127.0.0.3")}
	client := clientFrom("127.0.0.2")

	const size = 8<<20 - 1
	forged := "sha256=" + strings.Repeat("ab", 32)
	var wg sync.WaitGroup
	statuses := make(chan string, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := nethttp.NewRequest(nethttp.MethodPost, url, io.LimitReader(zeros{}, size))
			if err != nil {
				statuses <- err.Error()
				return
			}
			req.ContentLength = size
			req.Header.Set("Content-Type", "application/json")
			if i%2 == 1 {
				req.Header.Set("X-Signature-256", forged)
			}
			res, err := flooders[i%2].Do(req)
			if err != nil {
				statuses <- "refused: " + err.Error() // the connection was closed under the body
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses <- strconv.Itoa(res.StatusCode)
		}()
	}

	// A valid sender gets through meanwhile, retrying on 503 as told.
	body := []byte(`{"valid":true}`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, err := nethttp.NewRequest(nethttp.MethodPost, url, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature-256", signature(string(body)))
		res, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == nethttp.StatusAccepted {
			break
		}
		require.Equal(t, nethttp.StatusServiceUnavailable, res.StatusCode)
		require.True(t, time.Now().Before(deadline), "the valid sender never got 202")
		time.Sleep(50 * time.Millisecond) // the sender's retry back-off
	}

	wg.Wait()
	close(statuses)
	for s := range statuses {
		assert.NotEqual(t, "202", s, "a flood request was accepted")
	}
	peak := peakRSS(t)
	t.Logf("peak RSS %d MB", peak>>20)
	if raceEnabled {
		t.Skip("the race detector multiplies memory: peak RSS not checked")
	}
	assert.Less(t, peak, int64(128<<20), "peak RSS")
}
