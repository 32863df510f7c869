package pipeline_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Overview page draws the last 24 hours as an SVG image with a title
// and a description, bars of the hour's messages, and the same numbers in
// a table; it narrows to a system and refuses an unknown one.
func TestOverviewPage(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	dropThree(t, h)

	var page string
	require.Eventually(t, func() bool {
		code, body := call(t, srv, h.viewer, http.MethodGet, "/overview")
		require.Equal(t, http.StatusOK, code, body)
		page = body
		return strings.Contains(body, "2 received, 1 rejected, 3 delivered, 0 failed in all.")
	}, 20*time.Second, 20*time.Millisecond, "the deliveries' acks recorded")
	svg := regexp.MustCompile(`(?s)<svg class="chart" role="img" aria-labelledby="chart-title chart-desc".*</svg>`).FindString(page)
	require.NotEmpty(t, svg)
	assert.Contains(t, svg, `<title id="chart-title">Messages per hour and outcome</title>`)
	assert.Contains(t, svg, `<desc id="chart-desc">Messages per hour of all systems from `)
	// The messages may straddle an hour when the test runs across one.
	for _, want := range []string{`<rect class="bar received"`, `:00Z: [12] received</title>`, `:00Z: 1 rejected</title>`, `:00Z: [123] delivered</title>`} {
		assert.Regexp(t, want, svg)
	}
	assert.NotContains(t, svg, "bar failed", "no bar for nothing")
	assert.Regexp(t, `<tfoot><tr><th scope="row">total</th><td class="num">2</td><td class="num">1</td><td class="num">3</td><td class="num">0</td></tr></tfoot>`, page)
	assert.Equal(t, 24, strings.Count(page, `<tr><th scope="row">20`), "a row per hour")

	code, page := call(t, srv, h.viewer, http.MethodGet, "/overview?system=cpu")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Messages per hour of cpu from")
	assert.Contains(t, page, "0 received, 0 rejected, 1 delivered, 0 failed in all.")
	assert.Contains(t, page, "<option selected>cpu</option>")

	code, page = call(t, srv, h.viewer, http.MethodGet, "/overview?system=%3Cx%3E")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, page, `system &#34;&lt;x&gt;&#34;: one of`)
	code, _ = call(t, srv, "", http.MethodGet, "/overview")
	assert.Equal(t, http.StatusUnauthorized, code)
}
