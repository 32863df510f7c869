package pipeline_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
	"github.com/nexport/pcsgate/transports/filedrop"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
)

// startAcks starts the default gateway with acknowledgements on the
// Portbase inbox, delivered to the outbox "acks", and a test profile that
// reads release-right transfers from EDIFACT (testdata/overlays).
func startAcks(t *testing.T) *harness {
	t.Helper()
	reg, err := mappings.LoadWith(mappings.Embedded(), os.DirFS("testdata/overlays"))
	require.NoError(t, err)
	dir := t.TempDir()
	h, _ := startLogged(t, dir, reg, func(c *pipeline.Config) {
		for i := range c.Endpoints {
			if c.Endpoints[i].Name == "portbase-in" {
				c.Endpoints[i].Acks = &pipeline.AcksConfig{CONTRL: true, APERAK: true, To: "acks-out"}
			}
		}
		c.Endpoints = append(c.Endpoints, pipeline.Endpoint{Name: "acks-out", Direction: "out", Transport: "filedrop",
			FiledropOut: &filedrop.PublisherConfig{Dir: filepath.Join(dir, "outbox", "acks"), NoSync: true}})
	}, watermill.NopLogger{})
	return h
}

// ack waits for the acknowledgement name in the outbox "acks" and returns
// its segments, read back and checked against the element directory, from
// the first UNH to the last UNT.
func (h *harness) ack(t *testing.T, name string) []string {
	t.Helper()
	path := filepath.Join(h.dir, "outbox", "acks", name)
	require.Eventually(t, func() bool { _, err := os.Stat(path); return err == nil }, 20*time.Second, 20*time.Millisecond, name)
	return ackSegments(t, read(t, path))
}

func ackSegments(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, rep := range edifact.Check(strings.NewReader(body), edifact.ReaderOptions{CheckElements: true}) {
		require.False(t, rep.Rejected(), body)
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "UNB") && !strings.HasPrefix(line, "UNZ") {
			out = append(out, strings.TrimSuffix(line, "'"))
		}
	}
	return out
}

// ftx is the text of the first FTX of the acknowledgement name, its lines
// joined.
func (h *harness) ftx(t *testing.T, name string) string {
	t.Helper()
	m, err := edifact.NewReader(strings.NewReader(read(t, filepath.Join(h.dir, "outbox", "acks", name))), edifact.ReaderOptions{}).Next()
	require.NoError(t, err)
	for _, s := range m.Segments {
		if s.Tag == "FTX" {
			return strings.Join(s.Composite(4), "")
		}
	}
	require.FailNow(t, "no FTX", name)
	return ""
}

// coreorWith is coreor with its container replaced.
func coreorWith(ref, container string) string {
	return strings.Replace(coreor(ref, "NLRTM", "CSQU3054383", "MEDUNL0001"), "EQD+CN+CSQU3054383", "EQD+CN+"+container, 1)
}

