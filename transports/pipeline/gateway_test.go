package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// coreor returns a one-container COREOR for port, as a carrier sends it.
func coreor(ref, port, container, bl string) string {
	return "UNA:+.? '\nUNB+UNOC:3+MSC:ZZZ+PCSGATE:ZZZ+261125:0930+IC" + ref + "'\n" +
		"UNH+" + ref + "+COREOR:D:00B:UN:SMDG20'\nBGM+129+DOC" + ref + "+9'\nDTM+137:202611250930:203'\n" +
		"RFF+RE:REL" + ref + "'\nRFF+BM:" + bl + "'\nTDT+20+AT847A+1++MSC:172:20+++9141780:146::MSC GIANNINA'\n" +
		"LOC+11+" + port + ":139:6+TERM1:TER:ZZZ'\nNAD+CA+MSC:172:20++MEDITERRANEAN SHIPPING COMPANY'\n" +
		"NAD+FW+NL123456789B01:160++EXAMPLE FORWARDER BV'\nEQD+CN+" + container + "+45G1:102:5++3+5'\n" +
		"DTM+36:202612312359:203'\nCNT+16:1'\nUNT+13+" + ref + "'\nUNZ+1+IC" + ref + "'\n"
}

func codecoOut(ref, port, container string) string {
	return "UNB+UNOA:2+TERM1+MSC+261126:1000+CC" + ref + "'\nUNH+" + ref + "+CODECO:D:95B:UN:SMDG16'\nBGM+36++9'\n" +
		"NAD+CF+MSC:172:166'\nEQD+CN+" + container + "+45G1:102:5++3+5'\nDTM+7:202611261000:203'\n" +
		"LOC+165+" + port + ":139:6+TERM1:TER:ZZZ'\nTDT+1++3'\nCNT+16:1'\nUNT+9+" + ref + "'\nUNZ+1+CC" + ref + "'\n"
}

type harness struct {
	dir      string
	gw       *pipeline.Gateway
	reg      *mappings.Registry
	outbound []string // names of the outbound endpoints
	viewer   string   // a monitor token of the viewer role
}

func start(t *testing.T) *harness {
	t.Helper()
	return startWith(t, nil)
}

// startWith starts the default gateway after change, when not nil, has
// adjusted its configuration.
func startWith(t *testing.T, change func(*pipeline.Config)) *harness {
	t.Helper()
	h, _ := startIn(t, t.TempDir(), change)
	return h
}

// startIn is startWith on the data folder dir; stop stops the gateway
// before the test ends, as a restart does (it is then not stopped again).
func startIn(t *testing.T, dir string, change func(*pipeline.Config)) (h *harness, stop func()) {
	t.Helper()
	reg, err := mappings.Default()
	require.NoError(t, err)
	return startLogged(t, dir, reg, change, watermill.NopLogger{})
}

// startLogged is startIn with the profiles of reg and the gateway's log
// going to logger.
func startLogged(t *testing.T, dir string, reg *mappings.Registry, change func(*pipeline.Config), logger watermill.LoggerAdapter) (h *harness, stop func()) {
	t.Helper()
	cfg := pipeline.DefaultConfig(dir, func(p string) bool {
		pr, err := reg.Profile(p)
		return err == nil && pr.CanEncode()
	})
	cfg.Retry.InitialInterval = "10ms"
	cfg.Retry.MaxRetries = 2
	for i := range cfg.Endpoints {
		if f := cfg.Endpoints[i].Filedrop; f != nil {
			f.Settle = time.Millisecond
			f.Poll = 20 * time.Millisecond
		}
		if f := cfg.Endpoints[i].FiledropOut; f != nil {
			f.NoSync = true
		}
	}
	if change != nil {
		change(cfg)
	}
	gw, err := pipeline.New(context.Background(), cfg, reg, logger)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gw.RunRouter(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
			require.NoError(t, gw.Close())
		})
	}
	t.Cleanup(stop)
	select {
	case <-gw.Running():
	case <-time.After(10 * time.Second):
		t.Fatal("router did not start")
	}
	h = &harness{dir: dir, gw: gw, reg: reg}
	_, h.viewer, err = gw.Store().CreateToken(context.Background(), "tests", store.RoleViewer)
	require.NoError(t, err)
	for _, ep := range cfg.Endpoints {
		if ep.Direction == "out" {
			h.outbound = append(h.outbound, ep.Name)
		}
	}
	return h, stop
}

