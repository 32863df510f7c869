package http_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
)

const testSecret = "shared-hmac-secret"

func signature(body string) string {
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestInboundRefusals(t *testing.T) {
	ct := []string{"Content-Type", "application/json"}
	tests := []struct {
		name     string
		auth     httptr.AuthConfig
		method   string
		body     string
		headers  []string
		status   int
		contains string
	}{
		{name: "no token", auth: httptr.AuthConfig{Bearer: testToken}, body: "{}", headers: ct, status: 401, contains: "missing bearer token"},
		{name: "wrong token", auth: httptr.AuthConfig{Bearer: testToken}, body: "{}", headers: withHeaders(ct, "Authorization", "Bearer nope"), status: 401, contains: "wrong bearer token"},
		{name: "token as prefix", auth: httptr.AuthConfig{Bearer: testToken}, body: "{}", headers: withHeaders(ct, "Authorization", "Bearer "+testToken+"x"), status: 401, contains: "wrong bearer token"},
		{name: "basic scheme", auth: httptr.AuthConfig{Bearer: testToken}, body: "{}", headers: withHeaders(ct, "Authorization", "Basic "+testToken), status: 401, contains: "missing bearer token"},
		{name: "no signature", auth: httptr.AuthConfig{HMACSecret: testSecret}, body: "{}", headers: ct, status: 401, contains: "missing signature"},
		{name: "malformed signature", auth: httptr.AuthConfig{HMACSecret: testSecret}, body: "{}", headers: withHeaders(ct, "X-Signature-256", "md5=abc"), status: 401, contains: "malformed signature"},
		{name: "signature not hex", auth: httptr.AuthConfig{HMACSecret: testSecret}, body: "{}", headers: withHeaders(ct, "X-Signature-256", "sha256=zz"), status: 401, contains: "malformed signature"},
		{name: "signature of another body", auth: httptr.AuthConfig{HMACSecret: testSecret}, body: "{}", headers: withHeaders(ct, "X-Signature-256", signature("[]")), status: 401, contains: "wrong signature"},
		{name: "signature in another header", auth: httptr.AuthConfig{HMACSecret: testSecret, HMACHeader: "X-Hub-Signature-256"}, body: "{}", headers: withHeaders(ct, "X-Signature-256", signature("{}")), status: 401, contains: "missing signature"},
		{name: "token right, signature wrong", auth: httptr.AuthConfig{Bearer: testToken, HMACSecret: testSecret}, body: "{}", headers: withHeaders(ct, "Authorization", "Bearer "+testToken, "X-Signature-256", signature("x")), status: 401, contains: "wrong signature"},
		{name: "GET", auth: httptr.AuthConfig{Bearer: testToken}, method: "GET", headers: bearer, status: 405, contains: `method "GET" is not allowed`},
		{name: "no content type", auth: httptr.AuthConfig{Bearer: testToken}, body: "{}", headers: []string{"Authorization", "Bearer " + testToken}, status: 415, contains: `content type "" is not accepted: expected one of application/json, application/xml, text/plain, application/edifact, application/x-ndjson, application/jsonl`},
		{name: "html", auth: httptr.AuthConfig{Bearer: testToken}, body: "{}", headers: []string{"Authorization", "Bearer " + testToken, "Content-Type", "text/html"}, status: 415, contains: `content type "text/html"`},
		{name: "oversize", auth: httptr.AuthConfig{Bearer: testToken}, body: strings.Repeat("x", 17), headers: bearer, status: 413, contains: "larger than the limit of 16 bytes"},
		{name: "empty", auth: httptr.AuthConfig{Bearer: testToken}, body: "", headers: bearer, status: 400, contains: "empty body"},
		{name: "bad idempotency key", auth: httptr.AuthConfig{Bearer: testToken}, body: "x", headers: withHeaders(bearer, "Idempotency-Key", "a b"), status: 400, contains: `Idempotency-Key "a b" is not valid`},
		{name: "unsafe file name", auth: httptr.AuthConfig{Bearer: testToken}, body: "x", headers: withHeaders(bearer, "Content-Disposition", `attachment; filename="../../etc/passwd"`), status: 400, contains: `file name "../../etc/passwd" is not a safe file name`},
		{name: "broken disposition", auth: httptr.AuthConfig{Bearer: testToken}, body: "x", headers: withHeaders(bearer, "Content-Disposition", `attachment; filename=`), status: 400, contains: "Content-Disposition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, httptr.InboundConfig{Auth: tt.auth, MaxBodyBytes: 16})
			got := e.ackAll(t)
			method := tt.method
			if method == "" {
				method = nethttp.MethodPost
			}
			a := request(t, method, e.url, []byte(tt.body), tt.headers...)

			assertError(t, a, tt.status, tt.contains)
			switch tt.status {
			case nethttp.StatusUnauthorized:
				if tt.auth.Bearer != "" && strings.Contains(tt.contains, "bearer") {
					assert.Equal(t, `Bearer realm="pcsgate"`, a.header.Get("WWW-Authenticate"))
				}
			case nethttp.StatusMethodNotAllowed:
				assert.Equal(t, "POST", a.header.Get("Allow"))
			}
			require.NoError(t, e.in.Close())
			assert.Empty(t, got(), "a refused request became a message")
		})
	}
}

