package pipeline

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/canonical/ledger"
	"github.com/nexport/pcsgate/transports/store"
)

// pageSize is how many releases a page of the monitor lists; the API takes
// a limit of its own up to maxAPIPage.
const (
	pageSize   = 50
	maxAPIPage = 500
)

// expiringWithin is the window of the "expiring" filter.
const expiringWithin = 24 * time.Hour

// releaseStatuses are the statuses the search offers, in the ledger's words.
var releaseStatuses = []ledger.Status{ledger.Released, ledger.Blocked, ledger.PickedUp, ledger.Withdrawn, ledger.Cancelled}

// releaseQuery is a release search as the page and the API take it from
// GET parameters, so that every search can be bookmarked.
type releaseQuery struct {
	Q, Port, System, Status, Holder string
	Ready, Expiring, Expired        bool
	// Page counts from 1.
	Page int
	// Limit is the page size.
	Limit int
}

// parseReleaseQuery reads a search from v; limit is the page size unless v
// sets one. The error says which parameter is wrong.
func parseReleaseQuery(v url.Values, limit int) (releaseQuery, error) {
	q := releaseQuery{
		Q: strings.TrimSpace(v.Get("q")), Port: strings.ToUpper(strings.TrimSpace(v.Get("port"))),
		System: strings.TrimSpace(v.Get("system")), Status: strings.ToUpper(v.Get("status")),
		Holder: strings.TrimSpace(v.Get("holder")), Page: 1, Limit: limit,
	}
	if q.Status != "" && !slices.Contains(releaseStatuses, ledger.Status(q.Status)) {
		return q, fmt.Errorf("status %s: one of %s expected", errtext.Quote(v.Get("status")), statusList())
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"ready", &q.Ready}, {"expiring", &q.Expiring}, {"expired", &q.Expired}} {
		switch v.Get(b.name) {
		case "", "0", "false":
		case "1", "true", "on":
			*b.dst = true
		default:
			return q, fmt.Errorf("%s %s: 1 or 0 expected", b.name, errtext.Quote(v.Get(b.name)))
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &q.Page, 1 << 20}, {"limit", &q.Limit, maxAPIPage}} {
		s := v.Get(n.name)
		if s == "" {
			continue
		}
		i, err := strconv.Atoi(s)
		if err != nil || i < 1 || i > n.max {
			return q, fmt.Errorf("%s %s: a number from 1 to %d expected", n.name, errtext.Quote(s), n.max)
		}
		*n.dst = i
	}
	return q, nil
}

func statusList() string {
	var s []string
	for _, st := range releaseStatuses {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

// filter is the store's filter for the page of q, judged at now.
func (q releaseQuery) filter(now time.Time) store.ListFilter {
	f := store.ListFilter{
		Query: q.Q, Port: q.Port, System: q.System, Status: q.Status, Holder: q.Holder,
		Ready: q.Ready, Expired: q.Expired, Now: now,
		Limit: q.Limit, Offset: (q.Page - 1) * q.Limit,
	}
	if q.Expiring {
		f.ExpiringWithin = expiringWithin
	}
	return f
}

// pageURL is the address of page of the same search at path.
func (q releaseQuery) pageURL(path string, page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Q, "port": q.Port, "system": q.System, "status": q.Status, "holder": q.Holder} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for k, b := range map[string]bool{"ready": q.Ready, "expiring": q.Expiring, "expired": q.Expired} {
		if b {
			v.Set(k, "1")
		}
	}
	return pageAddress(v, path, "/", q.Limit, page)
}

// pageAddress is the address at path of a query's page: its parameters
// v, the limit unless path is the HTML page's own (page), and the page
// number past the first.
func pageAddress(v url.Values, path, page string, limit, n int) string {
	if path != page {
		v.Set("limit", strconv.Itoa(limit))
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// apiReleases answers a release search with the rows of one page, newest
// first; a Link header names the next page when this one is full.
func (g *Gateway) apiReleases(w http.ResponseWriter, r *http.Request) {
	q, err := parseReleaseQuery(r.URL.Query(), 100)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	rows, err := g.store.ListReleases(r.Context(), q.filter(time.Now()))
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if len(rows) == q.Limit {
		w.Header().Set("Link", "<"+q.pageURL("/api/releases", q.Page+1)+`>; rel="next"`)
	}
	if rows == nil {
		rows = []store.ReleaseRow{}
	}
	writeAPI(w, rows, nil)
}

// listedRelease is one row of the monitor's release list.
type listedRelease struct {
	store.ReleaseRow
	R       ledger.Release
	Ready   bool
	Expired bool
	Link    string
}

// listPage is what the release list shows: the search, its page of
// releases and the links to the pages around it.
type listPage struct {
	Query      releaseQuery
	Error      string
	Releases   []listedRelease
	Prev, Next string
	Statuses   []ledger.Status
	Systems    []string
}

// releaseList runs the search of r for the page; a wrong parameter is said
// on the page, with status 400.
func (g *Gateway) releaseList(r *http.Request, now time.Time) (listPage, int) {
	p := listPage{Statuses: releaseStatuses, Systems: g.systems()}
	q, err := parseReleaseQuery(r.URL.Query(), pageSize)
	p.Query = q
	if err != nil {
		p.Error = err.Error()
		return p, http.StatusBadRequest
	}
	rows, err := g.store.ListReleases(r.Context(), q.filter(now))
	if err != nil {
		p.Error = err.Error()
		return p, http.StatusInternalServerError
	}
	for _, row := range rows {
		l := listedRelease{ReleaseRow: row, Link: releasePath(row.Key)}
		_ = json.Unmarshal(row.Body, &l.R)
		l.Ready = l.R.ReadyForPickup(now)
		l.Expired = l.R.Expired(now)
		p.Releases = append(p.Releases, l)
	}
	if q.Page > 1 {
		p.Prev = q.pageURL("/", q.Page-1)
	}
	if len(rows) == q.Limit {
		p.Next = q.pageURL("/", q.Page+1)
	}
	return p, http.StatusOK
}

// systems lists the port systems of the loaded profiles, for the search.
func (g *Gateway) systems() []string {
	var out []string
	for _, p := range g.reg.Profiles() {
		if pcs := p.Spec.PCS(); !slices.Contains(out, pcs) {
			out = append(out, pcs)
		}
	}
	slices.Sort(out)
	return out
}

// releasePath is the address of a release's page; each part of the key is
// escaped on its own, so the slashes between them stay.
func releasePath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/releases/" + strings.Join(parts, "/")
}
