package http_test

import (
	"bytes"
	"context"
	"fmt"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
)

var benchBody = []byte(strings.Repeat(`{"type":"ReleaseRight","id":"CSQU3054383","assetId":"abc"}`, 16))

// BenchmarkInbound: one request per op through ServeHTTP (no network),
// authenticated by token and signature, delivered, acked, answered 202.
func BenchmarkInbound(b *testing.B) {
	in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in", Auth: httptr.AuthConfig{Bearer: testToken, HMACSecret: testSecret}}, nil)
	require.NoError(b, err)
	defer in.Close()
	msgs, err := in.Subscribe(context.Background(), "bench")
	require.NoError(b, err)
	go func() {
		for msg := range msgs {
			msg.Ack()
		}
	}()
	sig := signature(string(benchBody))
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(nethttp.MethodPost, "/in", bytes.NewReader(benchBody))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature-256", sig)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("evt-%d", i))
		rec := httptest.NewRecorder()
		in.ServeHTTP(rec, req)
		if rec.Code != nethttp.StatusAccepted {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkOutbound: one POST per op to a local server answering 204.
func BenchmarkOutbound(b *testing.B) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.WriteHeader(nethttp.StatusNoContent)
	}))
	defer srv.Close()
	out, err := httptr.NewOutbound(httptr.OutboundConfig{URL: srv.URL, Auth: httptr.AuthConfig{Bearer: testToken, HMACSecret: testSecret}}, nil)
	require.NoError(b, err)
	defer out.Close()
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	for i := 0; b.Loop(); i++ {
		if err := out.Publish("out", newMsg(fmt.Sprintf("evt-%d", i), string(benchBody))); err != nil {
			b.Fatal(err)
		}
	}
}
