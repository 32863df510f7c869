package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// apiMessage is a row of GET /api/messages as a client reads it.
type apiMessage struct {
	At        time.Time `json:"at"`
	Endpoint  string    `json:"endpoint"`
	Direction string    `json:"direction"`
	Kind      string    `json:"kind"`
	ID        string    `json:"id"`
	EventID   string    `json:"eventId"`
	Profile   string    `json:"profile"`
	Route     string    `json:"route"`
	Outcome   string    `json:"outcome"`
	Stage     string    `json:"stage"`
	Reason    string    `json:"reason"`
	State     string    `json:"state"`
}

// dropThree drops two good COREORs (Rotterdam, routed to the partner;
// Antwerp, routed to CPU and the partner) and one with a wrong check
// digit, and waits until they are through.
func dropThree(t *testing.T, h *harness) {
	t.Helper()
	h.drop(t, "portbase", "rtm.edi", coreor("M1", "NLRTM", "CSQU3054383", "MEDUNL0061"))
	h.drop(t, "portbase", "anr.edi", coreor("M2", "BEANR", "MWCU6059784", "MEDUBE0061"))
	bad := strings.Replace(coreor("M3", "NLRTM", "CBHU3202732", "MEDUNL0062"), "EQD+CN+CBHU3202732+", "EQD+CN+CBHU3202731+", 1)
	h.drop(t, "portbase", "bad.edi", bad)
	require.Eventually(t, func() bool {
		dls, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		return err == nil && len(dls) == 1 && len(h.files("cpu")) == 1 && len(h.files("partner")) == 2
	}, 20*time.Second, 20*time.Millisecond)
	h.drained(t)
}

