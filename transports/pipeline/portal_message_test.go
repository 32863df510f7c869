package pipeline_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/transports/store"
)

// releaseOf waits until the file dropped as name is archived (sealed or
// not) and returns the only release in the store with its events.
func releaseOf(t *testing.T, h *harness, inbox, name string) (string, []store.EventRow) {
	t.Helper()
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(h.dir, "inbox", inbox, "archive", "*", name+"*"))
		return len(m) == 1
	}, 20*time.Second, 20*time.Millisecond, "%s is archived", name)
	ctx := context.Background()
	rows, err := h.gw.Store().ListReleases(ctx, store.ListFilter{})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	evs, err := h.gw.Store().ReleaseEvents(ctx, rows[0].Key)
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	return rows[0].Key, evs
}

// getMessage fetches path with token, as a browser would.
func getMessage(t *testing.T, srv *httptest.Server, token, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	return res
}

// The message of an S)ONE release is kept with its TCT masked: the
// release page links each event to it, its page shows the document as
// text with asterisks for the TCT, and its download is the masked bytes
// under the file's own name; no answer holds the TCT in clear.
func TestEventMessageMasksTheTCT(t *testing.T) {
	h := start(t)
	doc := soneRelease(t, tctGood, false)
	h.drop(t, "sone", "good.xml", doc)
	key, evs := releaseOf(t, h, "sone", "good.xml")
	masked := strings.ReplaceAll(doc, tctGood, "******")
	require.NotEqual(t, doc, masked, "the document carries the TCT")

	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	_, page := call(t, srv, h.viewer, http.MethodGet, "/releases/"+key)
	link := "/events/" + evs[0].ID + "/message"
	assert.Contains(t, page, `<a href="`+link+`">message</a>`)
	assert.True(t, evs[0].MessageKept)

	code, page := call(t, srv, h.viewer, http.MethodGet, link)
	require.Equal(t, http.StatusOK, code, page)
	assert.Equal(t, masked, preText(t, page), "the masked document")
	assert.Contains(t, page, "&lt;rel:Credential type=&#34;TCT&#34;&gt;******&lt;", "as escaped text")
	assert.NotContains(t, page, tctGood)
	assert.Contains(t, page, `href="/releases/`+key+`"`, "back to its release")
	assert.Contains(t, page, "<code>good.xml</code>")

	res := getMessage(t, srv, h.viewer, link+"?download=1")
	require.Equal(t, http.StatusOK, res.StatusCode)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, masked, string(body))
	assert.Equal(t, `attachment; filename=good.xml`, res.Header.Get("Content-Disposition"))
	assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))

	for _, tok := range []string{"", "wrong"} {
		res := getMessage(t, srv, tok, link)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "token %q", tok)
	}
	code, _ = call(t, srv, h.viewer, http.MethodGet, "/events/ev_none/message")
	assert.Equal(t, http.StatusNotFound, code)
}

// A message without a secret is kept byte for byte under its content hash,
// which its events record as their raw hash.
func TestEventMessageWithoutSecret(t *testing.T) {
	h := start(t)
	doc := coreor("M1", "NLRTM", "CSQU3054383", "MEDUNL0007")
	h.drop(t, "portbase", "rtm.edi", doc)
	_, evs := releaseOf(t, h, "portbase", "rtm.edi")
	m, _, err := h.gw.Store().MessageOf(context.Background(), evs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, doc, string(m.Body))
	assert.Equal(t, "rtm.edi", m.Name)
	assert.Equal(t, "portbase-in", m.Endpoint)

	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	code, page := call(t, srv, h.viewer, http.MethodGet, "/events/"+evs[0].ID+"/message")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, doc, preText(t, page))
}

// preText is the text of the page's <pre>, unescaped.
func preText(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<pre class="raw">(.*)</pre>`).FindStringSubmatch(page)
	require.Len(t, m, 2, "a <pre>")
	return html.UnescapeString(m[1])
}
