package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
)

// endpoint is an Inbound behind a test server, with a subscription.
type endpoint struct {
	in   *httptr.Inbound
	url  string
	msgs <-chan *message.Message
}

func newEndpoint(t *testing.T, cfg httptr.InboundConfig) *endpoint {
	t.Helper()
	if cfg.Path == "" {
		cfg.Path = "/in/test"
	}
	in, err := httptr.NewInbound(cfg, nil)
	require.NoError(t, err)
	srv := httptest.NewServer(in)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { require.NoError(t, in.Close()) })
	msgs, err := in.Subscribe(context.Background(), "test-hook")
	require.NoError(t, err)
	return &endpoint{in: in, url: srv.URL + cfg.Path, msgs: msgs}
}

// answer is a response as the sender sees it.
type answer struct {
	status int
	header nethttp.Header
	body   string
}

// json decodes the one-line JSON body.
func (a answer) json(t *testing.T) map[string]string {
	t.Helper()
	require.True(t, strings.HasSuffix(a.body, "\n"), "body ends its line: %q", a.body)
	require.Equal(t, 1, strings.Count(a.body, "\n"), "body is one line: %q", a.body)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(a.body), &m), a.body)
	return m
}

// post sends one request; headers are name/value pairs.
func post(t *testing.T, url string, body []byte, headers ...string) answer {
	t.Helper()
	return request(t, nethttp.MethodPost, url, body, headers...)
}

// request sends one request; headers are name/value pairs.
func request(t *testing.T, method, url string, body []byte, headers ...string) answer {
	t.Helper()
	req, err := nethttp.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := nethttp.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// postAsync sends one request from a goroutine.
func postAsync(t *testing.T, url string, body []byte, headers ...string) <-chan answer {
	t.Helper()
	ch := make(chan answer, 1)
	go func() {
		req, err := nethttp.NewRequest(nethttp.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			ch <- answer{}
			return
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			ch <- answer{}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		ch <- answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
	}()
	return ch
}

func await(t *testing.T, ch <-chan answer) answer {
	t.Helper()
	select {
	case a := <-ch:
		require.NotZero(t, a.status, "the request failed")
		return a
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no answer")
		return answer{}
	}
}

func (e *endpoint) receive(t *testing.T) *message.Message {
	t.Helper()
	select {
	case msg := <-e.msgs:
		require.NotNil(t, msg)
		return msg
	case <-time.After(5 * time.Second):
		require.FailNow(t, "no message")
		return nil
	}
}

// ackAll acks every message until the test ends and returns what it got.
func (e *endpoint) ackAll(t *testing.T) func() []*message.Message {
	var mu sync.Mutex
	var got []*message.Message
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range e.msgs {
			mu.Lock()
			got = append(got, msg)
			mu.Unlock()
			msg.Ack()
		}
	}()
	t.Cleanup(func() { <-done })
	return func() []*message.Message {
		mu.Lock()
		defer mu.Unlock()
		return append([]*message.Message(nil), got...)
	}
}

var bearer = []string{"Authorization", "Bearer " + testToken, "Content-Type", "application/edifact"}

func withHeaders(base []string, more ...string) []string {
	return append(append([]string(nil), base...), more...)
}

func assertError(t *testing.T, a answer, status int, contains string) {
	t.Helper()
	assert.Equal(t, status, a.status, a.body)
	assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	assert.Contains(t, a.json(t)["error"], contains)
}
