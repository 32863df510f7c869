package pipeline_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/pipeline"
	"github.com/nexport/pcsgate/transports/store"
)

// pathOf is a request path for a route pattern such as
// "POST /api/deadletters/{id}/replay".
func pathOf(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.NewReplacer("{$}", "", "{id}", "dl-1", "{key...}", "SEA/NLRTM/X").Replace(path)
	return method, path
}

// send makes a request to srv with headers and, when form is not nil, a
// form body; redirects are not followed.
func send(t *testing.T, srv *httptest.Server, method, path string, headers map[string]string, form url.Values) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, srv.URL+path, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func bodyOf(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

// assertSecureHeaders checks the headers every monitor answer carries.
func assertSecureHeaders(t *testing.T, res *http.Response, what string) {
	t.Helper()
	csp := res.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		assert.Contains(t, csp, d, what)
	}
	assert.NotContains(t, csp, "unsafe-inline", what)
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), what)
	assert.Equal(t, "same-origin", res.Header.Get("Referrer-Policy"), what)
	assert.Equal(t, "DENY", res.Header.Get("X-Frame-Options"), what)
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), what)
}

// Every route of the monitor's table needs its role: without a token 401
// (the login form for the page, JSON with WWW-Authenticate elsewhere), a
// viewer on an operator route 403, a foreign Origin 403 even for an
// operator's bearer token; only health, stylesheet and login are open.
// Every answer carries the security headers.
func TestMonitorRouteTable(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	operator := h.token(t, store.RoleOperator)
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	var open []string
	for _, rt := range h.gw.MonitorRoutes() {
		method, path := pathOf(rt.Pattern)
		if rt.Role == "" {
			open = append(open, rt.Pattern)
			assertSecureHeaders(t, send(t, srv, method, path, nil, nil), rt.Pattern)
			continue
		}
		res := send(t, srv, method, path, nil, nil)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s without a token", rt.Pattern)
		assert.Contains(t, res.Header.Get("WWW-Authenticate"), "Bearer", rt.Pattern)
		assertSecureHeaders(t, res, rt.Pattern)
		if method == http.MethodGet && (path == "/" || strings.HasPrefix(path, "/releases/")) {
			assert.Contains(t, bodyOf(t, res), `<form class="login" method="post" action="/login">`, rt.Pattern)
		} else {
			var e map[string]string
			require.NoError(t, json.Unmarshal([]byte(bodyOf(t, res)), &e), rt.Pattern)
			assert.NotEmpty(t, e["error"], rt.Pattern)
		}

		res = send(t, srv, method, path, bearer(h.viewer), nil)
		if rt.Role == store.RoleOperator {
			assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s as viewer", rt.Pattern)
		} else {
			assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, res.StatusCode, "%s as viewer", rt.Pattern)
		}
		if method == http.MethodPost {
			hd := bearer(operator)
			hd["Origin"] = "https://evil.example"
			res = send(t, srv, method, path, hd, nil)
			assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s from a foreign origin", rt.Pattern)
			assert.Contains(t, bodyOf(t, res), "cross-origin")
		}
	}
	assert.ElementsMatch(t, []string{"GET /healthz", "GET /monitor.css", "POST /login"}, open, "the only open routes")

	res := send(t, srv, http.MethodGet, "/no/such/page", nil, nil)
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assertSecureHeaders(t, res, "404")
	res = send(t, srv, http.MethodGet, "/api/releases", bearer("pcsgate.nope.nope"), nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a made-up token")
	res = send(t, srv, http.MethodGet, "/api/releases", map[string]string{"Authorization": "bearer " + h.viewer}, nil)
	assert.Equal(t, http.StatusOK, res.StatusCode, "the scheme in lower case")
	res = send(t, srv, http.MethodGet, "/api/releases", map[string]string{"Authorization": "Basic " + h.viewer}, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "another scheme")
}