func (h *harness) drop(t *testing.T, inbox, name, content string) {
	t.Helper()
	tmp := filepath.Join(h.dir, "inbox", inbox, "."+name)
	require.NoError(t, os.WriteFile(tmp, []byte(content), 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(h.dir, "inbox", inbox, name)))
}

// files lists an outbox's delivered files.
func (h *harness) files(outbox string) []string {
	entries, _ := os.ReadDir(filepath.Join(h.dir, "outbox", outbox))
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasSuffix(e.Name(), ".part") {
			out = append(out, e.Name())
		}
	}
	return out
}

func read(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// partnerRelease is a customer's release CSV of one container.
func partnerRelease(port, container, bl string) string {
	return "action,port,carrier,blNumber,containerNumber,isoSizeType,releaseNumber,validFrom,validUntil,terminal,releaseTo,releaseToEori,remarks\n" +
		"NEW," + port + ",MAEU," + bl + "," + container + ",45G1,REL-" + bl + ",,2026-12-31,ECTDELTA,Example Forwarder BV,NL123456789,\n"
}

// TestEndToEnd: COREORs for four ports dropped in one inbox come out in the
// outboxes of the ports' systems in their formats, except Portbase's own
// back to Portbase; a customer's release for NLRTM goes to Portbase; a
// CODECO gate-out updates the release; a bad file lands in error/ with its
// reason; the same file twice gives one outbound message.
func TestEndToEnd(t *testing.T) {
	h := start(t)
	h.drop(t, "portbase", "rtm.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	h.drop(t, "portbase", "anr.edi", coreor("A1", "BEANR", "MWCU6059784", "MEDUBE0001"))
	h.drop(t, "portbase", "leh.edi", coreor("L1", "FRLEH", "CBHU3202732", "MEDUFR0001"))
	h.drop(t, "portbase", "mrs.edi", coreor("M1", "FRMRS", "ZEPU0037255", "MEDUFR0002"))
	h.drop(t, "partner", "rtm.csv", partnerRelease("NLRTM", "MWCU6059784", "MAEU000000001"))
	ports := map[string]string{"portbase": "NLRTM", "cpu": "BEANR", "sone": "FRLEH", "ci5": "FRMRS"}
	for outbox := range ports {
		require.Eventually(t, func() bool { return len(h.files(outbox)) == 1 }, 20*time.Second, 20*time.Millisecond, "outbox %s", outbox)
	}
	rtm := h.files("portbase")[0]
	assert.True(t, strings.HasSuffix(rtm, ".portbase-coreor.edi"), rtm)
	portbase := read(t, filepath.Join(h.dir, "outbox", "portbase", rtm))
	assert.Contains(t, portbase, "EQD+CN+MWCU6059784", "the customer's release")
	assert.NotContains(t, portbase, "CSQU3054383", "Portbase's own COREOR does not go back to Portbase")
	assert.Contains(t, read(t, filepath.Join(h.dir, "outbox", "sone", h.files("sone")[0])), `<ord:Action>DRAFT</ord:Action>`)
	assert.Contains(t, read(t, filepath.Join(h.dir, "outbox", "ci5", h.files("ci5")[0])), "EQD+CN+ZEPU0037255")
	// Every event also reaches the partner status feed, but for the
	// partner's own release.
	require.Eventually(t, func() bool { return len(h.files("partner")) == 4 }, 20*time.Second, 20*time.Millisecond, "partner status feed")
	var transfer map[string]any
	require.NoError(t, json.Unmarshal([]byte(read(t, filepath.Join(h.dir, "outbox", "cpu", h.files("cpu")[0]))), &transfer))
	assert.Equal(t, "ReleaseTo", transfer["action"])
	m := h.drained(t)
	assert.Equal(t, 1.0, m[`pcsgate_events_routed_total{endpoint="portbase-out",result="to_source"}`], "the echo to Portbase is counted")
	assert.Equal(t, 1.0, m[`pcsgate_events_routed_total{endpoint="partner-out",result="to_source"}`], "the echo to the partner is counted")

	// The inputs were archived after commit.
	archived, err := filepath.Glob(filepath.Join(h.dir, "inbox", "portbase", "archive", "*", "*.edi"))
	require.NoError(t, err)
	assert.Len(t, archived, 4)

	// A gate-out without B/L finds the release by port and container.
	h.drop(t, "terminal", "out.edi", codecoOut("G1", "NLRTM", "CSQU3054383"))
	require.Eventually(t, func() bool {
		r, err := h.gw.Store().Release(context.Background(), "SEA/NLRTM/MSC/MEDUNL0001/CSQU3054383")
		return err == nil && r.Status == string(ledger.PickedUp)
	}, 20*time.Second, 20*time.Millisecond, "release picked up")
	verifyChain(t, h.gw.Store(), "SEA/NLRTM/MSC/MEDUNL0001/CSQU3054383", 2)

	// A bad file goes to error/ with its reason: a good COREOR but for the
	// check digit of its container.
	good := coreor("B1", "NLRTM", "CSQU3054383", "MEDUNL0002")
	bad := strings.Replace(good, "EQD+CN+CSQU3054383+", "EQD+CN+CSQU3054381+", 1)
	require.NotEqual(t, good, bad, "the container was replaced")
	h.drop(t, "portbase", "bad.edi", bad)
	reason := filepath.Join(h.dir, "inbox", "portbase", "error", "bad.edi.error.txt")
	require.Eventually(t, func() bool { _, err := os.Stat(reason); return err == nil }, 20*time.Second, 20*time.Millisecond)
	assert.Contains(t, read(t, reason), `"CSQU3054381" has a wrong ISO 6346 check digit: got 1, expected 3`)
	dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
	require.NoError(t, err)
	require.Len(t, dls, 1, "the bad file is kept as a dead letter")
	assert.Equal(t, bad, string(dls[0].Payload), "with its original bytes")

	// The same content again, under another name: recognised, not sent twice.
	h.drop(t, "portbase", "rtm-again.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "portbase", "archive", "*", "rtm-again.edi"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond)
	m = h.drained(t)
	// Four COREORs and the gate-out: the same file again added nothing.
	assert.Len(t, h.files("partner"), 5, "one outbound message for the same file twice")
	assert.Equal(t, 5.0, m[`pcsgate_messages_delivered_total{endpoint="partner-out"}`], "delivered once")
	assert.Equal(t, 1.0, m[`pcsgate_duplicates_total{kind="content"}`])
	assert.Contains(t, m, "pcsgate_xpath_panics_total", "recovered XPath panics are counted on /metrics")
}

// TestToSource: a route with to_source sends Portbase's own COREOR back to
// Portbase, which the default does not (TestEndToEnd).
func TestToSource(t *testing.T) {
	h := startWith(t, func(cfg *pipeline.Config) {
		for i := range cfg.Routes {
			cfg.Routes[i].ToSource = cfg.Routes[i].Endpoint == "portbase-out"
		}
	})
	h.drop(t, "portbase", "rtm.edi", coreor("T1", "NLRTM", "CSQU3054383", "MEDUNL0011"))
	require.Eventually(t, func() bool { return len(h.files("portbase")) == 1 }, 20*time.Second, 20*time.Millisecond)
	assert.Contains(t, read(t, filepath.Join(h.dir, "outbox", "portbase", h.files("portbase")[0])), "EQD+CN+CSQU3054383")
	m := h.drained(t)
	assert.Zero(t, m[`pcsgate_events_routed_total{endpoint="portbase-out",result="to_source"}`])
}

// metrics reads the gateway's /metrics: each sample's value by its name
// and labels as written there.
func (h *harness) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+h.viewer)
	h.gw.MonitorHandler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	m := map[string]float64{}
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		i := strings.LastIndexByte(line, ' ')
		if line == "" || strings.HasPrefix(line, "#") || i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		require.NoError(t, err, line)
		m[line[:i]] = v
	}
	return m
}

