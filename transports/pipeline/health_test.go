package pipeline_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// healthz is the answer of GET /healthz.
type healthz struct {
	Status    string `json:"status"`
	Store     string `json:"store"`
	Endpoints []struct {
		Name   string     `json:"name"`
		State  string     `json:"state"`
		Since  *time.Time `json:"since"`
		Reason string     `json:"reason"`
	} `json:"endpoints"`
}

func getHealthz(t *testing.T, srv *httptest.Server) (int, healthz, string) {
	t.Helper()
	code, body := call(t, srv, "", http.MethodGet, "/healthz")
	var hz healthz
	require.NoError(t, json.Unmarshal([]byte(body), &hz), body)
	return code, hz, body
}

// TestHealthzOK: an idle gateway is ok, names its store and lists every
// endpoint as ok.
func TestHealthzOK(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	code, hz, _ := getHealthz(t, srv)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok", hz.Status)
	assert.Equal(t, store.BackendSQLite, hz.Store)
	require.Len(t, hz.Endpoints, 15)
	for _, e := range hz.Endpoints {
		assert.Equal(t, pipeline.StateOK, e.State, e.Name)
		assert.Empty(t, e.Reason, e.Name)
	}
}

// TestHealthzDown: a store that does not answer makes /healthz 503,
// "down".
func TestHealthzDown(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	code, _, _ := getHealthz(t, srv)
	require.Equal(t, http.StatusOK, code)
	require.NoError(t, h.gw.Store().Close())
	code, hz, _ := getHealthz(t, srv)
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, "down", hz.Status)
}

// TestHealthDegraded: a partner answering 503 makes its endpoint degraded
// once it has failed for longer than its degraded_after. /healthz says so
// with the kind of error only (no message, no text of the answer) and
// stays 200; /api/health needs a token and gives the full reason and the
// backlog; a success makes the endpoint ok again.
func TestHealthDegraded(t *testing.T) {
	const marker = "CSQU3054383" // in the message and in the partner's answer
	var up atomic.Bool
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if up.Load() {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("cannot take " + marker + " now"))
	}))
	defer partner.Close()
	h := startWith(t, func(cfg *pipeline.Config) {
		for i := range cfg.Endpoints {
			if ep := &cfg.Endpoints[i]; ep.Name == "partner-out" {
				ep.Transport, ep.FiledropOut, ep.DegradedAfter = "http", nil, time.Nanosecond
				ep.HTTPOut = &httptr.OutboundConfig{URL: partner.URL, MaxRetries: -1}
			}
		}
	})
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	h.drop(t, "portbase", "rtm.edi", coreor("H1", "NLRTM", marker, "MEDUNL0031"))

	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond, "the delivery fails for good")
	code, hz, body := getHealthz(t, srv)
	assert.Equal(t, http.StatusOK, code, "degraded is not down")
	assert.Equal(t, "degraded", hz.Status)
	assert.NotContains(t, body, marker, "no message text in /healthz")
	assert.NotContains(t, body, "cannot take", "no text of the partner's answer in /healthz")
	assert.NotContains(t, body, partner.URL, "no partner address in /healthz")
	var degraded []string
	for _, e := range hz.Endpoints {
		if e.State == pipeline.StateDegraded {
			degraded = append(degraded, e.Name)
			assert.NotNil(t, e.Since)
			assert.Regexp(t, `^deliveries failing for \S+: answered 503$`, e.Reason)
		}
	}
	assert.Equal(t, []string{"partner-out"}, degraded)

	code, _ = call(t, srv, "", http.MethodGet, "/api/health")
	assert.Equal(t, http.StatusUnauthorized, code, "/api/health needs a token")
	code, body = call(t, srv, h.viewer, http.MethodGet, "/api/health")
	require.Equal(t, http.StatusOK, code)
	var eps []pipeline.EndpointHealth
	require.NoError(t, json.Unmarshal([]byte(body), &eps))
	byName := map[string]pipeline.EndpointHealth{}
	for _, e := range eps {
		byName[e.Name] = e
	}
	p := byName["partner-out"]
	assert.Equal(t, pipeline.StateDegraded, p.State)
	assert.Contains(t, p.Reason, "answered 503 Service Unavailable", "the full reason, for a viewer")
	assert.Equal(t, 3, p.ConsecutiveFailures, "the first try and two retries")
	require.NotNil(t, p.Backlog)
	assert.Zero(t, *p.Backlog, "the message left for the dead letters")
	assert.NotNil(t, byName["portbase-in"].LastSuccess, "the inbox took the file")
	require.NotNil(t, byName["portbase-in"].Backlog, "a drop folder counts its files")
	assert.Zero(t, *byName["portbase-in"].Backlog, "the file was taken in")

	up.Store(true)
	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: dls[0].ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err)
	require.Eventually(t, func() bool {
		_, hz, _ := getHealthz(t, srv)
		return hz.Status == "ok"
	}, 20*time.Second, 20*time.Millisecond, "ok again once delivered")
}

// TestHourlyStats: GET /api/stats/hourly counts the hour's messages by
// system and outcome.
func TestHourlyStats(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	h.drop(t, "portbase", "rtm.edi", coreor("S1", "NLRTM", "CSQU3054383", "MEDUNL0051"))
	h.drop(t, "portbase", "anr.edi", coreor("S2", "BEANR", "MWCU6059784", "MEDUBE0051"))
	bad := strings.Replace(coreor("S3", "NLRTM", "CBHU3202732", "MEDUNL0052"), "EQD+CN+CBHU3202732+", "EQD+CN+CBHU3202731+", 1)
	h.drop(t, "portbase", "bad.edi", bad)
	require.Eventually(t, func() bool {
		dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1 && len(h.files("cpu")) == 1 && len(h.files("partner")) == 2
	}, 20*time.Second, 20*time.Millisecond)
	h.drained(t)

	code, _ := call(t, srv, "", http.MethodGet, "/api/stats/hourly")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, body := call(t, srv, h.viewer, http.MethodGet, "/api/stats/hourly?hours=0")
	assert.Equal(t, http.StatusBadRequest, code, body)
	var got struct {
		Hours  int               `json:"hours"`
		Counts []store.HourCount `json:"counts"`
	}
	require.Eventually(t, func() bool {
		code, body = call(t, srv, h.viewer, http.MethodGet, "/api/stats/hourly?hours=2")
		require.Equal(t, http.StatusOK, code, body)
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		return sum(got.Counts, "", store.OutcomeDelivered) == 3
	}, 20*time.Second, 20*time.Millisecond, "the deliveries' acks recorded: %s", body)
	assert.Equal(t, 2, got.Hours)
	assert.Equal(t, int64(2), sum(got.Counts, "portbase", store.OutcomeReceived), body)
	assert.Equal(t, int64(1), sum(got.Counts, "portbase-in", store.OutcomeRejected), body, "detected profile: counted by endpoint")
	assert.Equal(t, int64(1), sum(got.Counts, "cpu", store.OutcomeDelivered), body)
	assert.Equal(t, int64(2), sum(got.Counts, "partner", store.OutcomeDelivered), body)
	assert.Zero(t, sum(got.Counts, "", store.OutcomeFailed), body)
}

// sum adds the counts of outcome, of system or, when it is empty, of all.
func sum(counts []store.HourCount, system, outcome string) int64 {
	var n int64
	for _, c := range counts {
		if c.Outcome == outcome && (system == "" || c.System == system) {
			n += c.Count
		}
	}
	return n
}