// A browser logs in with ?token=: a session cookie (HttpOnly,
// SameSite=Strict) and a redirect to the page without the token. Its forms
// need the CSRF field and a same-origin header; revoking the token ends
// the session.
func TestMonitorBrowserSession(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	_, operator, err := h.gw.Store().CreateToken(context.Background(), "ops", store.RoleOperator)
	require.NoError(t, err)

	res := send(t, srv, http.MethodGet, "/?token=pcsgate.bad.bad", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Contains(t, bodyOf(t, res), "That token is not valid")
	assert.Empty(t, res.Cookies())

	res = send(t, srv, http.MethodGet, "/?token="+url.QueryEscape(operator), nil, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/", res.Header.Get("Location"), "the token leaves the address")
	require.Len(t, res.Cookies(), 1)
	ck := res.Cookies()[0]
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	assert.Equal(t, "/", ck.Path)
	assert.NotContains(t, ck.Value, operator[len(operator)-43:], "the cookie holds no secret of the token")
	session := map[string]string{"Cookie": ck.Name + "=" + ck.Value}

	res = send(t, srv, http.MethodGet, "/", session, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	page := bodyOf(t, res)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, m, "the page's forms carry a CSRF field")
	csrf := m[1]

	with := func(extra map[string]string) map[string]string {
		hd := map[string]string{"Cookie": session["Cookie"]}
		for k, v := range extra {
			hd[k] = v
		}
		return hd
	}
	for name, c := range map[string]struct {
		headers map[string]string
		form    url.Values
	}{
		"no CSRF field":        {with(map[string]string{"Sec-Fetch-Site": "same-origin"}), url.Values{}},
		"wrong CSRF field":     {with(map[string]string{"Sec-Fetch-Site": "same-origin"}), url.Values{"csrf": {csrf + "x"}}},
		"no origin header":     {with(nil), url.Values{"csrf": {csrf}}},
		"Origin null, no CSRF": {with(map[string]string{"Origin": "null"}), url.Values{}},
		"Origin null":          {with(map[string]string{"Origin": "null"}), url.Values{"csrf": {csrf}}},
		"cross-site fetch":     {with(map[string]string{"Sec-Fetch-Site": "cross-site"}), url.Values{"csrf": {csrf}}},
		"foreign Origin":       {with(map[string]string{"Origin": "http://evil.example"}), url.Values{"csrf": {csrf}}},
		"same-site, not same":  {with(map[string]string{"Sec-Fetch-Site": "same-site"}), url.Values{"csrf": {csrf}}},
	} {
		res := send(t, srv, http.MethodPost, "/api/deadletters/dl-1/discard", c.headers, c.form)
		assert.Equal(t, http.StatusForbidden, res.StatusCode, name)
	}
	// A browser sends Sec-Fetch-Site only to HTTPS and loopback; elsewhere
	// its same-origin form comes with the page's Origin (Referrer-Policy
	// same-origin keeps it).
	for _, hd := range []map[string]string{{"Origin": srv.URL}, {"Sec-Fetch-Site": "same-origin"}} {
		res = send(t, srv, http.MethodPost, "/api/deadletters/dl-1/discard", with(hd), url.Values{"csrf": {csrf}})
		assert.Equal(t, http.StatusSeeOther, res.StatusCode, "%v: a good form goes back to the page", hd)
	}

	id := strings.Split(operator, ".")[1]
	require.NoError(t, h.gw.Store().RevokeToken(context.Background(), id))
	res = send(t, srv, http.MethodGet, "/", session, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the revoked token's session ends")
	assert.Contains(t, bodyOf(t, res), "the session&#39;s token was revoked: log in again")
	res = send(t, srv, http.MethodGet, "/api/releases", map[string]string{"Authorization": "Bearer " + operator}, nil)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the revoked token itself")
}

// An operator replays and discards dead letters: over the API as JSON, from
// the page's forms with the outcome shown on the page after the redirect,
// a failed replay with its reason.
func TestMonitorReplayAndDiscard(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	operator := h.token(t, store.RoleOperator)
	bad := strings.Replace(coreor("B1", "NLRTM", "CSQU3054383", "MEDUNL0002"), "EQD+CN+CSQU3054383+", "EQD+CN+CSQU3054381+", 1)
	h.drop(t, "portbase", "bad.edi", bad)
	var dls []store.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dls, err = h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Stage: "decode", Pending: true})
		return err == nil && len(dls) == 1
	}, 20*time.Second, 20*time.Millisecond, "the bad file becomes a dead letter")
	id := dls[0].ID
	api := map[string]string{"Authorization": "Bearer " + operator}

	res := send(t, srv, http.MethodPost, "/api/deadletters/"+id+"/replay", api, nil)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Contains(t, bodyOf(t, res), "still fails")

	res = send(t, srv, http.MethodGet, "/?token="+url.QueryEscape(operator), nil, nil)
	require.Len(t, res.Cookies(), 1)
	ck := res.Cookies()[0]
	page := bodyOf(t, send(t, srv, http.MethodGet, "/", map[string]string{"Cookie": ck.Name + "=" + ck.Value}, nil))
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := map[string]string{"Cookie": ck.Name + "=" + ck.Value, "Sec-Fetch-Site": "same-origin"}
	res = send(t, srv, http.MethodPost, "/api/deadletters/"+id+"/replay", form, url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	var flash *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "pcsgate_flash" {
			flash = c
		}
	}
	require.NotNil(t, flash, "the outcome waits for the page")
	page = bodyOf(t, send(t, srv, http.MethodGet, "/", map[string]string{"Cookie": ck.Name + "=" + ck.Value + "; " + flash.Name + "=" + flash.Value}, nil))
	assert.Contains(t, page, `<div class="flash failed" role="status">Dead letter `+id+` was not replayed: still fails:`)
	assert.Contains(t, page, "has a wrong ISO 6346 check digit")

	res = send(t, srv, http.MethodPost, "/api/deadletters/"+id+"/discard", api, nil)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"status":"discarded"}`, bodyOf(t, res))
	pending, err := h.gw.Store().DeadLetters(context.Background(), store.DeadLetterFilter{Pending: true})
	require.NoError(t, err)
	assert.Empty(t, pending)
	res = send(t, srv, http.MethodPost, "/api/deadletters/"+id+"/discard", api, nil)
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "discarded already")
}

// The webhooks and the monitor answer on separate listeners: a webhook's
// path is unknown to the monitor and the monitor's to the webhooks.
func TestListenersApart(t *testing.T) {
	h := startWith(t, func(cfg *pipeline.Config) {
		cfg.Endpoints = append(cfg.Endpoints, pipeline.Endpoint{Name: "hook-in", Direction: "in", Transport: "http",
			HTTPIn: &httptr.InboundConfig{Path: "/in/hook", Auth: httptr.AuthConfig{Bearer: "hook-token"}}})
	})
	mon := httptest.NewServer(h.gw.MonitorHandler())
	defer mon.Close()
	hooks := httptest.NewServer(h.gw.WebhookHandler())
	defer hooks.Close()
	operator := h.token(t, store.RoleOperator)

	res := send(t, mon, http.MethodPost, "/in/hook", map[string]string{"Authorization": "Bearer " + operator}, url.Values{})
	assert.Equal(t, http.StatusNotFound, res.StatusCode, "a webhook on the monitor's listener")
	for _, path := range []string{"/", "/metrics", "/healthz", "/api/releases"} {
		res := send(t, hooks, http.MethodGet, path, map[string]string{"Authorization": "Bearer " + operator}, nil)
		assert.Equal(t, http.StatusNotFound, res.StatusCode, "%s on the webhooks' listener", path)
	}
	res = send(t, hooks, http.MethodPost, "/in/hook", map[string]string{"Authorization": "Bearer wrong"}, url.Values{})
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the webhook is there, with its own auth")
}

// The login address logs a browser in only when it was opened directly,
// not when another site links to it (login CSRF); a flash message on the
// page is only one the monitor signed.
func TestLoginAddressAndFlash(t *testing.T) {
	h := start(t)
	srv := httptest.NewServer(h.gw.MonitorHandler())
	defer srv.Close()
	operator := h.token(t, store.RoleOperator)

	for _, site := range []string{"cross-site", "same-site"} {
		res := send(t, srv, http.MethodGet, "/?token="+operator, map[string]string{"Sec-Fetch-Site": site}, nil)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, site)
		assert.Empty(t, res.Cookies(), "%s: no session", site)
		assert.Contains(t, bodyOf(t, res), "Open the login address directly", site)
	}
	for _, hd := range []map[string]string{{"Sec-Fetch-Site": "none"}, nil} {
		res := send(t, srv, http.MethodGet, "/?token="+operator, hd, nil)
		assert.Equal(t, http.StatusSeeOther, res.StatusCode, "%v", hd)
		require.Len(t, res.Cookies(), 1, "%v", hd)
	}

	forged := base64.RawURLEncoding.EncodeToString([]byte("eCall the helpdesk on 555-0100"))
	for _, v := range []string{forged, forged + ".bad"} {
		res := send(t, srv, http.MethodGet, "/", map[string]string{"Authorization": "Bearer " + operator, "Cookie": "pcsgate_flash=" + v}, nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.NotContains(t, bodyOf(t, res), "helpdesk", "an unsigned flash is not shown")
	}
}