// token creates a monitor token of role.
func (h *harness) token(t *testing.T, role string) string {
	t.Helper()
	_, tok, err := h.gw.Store().CreateToken(context.Background(), "tests", role)
	require.NoError(t, err)
	return tok
}

// call sends a request to srv with token as bearer (none when empty) and
// returns the status and body of its answer.
func call(t *testing.T, srv *httptest.Server, token, method, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// drained waits until every outbound endpoint has delivered as many
// messages as were rendered for it, so nothing is left in flight to
// deliver, and returns the metrics then. A delivery more than rendered
// fails the test.
func (h *harness) drained(t *testing.T) map[string]float64 {
	t.Helper()
	const rendered, delivered = `pcsgate_events_routed_total{endpoint="%s",result="rendered"}`, `pcsgate_messages_delivered_total{endpoint="%s"}`
	var m map[string]float64
	require.Eventually(t, func() bool {
		m = h.metrics(t)
		for _, ep := range h.outbound {
			if m[fmt.Sprintf(delivered, ep)] < m[fmt.Sprintf(rendered, ep)] {
				return false
			}
		}
		return true
	}, 20*time.Second, 20*time.Millisecond, "every rendered message delivered")
	for _, ep := range h.outbound {
		assert.Equal(t, m[fmt.Sprintf(rendered, ep)], m[fmt.Sprintf(delivered, ep)], "%s: delivered as often as rendered", ep)
	}
	return m
}

// verifyChain checks that the stored events of release key reproduce its
// hash chain, as an auditor would: each event's canonical JSON hashed in
// order.
func verifyChain(t *testing.T, s *store.Store, key string, events int) {
	t.Helper()
	row, err := s.Release(context.Background(), key)
	require.NoError(t, err)
	var rel ledger.Release
	require.NoError(t, json.Unmarshal(row.Body, &rel))
	rows, err := s.ReleaseEvents(context.Background(), key)
	require.NoError(t, err)
	require.Len(t, rows, events)
	evs := make([]*canonical.ReleaseEvent, len(rows))
	for i, r := range rows {
		evs[i] = new(canonical.ReleaseEvent)
		require.NoError(t, json.Unmarshal(r.Body, evs[i]))
	}
	require.NoError(t, ledger.VerifyChain(&rel, evs))
}

// TestReplay: a gate-out for a release not known yet waits (bounded
// retries), becomes a dead letter, and once the release has arrived a
// replay applies it.
func TestReplay(t *testing.T) {
	h := start(t)
	h.drop(t, "terminal", "early.edi", codecoOut("E1", "NLRTM", "CBHU3202732"))
	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond, "the early gate-out becomes a dead letter")
	assert.Equal(t, "ledger", dls[0].Stage)
	assert.Contains(t, dls[0].Reason, "waits for its release")

	h.drop(t, "portbase", "rel.edi", coreor("P1", "NLRTM", "CBHU3202732", "MEDUNL0009"))
	key := "SEA/NLRTM/MSC/MEDUNL0009/CBHU3202732"
	require.Eventually(t, func() bool {
		r, err := h.gw.Store().Release(context.Background(), key)
		return err == nil && r.Status == string(ledger.Released)
	}, 20*time.Second, 20*time.Millisecond, "release created")

	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{All: true})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err)
	require.Eventually(t, func() bool {
		r, err := h.gw.Store().Release(context.Background(), key)
		return err == nil && r.Status == string(ledger.PickedUp)
	}, 20*time.Second, 20*time.Millisecond, "the replayed gate-out applies")
	pending, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
	require.NoError(t, err)
	assert.Empty(t, pending, "replayed dead letters are marked")
}

