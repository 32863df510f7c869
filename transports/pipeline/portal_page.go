package pipeline

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

// validityTime is one end of a validity window in UTC and in the port's
// own time.
type validityTime struct {
	UTC, Local string
}

// releasePage is what the release page shows.
type releasePage struct {
	*releaseView
	Token    store.Token
	Session  bool
	CSRF     string
	Now      string
	Ready    bool
	NotReady []string
	Expired  bool
	Zone     string
	From, To *validityTime
	Lights   []namedLight
	Chain    svgChain
	// GateOut is the gate-out step of the chain, if any.
	GateOut *custodyStep
	// Path is the page's own address.
	Path string
	// Operator: the caller may replay and discard the rejected events.
	Operator bool
	// Flash is the outcome of a replay or discard just done on the page.
	Flash       string
	FlashFailed bool
}

// namedLight is one light with the name the page gives it.
type namedLight struct {
	Name string
	ledger.Light
}

// pageError answers err of a page's lookup in one line: 404 for what is
// not there, 500 else; false when err is nil.
func pageError(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound):
		http.Error(w, err.Error(), http.StatusNotFound)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
	return true
}

// releaseHTML serves the page of one release.
func (g *Gateway) releaseHTML(w http.ResponseWriter, r *http.Request) {
	v, err := g.loadRelease(r, r.PathValue("key"))
	if pageError(w, err) {
		return
	}
	now := time.Now()
	c := callerOf(r)
	p := releasePage{
		releaseView: v, Token: c.token, Session: c.session != "", CSRF: g.csrfToken(c.session), Now: now.UTC().Format(time.RFC3339),
		Ready: v.R.ReadyForPickup(now), NotReady: v.R.NotReady(now), Expired: v.R.Expired(now),
		Chain: layoutChain(v.Custody), Path: releasePath(v.Row.Key), Operator: c.canOperate(),
	}
	p.Flash, p.FlashFailed = g.takeFlash(w, r)
	place := v.R.Key.Port
	if v.R.Key.Air() {
		place = v.R.Key.Airport
	}
	if last := v.Custody[len(v.Custody)-1]; last.Kind == stepGateOut {
		p.GateOut = &last
	}
	loc, zerr := canonical.ZoneFor(place)
	if zerr == nil {
		p.Zone = loc.String()
	}
	p.From, p.To = inZone(v.R.ValidFrom, loc), inZone(v.R.ValidUntil, loc)
	l := v.R.Lights
	p.Lights = []namedLight{{"commercial", l.Commercial}, {"customs", l.Customs}, {"terminal", l.Terminal}}
	if l.Total.State != "" {
		p.Lights = append(p.Lights, namedLight{"total", l.Total})
	}
	writePage(w, releaseTemplate, http.StatusOK, p)
}

// writePage renders page with data and answers it with status; a page
// that fails to render is an internal error, not half a page.
func writePage(w http.ResponseWriter, page *template.Template, status int, data any) {
	var b bytes.Buffer
	if err := page.Execute(&b, data); err != nil {
		http.Error(w, "internal error: the page did not render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// inZone is t in UTC and, when the zone is known, in loc; nil for nil.
func inZone(t *time.Time, loc *time.Location) *validityTime {
	if t == nil {
		return nil
	}
	v := &validityTime{UTC: t.UTC().Format("2006-01-02 15:04 UTC")}
	if loc != nil {
		v.Local = t.In(loc).Format("2006-01-02 15:04 MST")
	}
	return v
}

// svgChain is a custody chain laid out for the page: one row per step,
// from top to bottom, joined by a line.
type svgChain struct {
	Width, Height int
	Nodes         []svgNode
	// Desc tells the chain in words, for readers that do not see it.
	Desc string
}

// svgNode is one step of the drawn chain at height Y; Next is the height
// of the following step (0 for the last).
type svgNode struct {
	Class        string
	Y, Next      int
	Line1, Line2 string
}

// Geometry of the drawn chain.
const (
	chainWidth = 760
	chainRow   = 64
	chainTop   = 24
	maxLabel   = 80
)

// layoutChain lays the custody chain out for the SVG of the release page.
func layoutChain(steps []custodyStep) svgChain {
	c := svgChain{Width: chainWidth, Height: chainTop + len(steps)*chainRow - chainRow/2}
	var words []string
	for i, s := range steps {
		n := svgNode{Class: s.Kind, Y: chainTop + i*chainRow, Line1: clip(s.Party)}
		if i < len(steps)-1 {
			n.Next = n.Y + chainRow
		}
		if s.Role != "" {
			n.Line1 += " (" + clip(s.Role) + ")"
		}
		var facts []string
		if s.State != "" {
			n.Class += " " + strings.ToLower(s.State)
			facts = append(facts, strings.TrimSpace(s.State+" "+strings.ToLower(s.HopKind)))
		}
		if s.System != "" {
			facts = append(facts, "via "+s.System)
		}
		if s.ClosedVia != "" && s.ClosedVia != s.System {
			facts = append(facts, "answered via "+s.ClosedVia)
		}
		if s.At != nil {
			facts = append(facts, s.At.UTC().Format("2006-01-02 15:04Z"))
		}
		n.Line2 = clip(strings.Join(facts, " · "))
		c.Nodes = append(c.Nodes, n)
		words = append(words, strings.TrimSpace(n.Line1+" "+n.Line2))
	}
	c.Desc = strings.Join(words, " → ")
	return c
}

// clip shortens s to maxLabel characters for a label of the drawing.
func clip(s string) string {
	r := []rune(s)
	if len(r) <= maxLabel {
		return s
	}
	return string(r[:maxLabel-1]) + "…"
}