// TestAcksContrl: a good interchange is acknowledged (0083 7), one with a
// value too long for its element rejected (0083 4) with the position of
// the segment in its message and the element, in an envelope back to the
// sender.
func TestAcksContrl(t *testing.T) {
	h := startAcks(t)
	h.drop(t, "portbase", "good.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	h.drop(t, "portbase", "bad.edi", coreorWith("R2", "CSQU3054383CSQU3054383"))
	assert.Equal(t, []string{"UNH+1+CONTRL:D:3:UN", "UCI+ICR1+MSC:ZZZ+PCSGATE:ZZZ+7", "UCM+R1+COREOR:D:00B:UN:SMDG20+7", "UNT+4+1"},
		h.ack(t, "MSC-ICR1.contrl.edi"))
	assert.Equal(t, []string{"UNH+1+CONTRL:D:3:UN", "UCI+ICR2+MSC:ZZZ+PCSGATE:ZZZ+4", "UCM+R2+COREOR:D:00B:UN:SMDG20+4",
		"UCS+10", "UCD+39+2:1", "UNT+6+1"}, h.ack(t, "MSC-ICR2.contrl.edi"))
	body := read(t, filepath.Join(h.dir, "outbox", "acks", "MSC-ICR2.contrl.edi"))
	assert.True(t, strings.HasPrefix(body, "UNB+UNOC:3+PCSGATE:ZZZ+MSC:ZZZ+"), "sender and recipient swapped: %s", body)
}

// TestAcksRetry: the same file again is not acknowledged again; a
// corrected resend under the same interchange reference replaces the
// acknowledgement instead of adding one.
func TestAcksRetry(t *testing.T) {
	h := startAcks(t)
	good := coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001")
	h.drop(t, "portbase", "1.edi", good)
	h.ack(t, "MSC-ICR1.contrl.edi")
	h.drop(t, "portbase", "2-again.edi", good)
	// Acknowledgements are delivered in the order committed: once the
	// next one is there, one for the repeat would be too.
	h.drop(t, "portbase", "3-next.edi", coreor("R3", "NLRTM", "MWCU6059784", "MEDUNL0003"))
	h.ack(t, "MSC-ICR3.contrl.edi")
	require.Eventually(t, func() bool {
		return h.metrics(t)[`pcsgate_messages_delivered_total{endpoint="acks-out"}`] == 2
	}, 20*time.Second, 20*time.Millisecond)
	assert.Len(t, h.files("acks"), 2)

	h.drop(t, "portbase", "4-resent.edi", coreorWith("R1", "CSQU3054383CSQU3054383"))
	require.Eventually(t, func() bool {
		return h.metrics(t)[`pcsgate_messages_delivered_total{endpoint="acks-out"}`] == 3
	}, 20*time.Second, 20*time.Millisecond)
	assert.Contains(t, h.ack(t, "MSC-ICR1.contrl.edi"), "UCI+ICR1+MSC:ZZZ+PCSGATE:ZZZ+4", "replaced by the resend's")
	assert.ElementsMatch(t, []string{"MSC-ICR1.contrl.edi", "MSC-ICR3.contrl.edi"}, h.files("acks"))
}

// TestAcksAperak: a transfer offered by a party that does not hold the
// right is answered with an APERAK quoting the message and the ledger's
// reason; its interchange is acknowledged as syntactically good.
func TestAcksAperak(t *testing.T) {
	h := startAcks(t)
	h.drop(t, "portbase", "release.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	require.Eventually(t, func() bool {
		_, err := h.gw.Store().Release(context.Background(), "SEA/NLRTM/MSC/MEDUNL0001/CSQU3054383")
		return err == nil
	}, 20*time.Second, 20*time.Millisecond, "the release exists")
	h.drop(t, "portbase", "transfer.edi", "UNB+UNOC:3+KEMPEN:ZZZ+PCSGATE:ZZZ+261125:0930+ICT1'UNH+T1+IFTSTA:D:00B:UN'BGM+23+T1+9'"+
		"RFF+BM:MEDUNL0001'LOC+11+NLRTM:139:6'NAD+CA+MSC:172:20'NAD+FW+++KEMPEN FORWARDING BV'NAD+CZ+++HAULIER BV'"+
		"EQD+CN+CSQU3054383'UNT+9+T1'UNZ+1+ICT1'")
	segs := h.ack(t, "KEMPEN-ICT1.aperak.edi")
	require.Len(t, segs, 8, segs)
	assert.Equal(t, []string{"UNH+1+APERAK:D:96A:UN", "BGM+313+ICT1-1+27"}, segs[:2])
	assert.Equal(t, []string{"RFF+ACW:T1", "RFF+ZZZ:ICT1", "ERC+NOTHOLDR::ZZZ"}, segs[3:6])
	assert.Contains(t, h.ftx(t, "KEMPEN-ICT1.aperak.edi"), `TRANSFER_OFFERED CSQU3054383: custody rule 1: only the holder may offer a transfer; "KEMPEN FORWARDING BV" is not the holder`)
	assert.Contains(t, h.ack(t, "KEMPEN-ICT1.contrl.edi"), "UCI+ICT1+KEMPEN:ZZZ+PCSGATE:ZZZ+7")
}

// TestAcksAperakMapping: a message its mapping cannot read is good
// EDIFACT (CONTRL accepts it) but refused: its APERAK says why.
func TestAcksAperakMapping(t *testing.T) {
	h := startAcks(t)
	h.drop(t, "portbase", "check-digit.edi", coreorWith("R4", "CSQU3054381"))
	assert.Contains(t, h.ack(t, "MSC-ICR4.contrl.edi"), "UCI+ICR4+MSC:ZZZ+PCSGATE:ZZZ+7")
	segs := h.ack(t, "MSC-ICR4.aperak.edi")
	require.Len(t, segs, 8, segs)
	assert.Equal(t, []string{"RFF+ACW:R4", "RFF+ZZZ:ICR4", "ERC+INVALID::ZZZ"}, segs[3:6])
	assert.Contains(t, h.ftx(t, "MSC-ICR4.aperak.edi"), `message R4: EQD C237.8260 (key.containerNumber) "CSQU3054381" has a wrong ISO 6346 check digit: got 1, expected 3`)
}

// TestAcksOff: an endpoint without acks returns none.
func TestAcksOff(t *testing.T) {
	h := startAcks(t)
	h.drop(t, "cpu", "release.edi", coreor("C1", "BEANR", "SLAU4821933", "SLAGANR2611042"))
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "cpu", "archive", "*", "release.edi"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond, "committed and archived")
	// Delivered in the order committed: after this one, any for the cpu
	// inbox would be there.
	h.drop(t, "portbase", "release.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	h.ack(t, "MSC-ICR1.contrl.edi")
	assert.Equal(t, []string{"MSC-ICR1.contrl.edi"}, h.files("acks"))
}