// TestResentInterchange: the same interchange sent again with other bytes
// (a new UNB time) is recognised by its control reference and its business
// messages are not processed twice; a message new to it still goes through.
func TestResentInterchange(t *testing.T) {
	h := start(t)
	first := coreor("S1", "NLRTM", "CSQU3054383", "MEDUNL0005")
	h.drop(t, "portbase", "first.edi", first)
	require.Eventually(t, func() bool { return len(h.files("partner")) == 1 }, 20*time.Second, 20*time.Millisecond)
	again := strings.Replace(first, "261125:0930", "261125:0945", 1)
	h.drop(t, "portbase", "again.edi", again)
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "portbase", "archive", "*", "again.edi"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond)
	// A new message for another container, in a new interchange, is delivered.
	h.drop(t, "portbase", "other.edi", coreor("S2", "NLRTM", "MWCU6059784", "MEDUNL0005"))
	require.Eventually(t, func() bool { return len(h.files("partner")) == 2 }, 20*time.Second, 20*time.Millisecond)

	m := h.metrics(t)
	assert.Equal(t, 1.0, m[`pcsgate_duplicates_total{kind="interchange"}`])
	assert.Equal(t, 1.0, m[`pcsgate_duplicates_total{kind="business"}`])
}

// TestMonitor: the monitor page lists releases with their status and the
// pending dead letters with a replay button; the JSON API answers too.
func TestMonitor(t *testing.T) {
	h := start(t)
	h.drop(t, "portbase", "rtm.edi", coreor("W1", "NLRTM", "CSQU3054383", "MEDUNL0007"))
	h.drop(t, "terminal", "early.edi", codecoOut("W2", "NLRTM", "MWCU6059784"))
	require.Eventually(t, func() bool {
		dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1 && len(h.files("partner")) == 1
	}, 20*time.Second, 20*time.Millisecond)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	get := func(path string) string {
		code, body := call(t, srv, h.viewer, http.MethodGet, path)
		require.Equal(t, http.StatusOK, code, path)
		return body
	}
	page := get("/")
	assert.Contains(t, page, "CSQU3054383")
	assert.Contains(t, page, `class="status released"`)
	assert.Contains(t, page, "waits for its release")
	assert.NotContains(t, page, "<button>Replay</button>", "a viewer gets no replay button")
	_, page = call(t, srv, h.token(t, store.RoleOperator), http.MethodGet, "/")
	assert.Contains(t, page, "<button>Replay</button>")
	assert.Contains(t, page, "<button>Discard</button>")
	var rels []map[string]any
	require.NoError(t, json.Unmarshal([]byte(get("/api/releases")), &rels))
	require.Len(t, rels, 1)
	assert.Equal(t, "SEA/NLRTM/MSC/MEDUNL0007/CSQU3054383", rels[0]["key"])
	assert.Contains(t, get("/api/deadletters"), `"stage":"ledger"`)
}

