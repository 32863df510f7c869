package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
)

// FuzzInbound: whatever a sender posts, the endpoint never panics, answers
// one of its documented statuses with one line of JSON, and a 202
// "accepted" means the consumer got exactly the body sent.
func FuzzInbound(f *testing.F) {
	seeds := []struct{ body, contentType, auth, sig, key, disposition string }{
		{`{"type":"ReleaseRight"}`, "application/json", "Bearer " + testToken, "", "", ""},
		{"UNB+UNOC:3'", "application/edifact; charset=UNOC", "Bearer " + testToken, "", "evt-1", `attachment; filename="a.edi"`},
		{"<a/>", "application/xml", "", signature("<a/>"), "", ""},
		{"", "text/plain", "Bearer " + testToken, "", "", ""},
		{"x", "text/html", "Bearer x", "sha256=00", "a b", `attachment; filename="../x"`},
		{"x", "", "", "", "", "inline"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.contentType, s.auth, s.sig, s.key, s.disposition)
	}

	in, err := httptr.NewInbound(httptr.InboundConfig{
		Path: "/in", Auth: httptr.AuthConfig{Bearer: testToken, HMACSecret: testSecret},
		MaxBodyBytes: 1 << 10, Timeout: 5 * time.Second,
	}, nil)
	require.NoError(f, err)
	f.Cleanup(func() { _ = in.Close() })
	msgs, err := in.Subscribe(context.Background(), "fuzz")
	require.NoError(f, err)
	var mu sync.Mutex
	got := map[string][]byte{} // message UUID → payload
	go func() {
		for msg := range msgs {
			mu.Lock()
			got[msg.UUID] = msg.Payload
			mu.Unlock()
			msg.Ack()
		}
	}()

	allowed := map[int]bool{202: true, 400: true, 401: true, 413: true, 415: true}
	f.Fuzz(func(t *testing.T, body []byte, contentType, auth, sig, key, disposition string) {
		req := httptest.NewRequest(nethttp.MethodPost, "/in", bytes.NewReader(body))
		for name, v := range map[string]string{"Content-Type": contentType, "Authorization": auth, "X-Signature-256": sig, "Idempotency-Key": key, "Content-Disposition": disposition} {
			if v != "" {
				req.Header.Set(name, v)
			}
		}
		if strings.HasPrefix(auth, "ok") { // let the fuzzer reach past authentication
			req.Header.Set("Authorization", "Bearer "+testToken)
			req.Header.Set("X-Signature-256", signature(string(body)))
		}
		rec := httptest.NewRecorder()
		in.ServeHTTP(rec, req)

		require.True(t, allowed[rec.Code], "status %d: %s", rec.Code, rec.Body.String())
		line := rec.Body.String()
		require.True(t, strings.HasSuffix(line, "\n") && strings.Count(line, "\n") == 1, "one line: %q", line)
		var answer map[string]string
		require.NoError(t, json.Unmarshal([]byte(line), &answer))
		if rec.Code != 202 {
			require.NotEmpty(t, answer["error"])
			return
		}
		if answer["status"] == "accepted" {
			mu.Lock()
			defer mu.Unlock()
			require.Equal(t, body, got[answer["messageId"]])
		}
	})
}

// FuzzOutbound: whatever the out name and payload, the receiver gets the
// payload intact under that name as Idempotency-Key, or the message fails
// for good as unsafe; a name never splits or adds a header.
func FuzzOutbound(f *testing.F) {
	for _, n := range []string{"evt-1", "NLRTM:MSCU:1", "a\r\nX-Evil: 1", "../x", "", "é"} {
		f.Add(n, []byte("UNB'"))
	}
	rc := &receiver{got: map[string][]byte{}}
	srv := httptest.NewServer(rc)
	f.Cleanup(srv.Close)
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: srv.URL, Auth: httptr.AuthConfig{Bearer: testToken}}, nil)
	require.NoError(f, err)
	f.Cleanup(func() { _ = out.Close() })

	f.Fuzz(func(t *testing.T, name string, payload []byte) {
		msg := newMsg(name, string(payload))
		err := out.Publish("out", msg)
		key := name
		if key == "" {
			key = msg.UUID
		}
		if err != nil {
			require.ErrorIs(t, err, transports.ErrUnsafeName)
			require.True(t, transports.IsPermanent(err))
			return
		}
		require.Equal(t, payload, rc.delivered()[key])
	})
}
