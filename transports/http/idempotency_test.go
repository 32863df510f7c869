package http_test

import (
	"fmt"
	nethttp "net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
)

func TestIdempotency(t *testing.T) {
	type req struct {
		body string
		key  string // Idempotency-Key header; "" sends none
		want string // "accepted" (a new message) or "duplicate"
	}
	tests := []struct {
		name       string
		recentKeys int
		reqs       []req
	}{
		{name: "same key twice", reqs: []req{{"a", "k1", "accepted"}, {"a", "k1", "duplicate"}}},
		{name: "same key, other body", reqs: []req{{"a", "k1", "accepted"}, {"b", "k1", "duplicate"}}},
		{name: "same body, no key", reqs: []req{{"a", "", "accepted"}, {"a", "", "duplicate"}}},
		{name: "other body, no key", reqs: []req{{"a", "", "accepted"}, {"b", "", "accepted"}}},
		{name: "same body, other keys", reqs: []req{{"a", "k1", "accepted"}, {"a", "k2", "accepted"}}},
		{name: "evicted key delivers again", recentKeys: 2, reqs: []req{
			{"a", "k1", "accepted"}, {"b", "k2", "accepted"}, {"c", "k3", "accepted"}, {"a", "k1", "accepted"},
		}},
		{name: "recently used key stays", recentKeys: 2, reqs: []req{
			{"a", "k1", "accepted"}, {"b", "k2", "accepted"}, {"a", "k1", "duplicate"}, {"c", "k3", "accepted"}, {"a", "k1", "duplicate"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}, RecentKeys: tt.recentKeys})
			got := e.ackAll(t)
			wantMessages := 0
			for i, r := range tt.reqs {
				headers := bearer
				if r.key != "" {
					headers = withHeaders(bearer, "Idempotency-Key", r.key)
				}
				a := post(t, e.url, []byte(r.body), headers...)
				require.Equal(t, nethttp.StatusAccepted, a.status, a.body)
				assert.Equal(t, r.want, a.json(t)["status"], "request %d", i)
				if r.want == "accepted" {
					wantMessages++
				}
			}
			require.NoError(t, e.in.Close())
			assert.Len(t, got(), wantMessages)
		})
	}
}

func TestIdempotencyWhileInFlight(t *testing.T) {
	e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}})
	headers := withHeaders(bearer, "Idempotency-Key", "evt-7")
	first := postAsync(t, e.url, []byte("x"), headers...)
	msg := e.receive(t)
	second := postAsync(t, e.url, []byte("x"), headers...)

	require.True(t, msg.Ack())
	a1, a2 := await(t, first), await(t, second)
	assert.Equal(t, nethttp.StatusAccepted, a1.status)
	assert.Equal(t, nethttp.StatusAccepted, a2.status)
	assert.Equal(t, a1.json(t)["messageId"], a2.json(t)["messageId"], "the repeat names the first message")

	// Had the repeat become a message, it would arrive before this one.
	third := postAsync(t, e.url, []byte("other"), bearer...)
	next := e.receive(t)
	assert.Equal(t, "other", string(next.Payload))
	require.True(t, next.Ack())
	assert.Equal(t, nethttp.StatusAccepted, await(t, third).status)
}

func TestIdempotencyAfterFailedFirst(t *testing.T) {
	e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}})
	headers := withHeaders(bearer, "Idempotency-Key", "evt-8")
	first := postAsync(t, e.url, []byte("x"), headers...)
	msg := e.receive(t)
	second := postAsync(t, e.url, []byte("x"), headers...)

	// The first fails; the waiting repeat delivers the message itself.
	require.True(t, msg.Nack())
	assert.Equal(t, nethttp.StatusServiceUnavailable, await(t, first).status)
	retry := e.receive(t)
	assert.Equal(t, "x", string(retry.Payload))
	require.True(t, retry.Ack())
	a := await(t, second)
	assert.Equal(t, nethttp.StatusAccepted, a.status)
	assert.Equal(t, "accepted", a.json(t)["status"])
}

func TestManyConcurrentSenders(t *testing.T) {
	e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}})
	got := e.ackAll(t)
	const n = 40
	pending := make([]<-chan answer, n)
	for i := range n {
		pending[i] = postAsync(t, e.url, []byte(fmt.Sprintf("msg %d", i%20)), bearer...) // every body twice
	}
	statuses := map[string]int{}
	for _, p := range pending {
		a := await(t, p)
		require.Equal(t, nethttp.StatusAccepted, a.status, a.body)
		statuses[a.json(t)["status"]]++
	}
	require.NoError(t, e.in.Close())
	assert.Equal(t, map[string]int{"accepted": 20, "duplicate": 20}, statuses)
	assert.Len(t, got(), 20)
}