// TestLedgerRejection: an event the custody rules reject becomes a dead
// letter of the ledger stage in its inbound file's own transaction, and
// the file is archived; a replay puts it back on the canonical topic, where the
// ledger stage rejects it again and it stays pending with its reason.
func TestLedgerRejection(t *testing.T) {
	h := start(t)
	fixture := func(name string) string {
		return read(t, filepath.Join("..", "..", "fixtures", "cpu", "notification", name, "input.json"))
	}
	h.drop(t, "cpu", "1-created.edi", coreor("C1", "BEANR", "SLAU4821933", "SLAGANR2611042"))
	// A transfer offered by a party that is not the release's holder.
	h.drop(t, "cpu", "3-again.json", fixture("release-right-transferred-to-transport-operator"))

	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "cpu", "archive", "*", "3-again.json"))
		return err == nil && len(dls) == 1 && len(m) == 1
	}, 20*time.Second, 20*time.Millisecond, "the third file is archived and its event is a dead letter")
	d := dls[0]
	assert.Equal(t, "ledger", d.Stage)
	assert.Equal(t, "cpu-in", d.Endpoint)
	assert.Contains(t, d.Reason, `rejected: event `+d.ID+`: custody rule 1: only the holder may offer a transfer; "Kempen Forwarding BV" is not the holder "EXAMPLE FORWARDER BV"`)
	assert.Equal(t, pipeline.TopicCanonical, d.Metadata["topic_poisoned"])
	var e map[string]any
	require.NoError(t, json.Unmarshal(d.Payload, &e), "the payload is the canonical event")
	assert.Equal(t, d.ID, e["id"])

	res, err := h.gw.Replay(context.Background(), pipeline.ReplayFilter{ID: d.ID})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err)
	require.Eventually(t, func() bool {
		dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{ID: d.ID, Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond, "rejected again by the ledger stage, pending again")
}

// TestInboxOrder: the file drop hands several files to the intake at once,
// and their events still reach the ledger in the order the files were
// found: each gate-out dropped right after its release applies at once,
// without waiting (parked) for its release.
func TestInboxOrder(t *testing.T) {
	h := start(t)
	const n = 12
	for i := range n {
		h.drop(t, "portbase", fmt.Sprintf("%02d-a-release.edi", i), string(workloadMessage(i)))
		h.drop(t, "portbase", fmt.Sprintf("%02d-b-gate-out.edi", i), codecoOut(fmt.Sprintf("G%02d", i), "NLRTM", workloadContainer(i)))
	}
	require.Eventually(t, func() bool {
		for i := range n {
			key := "SEA/NLRTM/MSC/" + workloadBL(i) + "/" + workloadContainer(i)
			r, err := h.gw.Store().Release(context.Background(), key)
			if err != nil || r.Status != string(ledger.PickedUp) {
				return false
			}
		}
		return true
	}, 20*time.Second, 20*time.Millisecond, "every release picked up")
	var m map[string]float64
	require.Eventually(t, func() bool { // counted just after the commit
		m = h.metrics(t)
		return m[`pcsgate_events_total{outcome="accepted"}`] == 2*n
	}, 20*time.Second, 20*time.Millisecond)
	assert.Zero(t, m[`pcsgate_events_total{outcome="parked"}`], "no gate-out came before its release")
}