func TestInboundAccepts(t *testing.T) {
	tests := []struct {
		name    string
		auth    httptr.AuthConfig
		types   []string
		body    string
		headers []string
		meta    map[string]string
	}{
		{
			name: "bearer", auth: httptr.AuthConfig{Bearer: testToken}, body: "UNB'",
			headers: withHeaders(bearer, "Idempotency-Key", "evt-1", "Content-Disposition", `attachment; filename="coreor 1.edi"`),
			meta: map[string]string{
				transports.MetaIdempotencyKey: "evt-1", transports.MetaContentType: "application/edifact",
				transports.MetaFilename: "coreor 1.edi", transports.MetaEndpoint: "test-hook",
				transports.MetaContentHash: transports.ContentHash([]byte("UNB'")),
			},
		},
		{
			name: "hmac with charset", auth: httptr.AuthConfig{HMACSecret: testSecret}, body: `{"a":1}`,
			headers: []string{"Content-Type", "Application/JSON; charset=UTF-8", "X-Signature-256", signature(`{"a":1}`)},
			meta: map[string]string{
				transports.MetaIdempotencyKey: transports.ContentHash([]byte(`{"a":1}`)),
				transports.MetaContentType:    "application/json; charset=UTF-8",
			},
		},
		{
			name: "upper-case signature hex", auth: httptr.AuthConfig{HMACSecret: testSecret}, body: `<a/>`,
			headers: []string{"Content-Type", "application/xml", "X-Signature-256", strings.ToUpper(signature(`<a/>`))},
			meta:    map[string]string{transports.MetaContentType: "application/xml"},
		},
		{
			name: "configured type in other case", auth: httptr.AuthConfig{Bearer: testToken}, types: []string{"Application/EDIFACT"}, body: "UNB'",
			headers: bearer,
			meta:    map[string]string{transports.MetaContentType: "application/edifact"},
		},
		{
			name: "bearer scheme in lower case", auth: httptr.AuthConfig{Bearer: testToken}, body: "UNB'",
			headers: []string{"Authorization", "bearer " + testToken, "Content-Type", "application/edifact"},
			meta:    map[string]string{transports.MetaContentType: "application/edifact"},
		},
		{
			name: "both", auth: httptr.AuthConfig{Bearer: testToken, HMACSecret: testSecret, HMACHeader: "X-Hub-Signature-256"}, body: "x",
			headers: withHeaders(bearer, "X-Hub-Signature-256", signature("x")),
			meta:    map[string]string{transports.MetaContentType: "application/edifact"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, httptr.InboundConfig{Auth: tt.auth, ContentTypes: tt.types})
			pending := postAsync(t, e.url, []byte(tt.body), tt.headers...)
			msg := e.receive(t)
			select {
			case a := <-pending:
				require.Failf(t, "answered before the consumer acked", "%d %s", a.status, a.body)
			default:
			}
			assert.Equal(t, tt.body, string(msg.Payload))
			for k, v := range tt.meta {
				assert.Equal(t, v, msg.Metadata.Get(k), k)
			}
			require.True(t, msg.Ack())

			a := await(t, pending)
			assert.Equal(t, nethttp.StatusAccepted, a.status)
			body := a.json(t)
			assert.Equal(t, "accepted", body["status"])
			assert.Equal(t, msg.UUID, body["messageId"])
			assert.Equal(t, msg.Metadata.Get(transports.MetaIdempotencyKey), body["idempotencyKey"])
		})
	}
}

