package http_test

import (
	"context"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports"
	httptr "github.com/nexport/pcsgate/transports/http"
)

// With report: sync, the answer to a committed message carries the
// business outcome the consumer left in MetaReport: 202 when an event was
// taken, 400 when all were refused; without it, the answer is the plain
// 202.
func TestInboundReport(t *testing.T) {
	partly := transports.Report{Accepted: 1, Rejected: []transports.Rejected{{Event: "e2", Reason: "custody rule 1: not the holder"}}}
	tests := []struct {
		name   string
		report string
		rep    transports.Report
		status int
		want   string
	}{
		{"some taken", httptr.ReportSync, partly, 202,
			`{"status":"accepted","messageId":"ID","idempotencyKey":"KEY","accepted":1,"rejected":[{"event":"e2","reason":"custody rule 1: not the holder"}]}`},
		{"all taken", httptr.ReportSync, transports.Report{Accepted: 2}, 202,
			`{"status":"accepted","messageId":"ID","idempotencyKey":"KEY","accepted":2,"rejected":[]}`},
		{"all refused", httptr.ReportSync, transports.Report{Rejected: partly.Rejected}, 400,
			`{"status":"rejected","messageId":"ID","idempotencyKey":"KEY","accepted":0,"rejected":[{"event":"e2","reason":"custody rule 1: not the holder"}]}`},
		{"not asked for", "", partly, 202, `{"status":"accepted","messageId":"ID","idempotencyKey":"KEY"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := httptr.NewInbound(httptr.InboundConfig{Path: "/in/test", Auth: httptr.AuthConfig{Bearer: "secret-token"}, Report: tt.report}, nil)
			require.NoError(t, err)
			defer in.Close()
			msgs, err := in.Subscribe(context.Background(), "test")
			require.NoError(t, err)
			uuid := make(chan string, 1)
			go func() {
				m := <-msgs
				uuid <- m.UUID
				m.Metadata.Set(transports.MetaReport, tt.rep.Encode())
				m.Ack()
			}()
			req := httptest.NewRequest(nethttp.MethodPost, "/in/test", strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer secret-token")
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "KEY")
			rec := httptest.NewRecorder()
			in.ServeHTTP(rec, req)
			assert.Equal(t, tt.status, rec.Code)
			assert.JSONEq(t, strings.Replace(tt.want, "ID", <-uuid, 1), rec.Body.String())
		})
	}
}
