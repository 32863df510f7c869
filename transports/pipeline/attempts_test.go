package pipeline_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// A delivery's failed attempts are kept one by one and shown with its
// message on the Messages page and in GET /api/messages, before and after
// it is finally delivered; a delivery that succeeds at once has none.
func TestDeliveryAttempts(t *testing.T) {
	var calls atomic.Int32
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer partner.Close()
	h := startWith(t, func(cfg *pipeline.Config) {
		for i := range cfg.Endpoints {
			if ep := &cfg.Endpoints[i]; ep.Name == "partner-out" {
				ep.Transport, ep.FiledropOut = "http", nil
				ep.HTTPOut = &httptr.OutboundConfig{URL: partner.URL, MaxRetries: -1}
			}
		}
	})
	h.drop(t, "portbase", "rtm.edi", coreor("A1", "NLRTM", "CSQU3054383", "MEDUNL0041"))
	require.Eventually(t, func() bool {
		return h.metrics(t)[`pcsgate_messages_delivered_total{endpoint="partner-out"}`] == 1
	}, 20*time.Second, 20*time.Millisecond, "delivered to the partner after its failures")
	h.drained(t)

	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	code, body := call(t, srv, h.viewer, http.MethodGet, "/api/messages")
	require.Equal(t, http.StatusOK, code, body)
	var msgs []struct {
		Endpoint string          `json:"endpoint"`
		Outcome  string          `json:"outcome"`
		Failures []store.Attempt `json:"failures"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &msgs))
	failures := map[string][]store.Attempt{}
	for _, m := range msgs {
		if m.Outcome == store.OutcomeDelivered {
			failures[m.Endpoint] = m.Failures
		}
	}
	require.Contains(t, failures, "partner-out", "delivered in the end: %s", body)
	require.Len(t, failures["partner-out"], 2, "two failed attempts before")
	assert.Contains(t, failures["partner-out"][0].Reason, "answered 503")
	assert.False(t, failures["partner-out"][1].At.Before(failures["partner-out"][0].At), "oldest first")
	assert.Empty(t, failures["portbase-out"], "a delivery that succeeds at once has no failed attempt")

	code, page := call(t, srv, h.viewer, http.MethodGet, "/messages")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "2 failed attempts:")
	n, err := h.gw.Store().DeliveryFailures(context.Background(), []string{"no-such-message"})
	require.NoError(t, err)
	assert.Empty(t, n)
}
