package http_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
)

// countingHandler counts the body bytes h reads.
type countingHandler struct {
	h    nethttp.Handler
	read atomic.Int64
}

func (c *countingHandler) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	r.Body = &countingBody{ReadCloser: r.Body, n: &c.read}
	c.h.ServeHTTP(w, r)
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// rawServer serves h behind srv (or a plain test server) and returns its
// address.
func startServer(t *testing.T, h nethttp.Handler, cfg httptr.ServerConfig) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv, lln := httptr.NewServer(h, ln, cfg)
	go func() { _ = srv.Serve(lln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// rawRequest writes a POST's headers announcing size bytes of body and the
// first part of that body.
func rawRequest(t *testing.T, addr string, headers []string, size int64, first []byte) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	var b strings.Builder
	fmt.Fprintf(&b, "POST /in/test HTTP/1.1\r\nHost: pcsgate\r\nContent-Length: %d\r\n", size)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	b.WriteString("\r\n")
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Write([]byte(b.String()))
	require.NoError(t, err)
	_, err = c.Write(first)
	require.NoError(t, err)
	return c
}

// TestUnauthenticatedBodyIsNotRead: a request without valid credentials is
// answered 401 after the first 64 KiB of its 8 MiB body, none of which the
// endpoint reads, and its connection is closed before the client can send
// the rest.
func TestUnauthenticatedBodyIsNotRead(t *testing.T) {
	ct := []string{"Content-Type", "application/json"}
	tests := []struct {
		name     string
		auth     httptr.AuthConfig
		headers  []string
		contains string
	}{
		{"no token", httptr.AuthConfig{Bearer: testToken}, ct, "missing bearer token"},
		{"wrong token", httptr.AuthConfig{Bearer: testToken}, withHeaders(ct, "Authorization", "Bearer nope"), "wrong bearer token"},
		{"no signature", httptr.AuthConfig{HMACSecret: testSecret}, ct, "missing signature"},
		{"malformed signature", httptr.AuthConfig{HMACSecret: testSecret}, withHeaders(ct, "X-Signature-256", "sha256=zz"), "malformed signature"},
		{"signature of the wrong length", httptr.AuthConfig{HMACSecret: testSecret}, withHeaders(ct, "X-Signature-256", "sha256=abcd"), "malformed signature"},
		{"token right, no signature", httptr.AuthConfig{Bearer: testToken, HMACSecret: testSecret}, withHeaders(ct, "Authorization", "Bearer "+testToken), "missing signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/test", Auth: tt.auth}, nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = in.Close() })
			h := &countingHandler{h: in}
			addr := startServer(t, h, httptr.ServerConfig{})

			const size = 8<<20 - 1
			chunk := []byte(strings.Repeat("x", 64<<10))
			c := rawRequest(t, addr, tt.headers, size, chunk)
			// The answer comes while the body is still being sent.
			res, err := nethttp.ReadResponse(bufio.NewReader(c), nil)
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			assert.Equal(t, nethttp.StatusUnauthorized, res.StatusCode, string(body))
			assert.Contains(t, string(body), tt.contains)
			assert.True(t, res.Close, "the connection is closed after a 401")
			assert.Zero(t, h.read.Load(), "body bytes read by the endpoint")

			// The rest of the body cannot be streamed in.
			sent := int64(len(chunk))
			for sent < size {
				n, err := c.Write(chunk)
				sent += int64(n)
				if err != nil {
					break
				}
			}
			assert.Less(t, sent, int64(size), "the whole body could be sent")
		})
	}
}

