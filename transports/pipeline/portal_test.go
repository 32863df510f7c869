package pipeline_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

const custodyKey = "SEA/NLRTM/MSC/MEDUNL0009/CSQU3054383"

// storeCustody stores a release with three hops (accepted, declined,
// offered) and a gate-out, whose transport operator's name holds markup,
// and its events, each from the system it names.
func storeCustody(t *testing.T, s *store.Store) {
	t.Helper()
	at := func(h int) time.Time { return time.Date(2026, 12, 1, h, 0, 0, 0, time.UTC) }
	until := at(23)
	party := func(name, role string) *canonical.Party { return &canonical.Party{Name: name, Role: role} }
	forwarder, evil := party("Example Forwarder BV", "FORWARDER"), party("<script>alert(1)</script> Trucking", "TRANSPORT_OPERATOR")
	events := []struct {
		id, pcs string
		typ     canonical.EventType
	}{
		{"e1", "portbase", canonical.ReleaseCreated}, {"e2", "portbase", canonical.TransferOffered},
		{"e3", "scr", canonical.TransferAccepted}, {"e4", "scr", canonical.TransferOffered},
		{"e5", "scr", canonical.TransferDeclined}, {"e6", "cpu", canonical.TransferOffered},
		{"e7", "portbase", canonical.GatedOut},
	}
	rel := ledger.Release{
		Key:    canonical.Key{Port: "NLRTM", Carrier: "MSC", BLNumber: "MEDUNL0009", ContainerNumber: "CSQU3054383"},
		Status: ledger.PickedUp, ReleaseNumber: "REL9", Issuer: party("Mediterranean Shipping Company", "CARRIER"),
		ReleaseTo: forwarder, Holder: evil, ValidUntil: &until,
		Hops: []ledger.Hop{
			{From: forwarder, To: evil, State: ledger.Accepted, Kind: "TRANSFER", EventID: "e2", ClosedBy: "e3", At: at(10)},
			{From: evil, To: party("Other Haulier", "TRANSPORT_OPERATOR"), State: ledger.Declined, EventID: "e4", ClosedBy: "e5", At: at(11)},
			{From: evil, To: party("Third Party", "TRANSPORT_OPERATOR"), State: ledger.Offered, EventID: "e6", At: at(12)},
		},
		Lights:  ledger.Lights{Commercial: ledger.Light{State: "GREEN"}, Customs: ledger.Light{State: "RED", Reason: "inspection"}},
		GateOut: &canonical.Gate{At: ptr(at(13)), Facility: &canonical.Facility{Locode: "NLRTM", Code: "ECTDELTA"}},
	}
	for _, e := range events {
		ref := ledger.EventRef{ID: e.id, Type: e.typ, Hash: "h" + e.id}
		if e.id == "e6" {
			ref.Note = "offered by a party that no longer holds the right"
		}
		rel.Events = append(rel.Events, ref)
	}
	body, err := json.Marshal(rel)
	require.NoError(t, err)
	require.NoError(t, s.InTx(context.Background(), func(tx *store.Tx) error {
		for i, e := range events {
			ev := canonical.ReleaseEvent{ID: e.id, Type: e.typ, Key: rel.Key,
				Source: canonical.Source{PCS: e.pcs, Profile: e.pcs + "/test", MessageRef: "MSG-" + e.id}}
			b, err := json.Marshal(ev)
			require.NoError(t, err)
			if _, err := tx.AddEvent(store.EventRow{ID: e.id, ReleaseKey: custodyKey, Seq: int64(i + 1), Type: string(e.typ),
				OccurredAt: at(9 + i), ReceivedAt: at(9 + i), Hash: "h" + e.id, Body: b}); err != nil {
				return err
			}
		}
		return tx.SaveRelease(custodyKey, store.ReleaseMeta{Status: string(rel.Status), Port: "NLRTM", Carrier: "MSC", Holder: evil.Name}, body, 0)
	}))
}

func ptr[T any](v T) *T { return &v }

