package http_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	nethttp "net/http"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
)

// script is a partner endpoint answering from a list of statuses (the last
// repeats) and recording each request.
type script struct {
	mu       sync.Mutex
	statuses []int
	header   nethttp.Header // added to every answer
	requests []*nethttp.Request
	bodies   [][]byte
}

func (s *script) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, r)
	s.bodies = append(s.bodies, body)
	status := s.statuses[min(n, len(s.statuses)-1)]
	s.mu.Unlock()
	for k, v := range s.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"error":"partner says no"}`)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// sleeps records the waits of an Outbound instead of waiting.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ds = append(s.ds, d)
	return ctx.Err()
}

func newMsg(outName, payload string) *message.Message {
	msg := message.NewMessage(watermill.NewUUID(), []byte(payload))
	if outName != "" {
		msg.Metadata.Set(transports.MetaOutName, outName)
	}
	return msg
}

func TestOutboundStatuses(t *testing.T) {
	tests := []struct {
		name         string
		statuses     []int
		maxRetries   int
		wantAttempts int
		wantErr      error // nil: delivered
		permanent    bool
		contains     string
	}{
		{name: "2xx at once", statuses: []int{202}, wantAttempts: 1},
		{name: "5xx then success", statuses: []int{503, 500, 204}, wantAttempts: 3},
		{name: "429 then success", statuses: []int{429, 200}, wantAttempts: 2},
		{name: "408 then success", statuses: []int{408, 200}, wantAttempts: 2},
		{name: "4xx not retried", statuses: []int{422}, wantAttempts: 1, wantErr: httptr.ErrRejected, permanent: true, contains: `message evt-1 was rejected by the receiver: answered 422 Unprocessable Entity "{\"error\":\"partner says no\"}"`},
		{name: "401 not retried", statuses: []int{401}, wantAttempts: 1, wantErr: httptr.ErrRejected, permanent: true, contains: "answered 401 Unauthorized"},
		{name: "redirect not followed", statuses: []int{302}, wantAttempts: 1, wantErr: httptr.ErrRejected, permanent: true, contains: "answered 302 Found"},
		{name: "retries exhausted", statuses: []int{500}, maxRetries: 2, wantAttempts: 3, wantErr: httptr.ErrUndelivered, contains: `message evt-1 could not be delivered after 3 attempts: last: answered 500 Internal Server Error`},
		{name: "no retries", statuses: []int{503}, maxRetries: -1, wantAttempts: 1, wantErr: httptr.ErrUndelivered, contains: "after 1 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{statuses: tt.statuses}
			url := newServer(t, s)
			sl := &sleeps{}
			out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: url + "/hook?token=secret", MaxRetries: tt.maxRetries, Sleep: sl.sleep}, nil)
			require.NoError(t, err)
			defer out.Close()

			err = out.Publish("out", newMsg("evt-1", "x"))
			assert.Equal(t, tt.wantAttempts, s.count(), "attempts")
			assert.Len(t, sl.ds, tt.wantAttempts-1, "waits between attempts")
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.permanent, transports.IsPermanent(err))
			assert.Contains(t, err.Error(), tt.contains)
			assert.Contains(t, err.Error(), "POST "+url+"/hook:")
			assert.NotContains(t, err.Error(), "secret", "the query may hold a secret")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

// A receiver's answer to a message that carries a secret is not quoted:
// a receiver may echo what it was sent, and the error reaches logs, dead
// letters and the monitor.
func TestOutboundAnswerOfSecretMessageNotQuoted(t *testing.T) {
	for _, status := range []int{422, 500} {
		url := newServer(t, &script{statuses: []int{status}})
		out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: url + "/hook", MaxRetries: -1, Sleep: (&sleeps{}).sleep}, nil)
		require.NoError(t, err)
		msg := newMsg("evt-1", "x")
		msg.Metadata.Set(transports.MetaSealFiles, "true")
		err = out.Publish("out", msg)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "partner says no", "%d", status)
		assert.Contains(t, err.Error(), "(not shown: the message carries a secret)", "%d", status)
		require.NoError(t, out.Close())
	}
}

func TestOutboundBackoff(t *testing.T) {
	tests := []struct {
		name    string
		backoff time.Duration
		want    []time.Duration // upper bounds; each wait lies in [want/2, want]
	}{
		{name: "doubling", backoff: time.Second, want: []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}},
		{name: "default", want: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{statuses: []int{503}}
			sl := &sleeps{}
			out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: newServer(t, s), Backoff: tt.backoff, MaxRetries: len(tt.want), Sleep: sl.sleep}, nil)
			require.NoError(t, err)
			defer out.Close()

			require.ErrorIs(t, out.Publish("out", newMsg("e", "x")), httptr.ErrUndelivered)
			require.Len(t, sl.ds, len(tt.want))
			for i, d := range sl.ds {
				assert.GreaterOrEqual(t, d, tt.want[i]/2, "wait %d", i)
				assert.LessOrEqual(t, d, tt.want[i], "wait %d", i)
			}
		})
	}
}

func TestOutboundRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   time.Duration
	}{
		{name: "seconds", header: "7", want: 7 * time.Second},
		{name: "capped", header: "86400", want: 30 * time.Second},
		{name: "huge", header: "99999999999999999", want: 30 * time.Second},
		{name: "date", header: time.Now().Add(time.Hour).UTC().Format(nethttp.TimeFormat), want: 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{statuses: []int{429, 204}, header: nethttp.Header{"Retry-After": {tt.header}}}
			sl := &sleeps{}
			out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: newServer(t, s), Sleep: sl.sleep}, nil)
			require.NoError(t, err)
			defer out.Close()

			require.NoError(t, out.Publish("out", newMsg("e", "x")))
			assert.Equal(t, []time.Duration{tt.want}, sl.ds)
		})
	}
}

func TestOutboundRequest(t *testing.T) {
	tests := []struct {
		name    string
		cfg     httptr.OutboundConfig
		msg     func() *message.Message
		headers map[string]string // expected request headers; "*" means present
	}{
		{
			name: "bearer and defaults",
			cfg:  httptr.OutboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}},
			msg:  func() *message.Message { return newMsg("evt-1", "UNB'") },
			headers: map[string]string{
				"Authorization": "Bearer " + testToken, "Idempotency-Key": "evt-1",
				"Content-Type": "application/octet-stream", "User-Agent": "pcsgate",
			},
		},
		{
			name: "content type of the message",
			msg: func() *message.Message {
				m := newMsg("evt-2", "{}")
				m.Metadata.Set(transports.MetaContentType, "application/json")
				return m
			},
			headers: map[string]string{"Content-Type": "application/json", "Authorization": ""},
		},
		{
			name: "configured content type and headers",
			cfg:  httptr.OutboundConfig{ContentType: "application/xml", Headers: map[string]string{"X-Api-Key": "k-123", "X-Partner": "MSCU"}},
			msg: func() *message.Message {
				m := newMsg("evt-3", "<a/>")
				m.Metadata.Set(transports.MetaContentType, "application/json")
				return m
			},
			headers: map[string]string{"Content-Type": "application/xml", "X-Api-Key": "k-123", "X-Partner": "MSCU"},
		},
		{
			name:    "hmac signature",
			cfg:     httptr.OutboundConfig{Auth: httptr.AuthConfig{HMACSecret: testSecret, HMACHeader: "X-Hub-Signature-256"}},
			msg:     func() *message.Message { return newMsg("evt-4", "signed body") },
			headers: map[string]string{"X-Hub-Signature-256": signature("signed body")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{statuses: []int{204}}
			tt.cfg.URL = newServer(t, s)
			out, err := httptr.NewOutbound(tt.cfg, nil)
			require.NoError(t, err)
			defer out.Close()

			require.NoError(t, out.Publish("out", tt.msg()))
			require.Equal(t, 1, s.count())
			r := s.requests[0]
			assert.Equal(t, nethttp.MethodPost, r.Method)
			for k, v := range tt.headers {
				assert.Equal(t, v, r.Header.Get(k), k)
			}
		})
	}
}

func TestOutboundSignatureVerifies(t *testing.T) {
	s := &script{statuses: []int{204}}
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: newServer(t, s), Auth: httptr.AuthConfig{HMACSecret: testSecret}}, nil)
	require.NoError(t, err)
	defer out.Close()
	require.NoError(t, out.Publish("out", newMsg("e", "payload")))

	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(s.bodies[0])
	assert.Equal(t, "sha256="+hex.EncodeToString(mac.Sum(nil)), s.requests[0].Header.Get("X-Signature-256"))
}

func TestOutboundTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	url := newServer(t, nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: url, Timeout: 20 * time.Millisecond, MaxRetries: -1}, nil)
	require.NoError(t, err)
	defer out.Close()

	err = out.Publish("out", newMsg("e", "x"))
	require.ErrorIs(t, err, httptr.ErrUndelivered)
	assert.False(t, transports.IsPermanent(err))
	assert.Contains(t, err.Error(), "last: no answer within 20ms")
}

func TestOutboundNetworkFailure(t *testing.T) {
	sl := &sleeps{}
	// Nothing listens on port 1 of the loopback address.
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: "http://127.0.0.1:1/hook", MaxRetries: 1, Sleep: sl.sleep}, nil)
	require.NoError(t, err)
	defer out.Close()

	err = out.Publish("out", newMsg("e", "x"))
	require.ErrorIs(t, err, httptr.ErrUndelivered)
	assert.False(t, transports.IsPermanent(err))
	assert.Contains(t, err.Error(), "POST http://127.0.0.1:1/hook: message e could not be delivered after 2 attempts: last: dial tcp")
}

func TestOutboundCloseInterruptsBackoff(t *testing.T) {
	hit := make(chan struct{}, 1)
	url := newServer(t, nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		select {
		case hit <- struct{}{}:
		default:
		}
		w.WriteHeader(nethttp.StatusServiceUnavailable)
	}))
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: url, Backoff: time.Hour}, nil)
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() { done <- out.Publish("out", newMsg("e", "x")) }()
	<-hit // the first attempt failed; Publish now waits an hour
	require.NoError(t, out.Close())
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		assert.False(t, transports.IsPermanent(err))
	case <-time.After(5 * time.Second):
		require.FailNow(t, "Close did not interrupt the wait")
	}
}

func TestOutboundMessageContext(t *testing.T) {
	s := &script{statuses: []int{204}}
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: newServer(t, s)}, nil)
	require.NoError(t, err)
	defer out.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msg := newMsg("e", "x")
	msg.SetContext(ctx)

	require.ErrorIs(t, out.Publish("out", msg), context.Canceled)
	assert.Zero(t, s.count())
}