// TestConfigAcks: acks belong to an inbound endpoint, send something, and
// name an outbound endpoint.
func TestConfigAcks(t *testing.T) {
	const endpoints = "endpoints:\n  - name: out\n    direction: out\n    transport: filedrop\n    filedrop_out: {dir: x}\n" +
		"  - name: in\n    direction: in\n    transport: filedrop\n    filedrop: {dir: y}\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"good", endpoints + "    acks: {contrl: true, to: out}\n", ""},
		{"to an inbound endpoint", endpoints + "    acks: {contrl: true, to: in}\n",
			`[10:30] endpoints[1] "in": invalid configuration: acks.to "in" is not an outbound endpoint`},
		{"nothing to send", endpoints + "    acks: {to: out}\n", `endpoints[1] "in": invalid configuration: acks: contrl, aperak or both expected`},
		{"on an outbound endpoint", strings.Replace(endpoints, "    filedrop_out: {dir: x}\n", "    filedrop_out: {dir: x}\n    acks: {aperak: true, to: out}\n", 1),
			`endpoints[0] "out": invalid configuration: acks are for inbound endpoints`},
		{"unknown key", endpoints + "    acks: {contrl: true, to: out, cc: x}\n", `unknown field "cc"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "pcsgate.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.yaml), 0o644))
			cfg, err := pipeline.LoadConfig(p)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, &pipeline.AcksConfig{CONTRL: true, To: "out"}, cfg.Endpoints[1].Acks)
				return
			}
			require.ErrorIs(t, err, pipeline.ErrConfig)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestReportSync: a webhook with report: sync answers with how many events
// were taken and each one the ledger rejected, with its reason; 400 when
// it rejected them all.
func TestReportSync(t *testing.T) {
	h := startWith(t, func(cfg *pipeline.Config) {
		cfg.Endpoints = append(cfg.Endpoints, pipeline.Endpoint{Name: "hook-in", Direction: "in", Transport: "http",
			HTTPIn: &httptr.InboundConfig{Path: "/in/hook", Auth: httptr.AuthConfig{Bearer: "token"}, Report: httptr.ReportSync}})
	})
	srv := httptest.NewServer(h.gw.WebhookHandler())
	defer srv.Close()
	post := func(body, contentType string) (int, map[string]any) {
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/in/hook", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer token")
		req.Header.Set("Content-Type", contentType)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var answer map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&answer))
		return res.StatusCode, answer
	}
	code, answer := post(coreor("C1", "BEANR", "SLAU4821933", "SLAGANR2611042"), "application/edifact")
	assert.Equal(t, http.StatusAccepted, code)
	assert.Equal(t, "accepted", answer["status"])
	assert.InDelta(t, 1, answer["accepted"], 0)
	assert.Empty(t, answer["rejected"])

	transfer := read(t, filepath.Join("..", "..", "fixtures", "cpu", "notification", "release-right-transferred-to-transport-operator", "input.json"))
	code, answer = post(transfer, "application/json")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Equal(t, "rejected", answer["status"])
	assert.InDelta(t, 0, answer["accepted"], 0)
	rejected, ok := answer["rejected"].([]any)
	require.True(t, ok, answer)
	require.Len(t, rejected, 1)
	r := rejected[0].(map[string]any)
	assert.NotEmpty(t, r["event"])
	assert.Contains(t, r["reason"], `custody rule 1: only the holder may offer a transfer; "Kempen Forwarding BV" is not the holder "EXAMPLE FORWARDER BV"`)
}

// TestAcksAperakBlockedGateOut: a gate-out of a blocked release is
// recorded (the container has left) and its sender is told with an
// APERAK that the release was blocked.
func TestAcksAperakBlockedGateOut(t *testing.T) {
	h := startAcks(t)
	const key = "SEA/NLRTM/MSC/MEDUNL0001/CSQU3054383"
	h.drop(t, "portbase", "release.edi", coreor("R1", "NLRTM", "CSQU3054383", "MEDUNL0001"))
	h.drop(t, "partner", "block.csv", "action,port,carrier,blNumber,containerNumber,isoSizeType,releaseNumber,validFrom,validUntil,terminal,releaseTo,releaseToEori,remarks\n"+
		"BLOCK,NLRTM,MSC,MEDUNL0001,CSQU3054383,45G1,RELR1,,2026-12-31,TERM1,,,customs hold\n")
	require.Eventually(t, func() bool {
		r, err := h.gw.Store().Release(context.Background(), key)
		return err == nil && r.Status == "BLOCKED"
	}, 20*time.Second, 20*time.Millisecond, "the release is blocked")
	h.drop(t, "portbase", "gate-out.edi", codecoOut("G1", "NLRTM", "CSQU3054383"))
	segs := h.ack(t, "TERM1-CCG1.aperak.edi")
	assert.Contains(t, segs, "ERC+BLOCKED::ZZZ")
	// The CODECO came in UNOA, so its APERAK is in UNOA too: upper case,
	// "_" not in the set.
	assert.Contains(t, h.ftx(t, "TERM1-CCG1.aperak.edi"), "GATED?OUT CSQU3054383: THE RELEASE IS BLOCKED; THE GATE-OUT IS RECORDED: PICKED UP WHILE NOT READY: STATUS BLOCKED")
	r, err := h.gw.Store().Release(context.Background(), key)
	require.NoError(t, err)
	assert.Equal(t, "PICKED_UP", r.Status, "the fact stands")
}