func TestInboundNack(t *testing.T) {
	e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}})
	pending := postAsync(t, e.url, []byte("x"), withHeaders(bearer, "Idempotency-Key", "k1")...)
	require.True(t, e.receive(t).Nack())
	a := await(t, pending)
	assertError(t, a, nethttp.StatusServiceUnavailable, "the message could not be committed; retry later")
	assert.Equal(t, "1", a.header.Get("Retry-After"))

	// The key was not acknowledged: a retry is a new delivery.
	pending = postAsync(t, e.url, []byte("x"), withHeaders(bearer, "Idempotency-Key", "k1")...)
	require.True(t, e.receive(t).Ack())
	assert.Equal(t, nethttp.StatusAccepted, await(t, pending).status)
}

func TestInboundTimeouts(t *testing.T) {
	t.Run("no consumer", func(t *testing.T) {
		in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in", Auth: httptr.AuthConfig{Bearer: testToken}, Timeout: 20 * time.Millisecond}, nil)
		require.NoError(t, err)
		defer in.Close()
		srv := newServer(t, in)
		assertError(t, post(t, srv+"/in", []byte("x"), bearer...), 503, "no consumer took the message within 20ms; retry later")
	})
	t.Run("no commit", func(t *testing.T) {
		e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}, Timeout: 20 * time.Millisecond})
		pending := postAsync(t, e.url, []byte("x"), withHeaders(bearer, "Idempotency-Key", "late")...)
		msg := e.receive(t)
		assertError(t, await(t, pending), 503, "the message was not committed within 20ms; retry later")

		// Committed after all: the sender's retry is acknowledged without a
		// second message.
		require.True(t, msg.Ack())
		require.Eventually(t, func() bool {
			a := post(t, e.url, []byte("x"), withHeaders(bearer, "Idempotency-Key", "late")...)
			return a.status == nethttp.StatusAccepted && a.json(t)["status"] == "duplicate"
		}, 5*time.Second, 5*time.Millisecond)
	})
}

func TestInboundClosed(t *testing.T) {
	e := newEndpoint(t, httptr.InboundConfig{Auth: httptr.AuthConfig{Bearer: testToken}})
	pending := postAsync(t, e.url, []byte("x"), bearer...)
	e.receive(t) // in the consumer's hands, never acked
	require.NoError(t, e.in.Close())
	assertError(t, await(t, pending), 503, "shutting down")
	assertError(t, post(t, e.url, []byte("y"), bearer...), 503, "shutting down")
}

// A message the consumer commits as rejected (MetaFailureReason) answers
// 400 with the reason, not 202.
func TestInboundRejectedByConsumer(t *testing.T) {
	in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/test", Auth: httptr.AuthConfig{Bearer: "secret-token"}}, nil)
	require.NoError(t, err)
	defer in.Close()
	msgs, err := in.Subscribe(context.Background(), "test")
	require.NoError(t, err)
	go func() {
		m := <-msgs
		m.Metadata.Set(transports.MetaFailureReason, "input.edi:9: EQD C237.8260 \"CSQU3054381\" has a wrong ISO 6346 check digit\nsecond line")
		m.Ack()
	}()
	req := httptest.NewRequest(nethttp.MethodPost, "/in/test", strings.NewReader("UNH+1+COREOR'"))
	req.Header.Set("Authorization", "Bearer secret-token")
	req.Header.Set("Content-Type", "application/edifact")
	rec := httptest.NewRecorder()
	in.ServeHTTP(rec, req)
	assert.Equal(t, nethttp.StatusBadRequest, rec.Code)
	assert.JSONEq(t, `{"error":"input.edi:9: EQD C237.8260 \"CSQU3054381\" has a wrong ISO 6346 check digit"}`, rec.Body.String())
}