// TestUnverifiedBodiesAreBounded: an endpoint that authenticates by
// signature alone reads at most MaxUnverified bodies at once; a request
// beyond that is answered 503 without reading its body, and the first one
// still goes through once its body is complete.
func TestUnverifiedBodiesAreBounded(t *testing.T) {
	in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/test", Auth: httptr.AuthConfig{HMACSecret: testSecret}, MaxUnverified: 1}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = in.Close() })
	msgs, err := in.Subscribe(t.Context(), "test-hook")
	require.NoError(t, err)
	go func() {
		for m := range msgs {
			m.Ack()
		}
	}()
	h := &countingHandler{h: in}
	addr := startServer(t, h, httptr.ServerConfig{})

	body := `{"a":1}`
	headers := []string{"Content-Type", "application/json", "X-Signature-256", signature(body)}
	slow := rawRequest(t, addr, headers, int64(len(body)), []byte(body[:2]))
	// Wait until the endpoint reads the first request's body.
	deadline := time.Now().Add(5 * time.Second)
	for h.read.Load() == 0 {
		require.True(t, time.Now().Before(deadline), "the first body was not read")
		time.Sleep(time.Millisecond)
	}

	second := rawRequest(t, addr, headers, 8<<20-1, []byte("x"))
	res, err := nethttp.ReadResponse(bufio.NewReader(second), nil)
	require.NoError(t, err)
	assert.Equal(t, nethttp.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	assert.True(t, res.Close)
	assert.Equal(t, int64(2), h.read.Load(), "only the first request's bytes were read")

	_, err = slow.Write([]byte(body[2:]))
	require.NoError(t, err)
	res, err = nethttp.ReadResponse(bufio.NewReader(slow), nil)
	require.NoError(t, err)
	assert.Equal(t, nethttp.StatusAccepted, res.StatusCode)
}

func TestNewServerBounds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	srv, _ := httptr.NewServer(nethttp.NotFoundHandler(), ln, httptr.ServerConfig{})
	assert.Equal(t, httptr.DefaultReadHeaderTimeout, srv.ReadHeaderTimeout)
	assert.Equal(t, httptr.DefaultReadTimeout, srv.ReadTimeout)
	assert.Equal(t, httptr.DefaultWriteTimeout, srv.WriteTimeout)
	assert.Equal(t, httptr.DefaultIdleTimeout, srv.IdleTimeout)
	assert.Equal(t, httptr.DefaultMaxHeaderBytes, srv.MaxHeaderBytes)

	srv, _ = httptr.NewServer(nethttp.NotFoundHandler(), ln, httptr.ServerConfig{ReadTimeout: time.Second, WriteTimeout: 2 * time.Second, IdleTimeout: 3 * time.Second, ReadHeaderTimeout: 4 * time.Second, MaxHeaderBytes: 1000})
	assert.Equal(t, time.Second, srv.ReadTimeout)
	assert.Equal(t, 2*time.Second, srv.WriteTimeout)
	assert.Equal(t, 3*time.Second, srv.IdleTimeout)
	assert.Equal(t, 4*time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 1000, srv.MaxHeaderBytes)
}

// TestSlowBodyIsCutOff: a body sent too slowly ends with the read timeout.
func TestSlowBodyIsCutOff(t *testing.T) {
	readErr := make(chan error, 1)
	h := nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	})
	addr := startServer(t, h, httptr.ServerConfig{ReadTimeout: 200 * time.Millisecond})
	c := rawRequest(t, addr, nil, 100, []byte("0123456789"))
	start := time.Now()
	select {
	case err := <-readErr:
		require.Error(t, err, "the handler read a body that never came")
	case <-time.After(5 * time.Second):
		require.FailNow(t, "the slow body was not cut off")
	}
	assert.Less(t, time.Since(start), 3*time.Second)
	_, err := io.ReadAll(c) // the server closes the connection
	require.NoError(t, err)
}

// TestIdleConnectionIsClosed: a kept-alive connection without a request is
// closed after the idle timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	addr := startServer(t, nethttp.NotFoundHandler(), httptr.ServerConfig{IdleTimeout: 200 * time.Millisecond})
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = c.Write([]byte("GET / HTTP/1.1\r\nHost: pcsgate\r\n\r\n"))
	require.NoError(t, err)
	br := bufio.NewReader(c)
	res, err := nethttp.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.ReadAll(res.Body)
	assert.False(t, res.Close)
	start := time.Now()
	_, err = br.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the idle connection was closed")
	assert.Less(t, time.Since(start), 3*time.Second)
}

// dialFrom dials addr from the loopback address from (127.0.0.2 and up
// are loopback on Linux too), so that tests can play several clients.
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// assertClosedUnanswered: the server closed c without a byte of answer.
func assertClosedUnanswered(t *testing.T, c net.Conn) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	n, err := c.Read(make([]byte, 1))
	assert.Zero(t, n)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		assert.Fail(t, "the connection was left open")
		return
	}
	assert.Error(t, err, "EOF or reset expected")
}

