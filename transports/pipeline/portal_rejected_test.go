package pipeline_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// rejectedTransfer drops a CPU release and then a transfer offered by a
// party that is not its holder; it returns the dead letter the ledger
// made of the transfer once the file is archived.
func rejectedTransfer(t *testing.T, h *harness) store.DeadLetter {
	t.Helper()
	h.drop(t, "cpu", "1-created.edi", coreor("C1", "BEANR", "SLAU4821933", "SLAGANR2611042"))
	h.drop(t, "cpu", "3-again.json", read(t, filepath.Join("..", "..", "fixtures", "cpu", "notification",
		"release-right-transferred-to-transport-operator", "input.json")))
	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", "cpu", "archive", "*", "3-again.json"))
		return err == nil && len(dls) == 1 && len(m) == 1
	}, 20*time.Second, 20*time.Millisecond, "the transfer is a dead letter")
	return dls[0]
}

// A transfer the ledger rejects is a dead letter of the release it names:
// the store finds it by the release's key, the release page lists it with
// its reason as text, and the API gives it among the release's rejections.
func TestReleaseRejections(t *testing.T) {
	h := start(t)
	d := rejectedTransfer(t, h)
	rels, err := h.gw.Store().ListReleases(context.Background(), store.ListFilter{})
	require.NoError(t, err)
	require.Len(t, rels, 1)
	key := rels[0].Key
	assert.Equal(t, key, d.ReleaseKey, "the key the ledger stored the release under")
	of, err := h.gw.Store().DeadLettersOf(context.Background(), key)
	require.NoError(t, err)
	require.Len(t, of, 1)
	assert.Equal(t, d.ID, of[0].ID)
	none, err := h.gw.Store().DeadLettersOf(context.Background(), "SEA/BEANR/OTHER")
	require.NoError(t, err)
	assert.Empty(t, none)

	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	code, page := call(t, srv, h.viewer, http.MethodGet, "/releases/"+key)
	require.Equal(t, http.StatusOK, code, page)
	section := regexp.MustCompile(`(?s)<h2 id="rejected-h">.*?</table>`).FindString(page)
	require.NotEmpty(t, section)
	assert.Contains(t, section, html.EscapeString(`only the holder may offer a transfer; "Kempen Forwarding BV" is not the holder`),
		"the reason, escaped")
	assert.NotContains(t, section, `"Kempen`, "quotes of the reason are escaped")
	assert.Contains(t, section, "<td>ledger</td>")
	assert.Contains(t, section, "pending")
	assert.NotContains(t, section, "Replay", "a viewer gets no forms")

	code, body := call(t, srv, h.viewer, http.MethodGet, "/api/releases/"+key)
	require.Equal(t, http.StatusOK, code, body)
	var got struct {
		Rejections []struct {
			ID, Stage, Reason, State string
			CreatedAt                time.Time
		} `json:"rejections"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Len(t, got.Rejections, 1)
	r := got.Rejections[0]
	assert.Equal(t, []string{d.ID, "ledger", d.Reason, "pending"}, []string{r.ID, r.Stage, r.Reason, r.State})
	assert.False(t, r.CreatedAt.IsZero())
	assert.NotContains(t, body, `"payload"`, "ids and reasons only")
}

// An operator's Discard on the release page comes back to that page,
// which then shows the rejection as discarded, without forms; a release
// without rejections says so, and the API gives an empty list.
func TestReleaseRejectionDiscard(t *testing.T) {
	h := start(t)
	d := rejectedTransfer(t, h)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	path := "/releases/" + d.ReleaseKey

	res := send(t, srv, http.MethodGet, "/?token="+url.QueryEscape(h.token(t, store.RoleOperator)), nil, nil)
	require.Len(t, res.Cookies(), 1)
	session := res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
	page := bodyOf(t, send(t, srv, http.MethodGet, path, map[string]string{"Cookie": session}, nil))
	assert.Contains(t, page, `action="/api/deadletters/`+d.ID+`/replay"`)
	assert.Contains(t, page, `name="back" value="`+path+`"`)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := map[string]string{"Cookie": session, "Sec-Fetch-Site": "same-origin"}
	res = send(t, srv, http.MethodPost, "/api/deadletters/"+d.ID+"/discard", form, url.Values{"csrf": {csrf}, "back": {path}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, path, res.Header.Get("Location"))
	cookies := session
	for _, c := range res.Cookies() {
		cookies += "; " + c.Name + "=" + c.Value
	}
	page = bodyOf(t, send(t, srv, http.MethodGet, path, map[string]string{"Cookie": cookies}, nil))
	section := regexp.MustCompile(`(?s)<h2 id="rejected-h">.*?</table>`).FindString(page)
	assert.Contains(t, section, "discarded")
	assert.NotContains(t, section, "<form", "nothing left to do")
	assert.Contains(t, page, "Dead letter "+d.ID+" discarded.", "the outcome")
	for _, bad := range []string{"/releases//evil.example", `/releases/\evil.example`, "/releasesx"} {
		res = send(t, srv, http.MethodPost, "/api/deadletters/"+d.ID+"/discard", form, url.Values{"csrf": {csrf}, "back": {bad}})
		assert.Equal(t, "/", res.Header.Get("Location"), bad)
	}

	storeCustody(t, h.gw.Store())
	code, page := call(t, srv, h.viewer, http.MethodGet, "/releases/"+custodyKey)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "No event of this release was rejected.")
	_, body := call(t, srv, h.viewer, http.MethodGet, "/api/releases/"+custodyKey)
	assert.True(t, strings.Contains(body, `"rejections":[]`), body)
}