// The release page shows the key data, the validity window in UTC and in
// Rotterdam's time, the custody chain as an SVG with one node per hop, and
// every event with its system and message; a party's name is escaped.
func TestReleasePage(t *testing.T) {
	h := start(t)
	storeCustody(t, h.gw.Store())
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()

	code, page := call(t, srv, h.viewer, http.MethodGet, "/releases/"+custodyKey)
	require.Equal(t, http.StatusOK, code, page)
	for _, want := range []string{
		"CSQU3054383", "MEDUNL0009", "REL9", `class="status picked_up"`,
		"2026-12-01 23:00 UTC", "2026-12-02 00:00 CET", "Europe/Amsterdam",
		"customs light", "inspection", "MSG-e4", "scr/test",
		"offered by a party that no longer holds the right",
	} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, "<script>", "a party's name is text, not markup")
	assert.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt; Trucking")

	svg := regexp.MustCompile(`(?s)<svg.*</svg>`).FindString(page)
	require.NotEmpty(t, svg)
	assert.Len(t, regexp.MustCompile(`<g class="node hop `).FindAllString(svg, -1), 3, "one node per hop")
	assert.Len(t, regexp.MustCompile(`<g class="node `).FindAllString(svg, -1), 6, "issuer, released-to, three hops, gate-out")
	for _, want := range []string{"node hop accepted", "node hop declined", "node hop offered", "node gateOut", "via scr", "via cpu", "answered via scr", "2026-12-01 13:00Z"} {
		assert.Contains(t, svg, want)
	}
	assert.Regexp(t, `(?s)Mediterranean Shipping Company.*Example Forwarder BV.*Trucking.*Other Haulier.*Third Party.*gate-out NLRTM ECTDELTA`, svg, "in custody order")

	code, _ = call(t, srv, h.viewer, http.MethodGet, "/releases/SEA/NLRTM/NONE")
	assert.Equal(t, http.StatusNotFound, code)
}

