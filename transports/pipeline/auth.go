package pipeline

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/transports/store"
)

// The monitor's cookies and form field.
const (
	sessionCookie = "pcsgate_session"
	flashCookie   = "pcsgate_flash"
	csrfField     = "csrf"
)

// sessionLifetime is how long a browser login lasts.
const sessionLifetime = 12 * time.Hour

// maxFormBytes bounds the body of a monitor POST: a token or a CSRF field.
const maxFormBytes = 16 << 10

// monitorCSP allows the page its own stylesheet and forms, nothing else:
// no script at all, no framing, no foreign form targets.
const monitorCSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// caller is who made a monitor request: the token, and the session cookie
// when it came by one (empty for a bearer client).
type caller struct {
	token   store.Token
	session string
}

type callerKey struct{}

// callerOf is the caller that guard let through.
func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// canOperate reports whether the token may change state.
func (c caller) canOperate() bool { return c.token.Role == store.RoleOperator }

// guard lets a request reach h when its caller holds need: a foreign
// Origin is refused on every POST; a request without a valid token or
// session gets 401, a viewer on an operator route 403, and a POST made
// with a session cookie needs its CSRF field and a same-origin proof.
func (g *Gateway) guard(need string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if foreignOrigin(r) {
				writeAPIError(w, http.StatusForbidden, "cross-origin request refused")
				return
			}
		}
		if need == "" {
			h.ServeHTTP(w, r)
			return
		}
		c, err := g.authenticate(r)
		var denied authError
		switch {
		case errors.As(err, &denied):
			g.unauthorized(w, r, denied.reason)
			return
		case err != nil:
			writeAPIError(w, http.StatusServiceUnavailable, "tokens cannot be checked now: "+err.Error())
			return
		}
		if need == store.RoleOperator && !c.canOperate() {
			writeAPIError(w, http.StatusForbidden, "this needs an operator token; yours is a "+c.token.Role+" token")
			return
		}
		if r.Method == http.MethodPost && c.session != "" {
			if !sameOrigin(r) {
				writeAPIError(w, http.StatusForbidden, "a form needs a same-origin Origin or Sec-Fetch-Site header")
				return
			}
			if !hmac.Equal([]byte(r.PostFormValue(csrfField)), []byte(g.csrfToken(c.session))) {
				writeAPIError(w, http.StatusForbidden, "the form's CSRF token is missing or wrong: reload the page")
				return
			}
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	})
}

// authError is a request refused for its credentials, with the reason.
type authError struct{ reason string }

func (e authError) Error() string { return e.reason }

// authenticate finds the caller by an Authorization: Bearer header, else
// by the session cookie. Both are checked against the store on every
// request, so that a revoked token ends at once.
func (g *Gateway) authenticate(r *http.Request) (caller, error) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		// The scheme is case-insensitive (RFC 7235): "bearer x" is a bearer token.
		scheme, tok, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return caller{}, authError{"the Authorization header must be Bearer <token>"}
		}
		t, err := g.store.CheckToken(r.Context(), strings.TrimSpace(tok))
		if errors.Is(err, store.ErrBadToken) {
			return caller{}, authError{"the token is not valid (revoked, or never issued here)"}
		}
		if err != nil {
			return caller{}, err
		}
		return caller{token: t}, nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return caller{}, authError{"a token is needed: Authorization: Bearer <token>, or log in"}
	}
	id, ok := g.checkSession(ck.Value, time.Now())
	if !ok {
		return caller{}, authError{"the session has expired: log in again"}
	}
	t, err := g.store.LiveToken(r.Context(), id)
	if errors.Is(err, store.ErrBadToken) {
		return caller{}, authError{"the session's token was revoked: log in again"}
	}
	if err != nil {
		return caller{}, err
	}
	return caller{token: t, session: ck.Value}, nil
}

// unauthorized answers 401: the login form for the page, JSON elsewhere.
func (g *Gateway) unauthorized(w http.ResponseWriter, r *http.Request, reason string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="pcsgate monitor"`)
	if isPage(r) {
		msg := ""
		if _, err := r.Cookie(sessionCookie); err == nil {
			msg = reason // an ended session says why
		}
		writeLogin(w, http.StatusUnauthorized, msg)
		return
	}
	writeAPIError(w, http.StatusUnauthorized, reason)
}

// isPage reports whether r asks for one of the monitor's pages, which
// answer a missing login with the login form rather than JSON.
func isPage(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/releases/"))
}

// foreignOrigin reports whether the browser says the request comes from
// another site. Clients that send neither header (curl, scripts) pass.
func foreignOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site != "same-origin" && site != "none"
	}
	o := r.Header.Get("Origin")
	return o != "" && o != selfOrigin(r)
}

// sameOrigin reports whether a browser's form comes from the monitor
// itself, as far as the browser tells: Sec-Fetch-Site decides when it is
// sent; browsers send it only to HTTPS and loopback addresses. Elsewhere
// the Origin header must be the monitor's own: Referrer-Policy
// same-origin keeps it on the page's own forms, and "Origin: null" (what
// a sandboxed frame or a no-referrer page sends) is refused. No Origin at
// all is no browser's form.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	return r.Header.Get("Origin") == selfOrigin(r)
}

func selfOrigin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// login opens a browser session for the token t: the session cookie, then
// a redirect to the page so that the token leaves the address bar.
func (g *Gateway) login(w http.ResponseWriter, r *http.Request, t string) {
	tok, err := g.store.CheckToken(r.Context(), t)
	if err != nil {
		writeLogin(w, http.StatusUnauthorized, "That token is not valid (revoked, or never issued here).")
		return
	}
	exp := time.Now().Add(sessionLifetime)
	// No Secure flag: the monitor is served over plain HTTP (on loopback
	// by default), where a Secure cookie would never come back. Put it
	// behind a TLS proxy to expose it.
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: g.newSession(tok.ID, exp), Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// newSession is a session cookie's value: the token id, the expiry and a
// MAC over both under the installation's session key.
func (g *Gateway) newSession(id string, exp time.Time) string {
	v := id + "." + strconv.FormatInt(exp.Unix(), 10)
	return v + "." + g.mac("session", v)
}

// checkSession returns the token id of a session cookie whose MAC holds
// and that has not expired at now.
func (g *Gateway) checkSession(v string, now time.Time) (string, bool) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 || !hmac.Equal([]byte(v[i+1:]), []byte(g.mac("session", v[:i]))) {
		return "", false
	}
	id, exp, _ := strings.Cut(v[:i], ".")
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || now.Unix() >= sec {
		return "", false
	}
	return id, true
}

// csrfToken is the hidden form field of the session's forms.
func (g *Gateway) csrfToken(session string) string { return g.mac("csrf", session) }

// mac is an HMAC-SHA256 of v for purpose under a key derived from the
// installation's secret key, which instances of a fleet share, so they
// accept each other's sessions. Not the credential key: its HMACs of
// attacker-chosen text are shown as credential handles.
func (g *Gateway) mac(purpose, v string) string {
	k := hmac.New(sha256.New, g.sealKey)
	k.Write([]byte("pcsgate monitor " + purpose))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// secureHeaders sets the headers every monitor answer carries.
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", monitorCSP)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