// TestLimitListener: at most n connections are accepted at once, whoever
// the clients are; closing one lets the next in.
func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := httptr.LimitListener(inner, 2, 2, nil)
	defer ln.Close()
	addr := inner.Addr().String()
	for _, from := range []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"} {
		dialFrom(t, from, addr)
	}
	a, err := ln.Accept()
	require.NoError(t, err)
	b, err := ln.Accept()
	require.NoError(t, err)
	defer b.Close()
	third := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			third <- c
		}
		close(third)
	}()
	select {
	case <-third:
		require.FailNow(t, "a third connection was accepted while two are open")
	case <-time.After(100 * time.Millisecond):
	}
	require.NoError(t, a.Close())
	select {
	case c, ok := <-third:
		require.True(t, ok, "Accept failed")
		require.NoError(t, c.Close())
	case <-time.After(5 * time.Second):
		require.FailNow(t, "the third connection was not accepted after one closed")
	}
	_ = a.Close() // a second Close releases no second slot
}

// TestLimitListenerPerClient: a client over its cap has its connection
// closed unanswered while another client's is accepted next; once one of
// its connections closes, the client gets one in again, and only one.
func TestLimitListenerPerClient(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	logs := watermill.NewCaptureLogger()
	ln := httptr.LimitListener(inner, 10, 2, logs)
	defer ln.Close()
	addr := inner.Addr().String()
	accept := func() net.Conn {
		t.Helper()
		c, err := ln.Accept()
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	remote := func(c net.Conn) string { return c.RemoteAddr().(*net.TCPAddr).IP.String() }

	dialFrom(t, "127.0.0.1", addr)
	dialFrom(t, "127.0.0.1", addr)
	a1 := accept()
	accept()
	over := dialFrom(t, "127.0.0.1", addr)
	overAgain := dialFrom(t, "127.0.0.1", addr)
	dialFrom(t, "127.0.0.2", addr)
	// The kernel queues in order: both of 127.0.0.1's are refused first.
	assert.Equal(t, "127.0.0.2", remote(accept()))
	assertClosedUnanswered(t, over)
	assertClosedUnanswered(t, overAgain)
	assert.Len(t, logs.Captured()[watermill.InfoLogLevel], 1, "one line for two refusals")

	require.NoError(t, a1.Close())
	dialFrom(t, "127.0.0.1", addr)
	later := dialFrom(t, "127.0.0.1", addr)
	dialFrom(t, "127.0.0.3", addr)
	assert.Equal(t, "127.0.0.1", remote(accept()), "a slot freed")
	assert.Equal(t, "127.0.0.3", remote(accept()), "one slot freed, not two")
	assertClosedUnanswered(t, later)
	assert.Len(t, logs.Captured()[watermill.InfoLogLevel], 1, "still one line within the minute")
}

// TestSlowHeaderFloodDoesNotStarve (review finding: one client opening more
// sockets than the server's cap, each sending half a header, kept /healthz
// from answering): the flooding client gets its share of connections, and
// another client is still answered at once.
func TestSlowHeaderFloodDoesNotStarve(t *testing.T) {
	addr := startServer(t, nethttp.NotFoundHandler(), httptr.ServerConfig{MaxConns: 8, MaxConnsPerClient: 4})
	for range 10 {
		c := dialFrom(t, "127.0.0.1", addr)
		_, _ = c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: pcs")) // refused ones may be reset already
	}
	c := dialFrom(t, "127.0.0.2", addr)
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	_, err := c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: pcsgate\r\n\r\n"))
	require.NoError(t, err)
	res, err := nethttp.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "the second client was not answered")
	assert.Equal(t, nethttp.StatusNotFound, res.StatusCode)
}

// TestServerCapsConnections: with MaxConns 1, a second client is served
// only once the first connection ends.
func TestServerCapsConnections(t *testing.T) {
	addr := startServer(t, nethttp.NotFoundHandler(), httptr.ServerConfig{MaxConns: 1})
	first, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_, err = first.Write([]byte("GET / HTTP/1.1\r\nHost: pcsgate\r\n\r\n"))
	require.NoError(t, err)
	require.NoError(t, first.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = nethttp.ReadResponse(bufio.NewReader(first), nil)
	require.NoError(t, err) // first is accepted and kept alive

	answered := make(chan int, 1)
	go func() {
		res, err := (&nethttp.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/")
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	select {
	case <-answered:
		require.FailNow(t, "a second connection was served while the first is open")
	case <-time.After(100 * time.Millisecond):
	}
	require.NoError(t, first.Close())
	select {
	case status := <-answered:
		assert.Equal(t, nethttp.StatusNotFound, status)
	case <-time.After(5 * time.Second):
		require.FailNow(t, "the second client was not served")
	}
}