// GET /api/messages lists what went through, newest first: the events
// received with their endpoint, the messages rendered for CPU and the
// partner with the route each took, and the rejected file with its reason;
// it narrows to an endpoint, pages with a Link header and refuses a wrong
// parameter in one line.
func TestMessagesAPI(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	dropThree(t, h)

	list := func(query string) []apiMessage {
		code, body := call(t, srv, h.viewer, http.MethodGet, "/api/messages"+query)
		require.Equal(t, http.StatusOK, code, body)
		var rows []apiMessage
		require.NoError(t, json.Unmarshal([]byte(body), &rows))
		return rows
	}
	var rows []apiMessage
	require.Eventually(t, func() bool {
		rows = list("")
		n := 0
		for _, r := range rows {
			if r.Outcome == store.OutcomeDelivered {
				n++
			}
		}
		return n == 3
	}, 20*time.Second, 20*time.Millisecond, "the deliveries' acks recorded")
	require.Len(t, rows, 6, "two events, three deliveries, one dead letter")
	for i := 1; i < len(rows); i++ {
		assert.False(t, rows[i].At.After(rows[i-1].At), "newest first: %v", rows)
	}
	byKind := map[string][]apiMessage{}
	for _, r := range rows {
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	require.Len(t, byKind["event"], 2)
	ev := byKind["event"][0]
	assert.Equal(t, "portbase-in", ev.Endpoint)
	assert.Equal(t, "in", ev.Direction)
	assert.Equal(t, store.OutcomeReceived, ev.Outcome)
	assert.Equal(t, "portbase-in (portbase/coreor)", ev.Route)
	var routes []string
	for _, r := range byKind["outbound"] {
		assert.Equal(t, "out", r.Direction)
		assert.NotEmpty(t, r.EventID)
		routes = append(routes, r.Route)
	}
	assert.ElementsMatch(t, []string{
		"portbase-in (portbase/coreor) → cpu-out (cpu/transfer)",
		"portbase-in (portbase/coreor) → partner-out (partner/status-csv)",
		"portbase-in (portbase/coreor) → partner-out (partner/status-csv)",
	}, routes)
	require.Len(t, byKind["deadletter"], 1)
	dl := byKind["deadletter"][0]
	assert.Equal(t, store.OutcomeRejected, dl.Outcome)
	assert.Equal(t, "decode", dl.Stage)
	assert.Equal(t, "pending", dl.State)
	assert.Contains(t, dl.Reason, "has a wrong ISO 6346 check digit")

	assert.Len(t, list("?endpoint=cpu-out"), 1, "CPU's one delivery")
	assert.Len(t, list("?endpoint=portbase-in"), 3, "two events and the rejected file")
	assert.Empty(t, list("?endpoint=scr-in"))
	assert.Equal(t, rows[1:2], list("?limit=1&page=2"), "the second page of one")
	res := send(t, srv, http.MethodGet, "/api/messages?limit=2&endpoint=portbase-in", map[string]string{"Authorization": "Bearer " + h.viewer}, nil)
	assert.Equal(t, `</api/messages?endpoint=portbase-in&limit=2&page=2>; rel="next"`, res.Header.Get("Link"))

	for _, bad := range []string{"?endpoint=nowhere", "?page=0", "?limit=501", "?limit=500&page=12"} {
		code, body := call(t, srv, h.viewer, http.MethodGet, "/api/messages"+bad)
		assert.Equal(t, http.StatusBadRequest, code, bad)
		assert.NotContains(t, strings.TrimSpace(body), "\n", "one line: %s", bad)
	}
	code, _ := call(t, srv, "", http.MethodGet, "/api/messages")
	assert.Equal(t, http.StatusUnauthorized, code)
}

// The Messages page shows a row per message with its route and outcome,
// a dead letter's reason as text, not markup, and pages of 50 with links
// both ways; an operator gets the dead letters' forms, which come back to
// the page, a viewer does not.
func TestMessagesPage(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	base := time.Now().UTC().Add(-time.Hour)
	require.NoError(t, h.gw.Store().InTx(context.Background(), func(tx *store.Tx) error {
		for i := range 55 {
			if err := tx.AddDeadLetter(store.DeadLetter{ID: fmt.Sprintf("dl-%02d", i), Stage: "decode", Endpoint: "scr-in",
				Reason: fmt.Sprintf("<b>bad</b> %02d", i), CreatedAt: base.Add(time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		return tx.AddDeadLetter(store.DeadLetter{ID: "dl-deliver", Stage: "deliver_cpu-out", Profile: "cpu/transfer",
			Endpoint: "cpu-out", Reason: "HTTP 400", CreatedAt: base.Add(-time.Minute)})
	}))

	code, page := call(t, srv, h.viewer, http.MethodGet, "/messages")
	require.Equal(t, http.StatusOK, code, page)
	assert.Equal(t, 50, strings.Count(page, `<span class="outcome rejected">`), "a page of 50")
	assert.Contains(t, page, "&lt;b&gt;bad&lt;/b&gt; 54", "the newest first, its reason escaped")
	assert.NotContains(t, page, "<b>bad</b>")
	assert.NotContains(t, page, "bad&lt;/b&gt; 04", "the oldest are on the next page")
	assert.Contains(t, page, `<a href="/messages?page=2" rel="next">`)
	assert.Contains(t, page, "scr-in")
	assert.NotContains(t, page, "/replay", "a viewer gets no forms")
	assert.Contains(t, page, `<a href="/messages" aria-current="page">Messages</a>`)

	code, page = call(t, srv, h.viewer, http.MethodGet, "/messages?page=2")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "bad&lt;/b&gt; 00")
	assert.Contains(t, page, `<span class="outcome failed">failed</span>`, "the failed delivery, oldest, last")
	assert.Contains(t, page, "cpu-out (cpu/transfer)")
	assert.Contains(t, page, `<a href="/messages" rel="prev">`)
	assert.NotContains(t, page, `rel="next"`)

	code, page = call(t, srv, h.viewer, http.MethodGet, "/messages?endpoint=%3Cx%3E")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, page, `endpoint &#34;&lt;x&gt;&#34;: one of the configured endpoints expected`)

	// An operator's form comes back to the page it was sent from, and
	// only to a Messages page.
	operator := h.token(t, store.RoleOperator)
	res := send(t, srv, http.MethodGet, "/?token="+url.QueryEscape(operator), nil, nil)
	require.Len(t, res.Cookies(), 1)
	session := res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
	page = bodyOf(t, send(t, srv, http.MethodGet, "/messages?endpoint=cpu-out", map[string]string{"Cookie": session}, nil))
	assert.Contains(t, page, `action="/api/deadletters/dl-deliver/replay"`)
	assert.Contains(t, page, `name="back" value="/messages?endpoint=cpu-out"`)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := map[string]string{"Cookie": session, "Sec-Fetch-Site": "same-origin"}
	res = send(t, srv, http.MethodPost, "/api/deadletters/dl-50/discard", form, url.Values{"csrf": {csrf}, "back": {"/messages?endpoint=scr-in"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/messages?endpoint=scr-in", res.Header.Get("Location"))
	res = send(t, srv, http.MethodPost, "/api/deadletters/dl-51/discard", form, url.Values{"csrf": {csrf}, "back": {"https://evil.example/messages"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/", res.Header.Get("Location"), "no other place")
	page = bodyOf(t, send(t, srv, http.MethodGet, "/messages?endpoint=scr-in", map[string]string{"Cookie": session}, nil))
	assert.NotContains(t, page, `action="/api/deadletters/dl-50/discard"`, "discarded: no forms")
	assert.Contains(t, page, "at decode, discarded")
}