// GET /api/releases/{key...} gives the release, its events with source and
// outcome, and the custody chain.
func TestReleaseAPI(t *testing.T) {
	h := start(t)
	storeCustody(t, h.gw.Store())
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()

	code, body := call(t, srv, h.viewer, http.MethodGet, "/api/releases/"+custodyKey)
	require.Equal(t, http.StatusOK, code, body)
	var got struct {
		Release struct {
			Key  string          `json:"key"`
			Body json.RawMessage `json:"body"`
		} `json:"release"`
		Events []struct {
			ID      string           `json:"id"`
			Source  canonical.Source `json:"source"`
			Outcome string           `json:"outcome"`
			Notes   []string         `json:"notes"`
		} `json:"events"`
		Custody []struct {
			Kind, Party, State, System, ClosedVia string
		} `json:"custody"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.Equal(t, custodyKey, got.Release.Key)
	require.Len(t, got.Events, 7)
	assert.Equal(t, "e4", got.Events[3].ID)
	assert.Equal(t, "scr", got.Events[3].Source.PCS)
	assert.Equal(t, "applied", got.Events[3].Outcome)
	assert.Equal(t, []string{"offered by a party that no longer holds the right"}, got.Events[5].Notes)
	var kinds []string
	for _, s := range got.Custody {
		kinds = append(kinds, s.Kind+":"+s.State+":"+s.System)
	}
	assert.Equal(t, []string{"issuer::portbase", "releaseTo::portbase", "hop:ACCEPTED:portbase", "hop:DECLINED:scr", "hop:OFFERED:cpu", "gateOut::portbase"}, kinds)
	assert.Equal(t, "scr", got.Custody[2].ClosedVia)

	code, body = call(t, srv, h.viewer, http.MethodGet, "/api/releases/SEA/NLRTM/NONE")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, `"error"`)
}

// The search of the page and of the API narrows to what a COREOR through
// the gateway made: by container, by system, and keeps the search in the
// page's links; a wrong parameter is refused in one line.
func TestReleaseSearch(t *testing.T) {
	h := start(t)
	h.drop(t, "portbase", "rtm.edi", coreor("W1", "NLRTM", "CSQU3054383", "MEDUNL0007"))
	h.drop(t, "portbase", "rtm2.edi", coreor("W2", "NLRTM", "MWCU6059784", "MEDUNL0005"))
	require.Eventually(t, func() bool {
		rows, err := h.gw.Store().ListReleases(context.Background(), store.ListFilter{})
		return err == nil && len(rows) == 2
	}, 20*time.Second, 20*time.Millisecond)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()

	apiKeys := func(query string) []string {
		code, body := call(t, srv, h.viewer, http.MethodGet, "/api/releases"+query)
		require.Equal(t, http.StatusOK, code, body)
		var rows []store.ReleaseRow
		require.NoError(t, json.Unmarshal([]byte(body), &rows))
		var keys []string
		for _, r := range rows {
			keys = append(keys, r.Key)
		}
		return keys
	}
	assert.Equal(t, []string{"SEA/NLRTM/MSC/MEDUNL0007/CSQU3054383"}, apiKeys("?q=csqu305"))
	assert.Equal(t, []string{"SEA/NLRTM/MSC/MEDUNL0005/MWCU6059784"}, apiKeys("?q=MEDUNL0005"))
	assert.Equal(t, []string{"SEA/NLRTM/MSC/MEDUNL0005/MWCU6059784"}, apiKeys("?q=RELW2"), "release number")
	assert.Len(t, apiKeys("?system=portbase&port=nlrtm&status=RELEASED"), 2)
	assert.Empty(t, apiKeys("?system=cpu"))
	assert.Empty(t, apiKeys("?expired=1"), "valid until the end of 2026")
	assert.Len(t, apiKeys("?limit=1&page=2"), 1)

	res := send(t, srv, http.MethodGet, "/api/releases?limit=1&q=MEDUNL", map[string]string{"Authorization": "Bearer " + h.viewer}, nil)
	assert.Equal(t, `</api/releases?limit=1&page=2&q=MEDUNL>; rel="next"`, res.Header.Get("Link"))

	code, page := call(t, srv, h.viewer, http.MethodGet, "/?q=CSQU3054383&system=portbase")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `href="/releases/SEA/NLRTM/MSC/MEDUNL0007/CSQU3054383"`)
	assert.NotContains(t, page, "MWCU6059784")
	assert.Contains(t, page, `value="CSQU3054383"`, "the search stays in its box")
	assert.Contains(t, page, `<option selected>portbase</option>`)

	code, page = call(t, srv, h.viewer, http.MethodGet, "/?q=NOTHING")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "No release matches this search.")

	for _, bad := range []string{"?status=GONE", "?ready=maybe", "?page=0", "?limit=501"} {
		code, body := call(t, srv, h.viewer, http.MethodGet, "/api/releases"+bad)
		assert.Equal(t, http.StatusBadRequest, code, bad)
		assert.NotContains(t, strings.TrimSpace(body), "\n", "one line: %s", bad)
		code, _ = call(t, srv, h.viewer, http.MethodGet, "/"+bad)
		assert.Equal(t, http.StatusBadRequest, code, "page %s", bad)
	}
}

// The OpenAPI document is JSON and describes every /api route of the
// monitor's route table with its method.
func TestOpenAPIDocument(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	code, body := call(t, srv, h.viewer, http.MethodGet, "/api/openapi.json")
	require.Equal(t, http.StatusOK, code)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.True(t, strings.HasPrefix(doc.OpenAPI, "3."), doc.OpenAPI)

	var routes []string
	for _, rt := range h.gw.MonitorRoutes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		path = strings.ReplaceAll(path, "...}", "}")
		routes = append(routes, path)
		assert.Contains(t, doc.Paths[path], strings.ToLower(method), "%s is described", rt.Pattern)
	}
	var described []string
	for p := range doc.Paths {
		described = append(described, p)
	}
	assert.ElementsMatch(t, routes, described, "no route left out, none made up")
}
