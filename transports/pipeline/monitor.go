package pipeline

import (
	"context"
	"crypto/hmac"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

//go:embed monitor.html release.html message.html login.html header.html messages.html overview.html monitor.css openapi.json
var monitorFS embed.FS

// pageFuncs are the functions the monitor's pages use.
var pageFuncs = template.FuncMap{
	"when": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04Z")
	},
	"lower": strings.ToLower,
}

var (
	monitorPage     = template.Must(template.New("monitor.html").Funcs(pageFuncs).ParseFS(monitorFS, "monitor.html", "header.html"))
	releaseTemplate = template.Must(template.New("release.html").Funcs(pageFuncs).ParseFS(monitorFS, "release.html", "header.html"))
	messageTemplate = template.Must(template.New("message.html").Funcs(pageFuncs).ParseFS(monitorFS, "message.html", "header.html"))
	// The Messages and Overview pages share their header.
	messagesTemplate = template.Must(template.New("messages.html").Funcs(pageFuncs).ParseFS(monitorFS, "messages.html", "header.html"))
	overviewTemplate = template.Must(template.New("overview.html").Funcs(pageFuncs).ParseFS(monitorFS, "overview.html", "header.html"))
)

var loginPage = template.Must(template.ParseFS(monitorFS, "login.html"))

// MonitorRoute is a route of the monitor's listener and the role it needs:
// "" for none (it says nothing), store.RoleViewer or store.RoleOperator.
type MonitorRoute struct {
	// Pattern is the method and path, as http.ServeMux takes them.
	Pattern string
	Role    string
}

type monitorRoute struct {
	MonitorRoute
	handler http.HandlerFunc
}

// monitorRoutes is the one table of the monitor's routes: monitorHandler
// puts each behind guard with its role, so none is served without it.
// The monitor shows ids and states, never credentials: a release's
// credential is a handle only.
func (g *Gateway) monitorRoutes() []monitorRoute {
	const open, viewer, operator = "", store.RoleViewer, store.RoleOperator
	metrics := promhttp.HandlerFor(g.metrics.reg, promhttp.HandlerOpts{})
	return []monitorRoute{
		{MonitorRoute{"GET /healthz", open}, g.healthz},
		{MonitorRoute{"GET /monitor.css", open}, serveCSS},
		{MonitorRoute{"POST /login", open}, func(w http.ResponseWriter, r *http.Request) { g.login(w, r, r.PostFormValue("token")) }},
		{MonitorRoute{"POST /logout", viewer}, logout},
		{MonitorRoute{"GET /{$}", viewer}, g.monitorHTML},
		{MonitorRoute{"GET /releases/{key...}", viewer}, g.releaseHTML},
		{MonitorRoute{"GET /events/{id}/message", viewer}, g.messageHTML},
		{MonitorRoute{"GET /messages", viewer}, g.messagesHTML},
		{MonitorRoute{"GET /overview", viewer}, g.overviewHTML},
		{MonitorRoute{"GET /metrics", viewer}, metrics.ServeHTTP},
		{MonitorRoute{"GET /api/openapi.json", viewer}, serveOpenAPI},
		{MonitorRoute{"GET /api/releases", viewer}, g.apiReleases},
		{MonitorRoute{"GET /api/releases/{key...}", viewer}, g.apiRelease},
		{MonitorRoute{"GET /api/deadletters", viewer}, g.apiDeadLetters},
		{MonitorRoute{"GET /api/messages", viewer}, g.apiMessages},
		{MonitorRoute{"GET /api/health", viewer}, g.apiHealth},
		{MonitorRoute{"GET /api/fleet", viewer}, g.apiFleet},
		{MonitorRoute{"GET /api/stats/hourly", viewer}, g.apiHourly},
		{MonitorRoute{"POST /api/deadletters/{id}/replay", operator}, g.replayDeadLetter},
		{MonitorRoute{"POST /api/deadletters/{id}/discard", operator}, g.discardDeadLetter},
	}
}

// MonitorRoutes lists the monitor's routes with the role each needs.
func (g *Gateway) MonitorRoutes() []MonitorRoute {
	var out []MonitorRoute
	for _, rt := range g.monitorRoutes() {
		out = append(out, rt.MonitorRoute)
	}
	return out
}

// monitorHandler serves the route table, each route behind its role, with
// the security headers on every answer. GET /?token=... logs a browser in.
func (g *Gateway) monitorHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range g.monitorRoutes() {
		mux.Handle(rt.Pattern, g.guard(rt.Role, rt.handler))
	}
	return secureHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/" && r.URL.Query().Has("token") {
			g.loginByAddress(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
}

// loginByAddress logs a browser in with the token of the login address
// (GET /?token=...), when it was opened directly: typed, pasted or opened
// from a terminal (Sec-Fetch-Site "none", or a browser that does not say).
// Another site linking to it would log the visitor in as the token's owner
// (login CSRF); such a request gets the login form.
func (g *Gateway) loginByAddress(w http.ResponseWriter, r *http.Request) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "none" {
		writeLogin(w, http.StatusUnauthorized, "Open the login address directly, or paste the token here.")
		return
	}
	g.login(w, r, r.URL.Query().Get("token"))
}

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	http.ServeFileFS(w, r, monitorFS, "monitor.css")
}

func logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (g *Gateway) apiDeadLetters(w http.ResponseWriter, r *http.Request) {
	dls, err := g.store.DeadLetters(r.Context(), store.DeadLetterFilter{Pending: r.URL.Query().Get("all") == "", Limit: 500})
	for i := range dls {
		if IsSealed(dls[i]) {
			// The hash of a message with a short secret (a six-digit TCT)
			// in an otherwise known document could be searched back to it.
			dls[i].Metadata = withoutContentHash(dls[i].Metadata)
		}
		dls[i].Payload = nil // ids and reasons only; the bytes stay in the store
	}
	writeAPI(w, dls, err)
}

// withoutContentHash is meta without the content hash of its message, in
// either key a transport may have put it.
func withoutContentHash(meta map[string]string) map[string]string {
	hash := meta[transports.MetaContentHash]
	out := make(map[string]string, len(meta))
	for k, v := range meta {
		if k != transports.MetaContentHash && (hash == "" || v != hash) {
			out[k] = v
		}
	}
	return out
}

func (g *Gateway) replayDeadLetter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	res, err := g.Replay(r.Context(), ReplayFilter{ID: id})
	if err == nil && len(res) == 1 && res[0].Err != nil {
		err = res[0].Err
	}
	g.answerAction(w, r, id, "replayed", err)
}

func (g *Gateway) discardDeadLetter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	g.answerAction(w, r, id, "discarded", g.Discard(r.Context(), id))
}

// Discard gives up the pending dead letter id: it stays in the store with
// its bytes, no longer pending. The error wraps store.ErrNotFound when
// there is no such pending dead letter.
func (g *Gateway) Discard(ctx context.Context, id string) error {
	return g.store.InTx(ctx, func(tx *store.Tx) error { return tx.MarkDiscarded(id) })
}

// answerAction answers a replay or discard: a form of the page goes back
// to the page, which shows the outcome; an API client gets JSON.
func (g *Gateway) answerAction(w http.ResponseWriter, r *http.Request, id, done string, err error) {
	if callerOf(r).session != "" {
		msg := "Dead letter " + id + " " + done + "."
		if err != nil {
			msg = "Dead letter " + id + " was not " + done + ": " + err.Error()
		}
		g.setFlash(w, msg, err != nil)
		http.Redirect(w, r, backTo(r), http.StatusSeeOther)
		return
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeAPIError(w, http.StatusNotFound, err.Error())
	case err != nil:
		writeAPIError(w, http.StatusBadRequest, err.Error())
	default:
		writeAPI(w, map[string]string{"status": done}, nil)
	}
}

// backTo is the page a form asks to go back to: the Messages page, with
// its query, a release's page, or else the front page. Nothing else is
// taken, so a form cannot send the browser elsewhere.
func backTo(r *http.Request) string {
	b := r.PostFormValue("back")
	if b == "/messages" || strings.HasPrefix(b, "/messages?") {
		return b
	}
	if strings.HasPrefix(b, "/releases/") && !strings.ContainsAny(b, "\\\r\n?#") && !strings.Contains(b, "//") {
		return b
	}
	return "/"
}

// maxFlash bounds the message a flash cookie carries.
const maxFlash = 1500

// setFlash leaves msg for the next page view, after a redirect. The
// cookie is signed: cookies are not kept apart by port, so another service
// of the same host could otherwise put words on the monitor's page.
func (g *Gateway) setFlash(w http.ResponseWriter, msg string, failed bool) {
	kind := "o"
	if failed {
		kind = "e"
	}
	msg = errtext.Clip(msg, maxFlash)
	v := base64.RawURLEncoding.EncodeToString([]byte(kind + msg))
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: v + "." + g.mac("flash", v),
		Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// takeFlash returns the message setFlash left, if any, and clears it.
func (g *Gateway) takeFlash(w http.ResponseWriter, r *http.Request) (msg string, failed bool) {
	ck, err := r.Cookie(flashCookie)
	if err != nil {
		return "", false
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	v, sig, _ := strings.Cut(ck.Value, ".")
	if !hmac.Equal([]byte(sig), []byte(g.mac("flash", v))) {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < 2 {
		return "", false
	}
	return string(b[1:]), b[0] == 'e'
}

func writeAPI(w http.ResponseWriter, v any, err error) {
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// writeAPIError answers {"error": msg} with status.
func writeAPIError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// writeLogin answers the login form with status and a message, if any.
func writeLogin(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, map[string]string{"Message": msg})
}

// monitorHTML serves the monitor's page: the totals, the release search
// with one page of its results, and the pending dead letters.
func (g *Gateway) monitorHTML(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := time.Now()
	list, status := g.releaseList(r, now)
	dls, _ := g.store.DeadLetters(ctx, store.DeadLetterFilter{Pending: true, Limit: 100})
	counts, _ := g.store.Counts(ctx)
	c := callerOf(r)
	flash, failed := g.takeFlash(w, r)
	writePage(w, monitorPage, status, map[string]any{
		"List": list, "DeadLetters": dls, "Counts": counts, "Now": now.UTC().Format(time.RFC3339),
		"Token": c.token, "Operator": c.canOperate(), "CSRF": g.csrfToken(c.session), "Session": c.session != "",
		"Flash": flash, "FlashFailed": failed,
	})
}

// serveOpenAPI serves the OpenAPI document of the monitor's API.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	http.ServeFileFS(w, r, monitorFS, "openapi.json")
}
