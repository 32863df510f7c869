package pipeline

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports/store"
)

// Outcomes of a listed message besides those of store.HourCount: an
// outbound message its endpoint has not delivered yet.
const outcomeWaiting = "waiting"

// messageQuery is the Messages page's GET parameters: an endpoint (empty
// for all) and a page.
type messageQuery struct {
	Endpoint    string
	Page, Limit int
}

// parseMessageQuery reads a Messages query from v; limit is the page size
// unless v sets one. The error says which parameter is wrong.
func (g *Gateway) parseMessageQuery(v url.Values, limit int) (messageQuery, error) {
	q := messageQuery{Endpoint: strings.TrimSpace(v.Get("endpoint")), Page: 1, Limit: limit}
	if q.Endpoint != "" && g.endpoint(q.Endpoint) == nil {
		return q, fmt.Errorf("endpoint %s: one of the configured endpoints expected", errtext.Quote(q.Endpoint))
	}
	for _, n := range []struct {
		name string
		dst  *int
		max  int
	}{{"page", &q.Page, maxMessagePages}, {"limit", &q.Limit, maxAPIPage}} {
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
	if (q.Page-1)*q.Limit > store.MaxMessagesBack {
		return q, fmt.Errorf("page %d of %d messages: at most %d messages back expected", q.Page, q.Limit, store.MaxMessagesBack)
	}
	return q, nil
}

// maxMessagePages bounds the page number of a Messages query; how far
// back it may go is store.MaxMessagesBack.
const maxMessagePages = 1000

// endpoint is the configured endpoint name, nil when there is none.
func (g *Gateway) endpoint(name string) *Endpoint {
	for i := range g.cfg.Endpoints {
		if g.cfg.Endpoints[i].Name == name {
			return &g.cfg.Endpoints[i]
		}
	}
	return nil
}

// storeQuery is the store's query for q: events and dead letters of an
// inbound endpoint, deliveries and dead letters of an outbound one, all
// three for all endpoints.
func (g *Gateway) storeQuery(q messageQuery) store.MessageQuery {
	sq := store.MessageQuery{DeadLetters: true, Endpoint: q.Endpoint, Limit: q.Limit, Offset: (q.Page - 1) * q.Limit}
	for _, ep := range g.cfg.Endpoints {
		if q.Endpoint != "" && ep.Name != q.Endpoint {
			continue
		}
		sq.Events = sq.Events || ep.Direction == "in"
	}
	for _, d := range g.deliveries() {
		if ep, _, _ := outboundEndpoint(d.Topic); q.Endpoint == "" || ep == q.Endpoint {
			sq.Deliveries = append(sq.Deliveries, d)
		}
	}
	return sq
}

// listedMessage is one row of the Messages page and of GET /api/messages.
type listedMessage struct {
	At time.Time `json:"at"`
	// Endpoint is the endpoint it came through or goes to; empty for an
	// event recorded before pcsgate kept it.
	Endpoint string `json:"endpoint"`
	// Direction is "in" or "out".
	Direction string `json:"direction"`
	// Kind is "event", "outbound" or "deadletter".
	Kind string `json:"kind"`
	// ID is the event id, the outbound message's id or the dead letter id.
	ID string `json:"id"`
	// EventID is the event an outbound message carries.
	EventID string `json:"eventId,omitempty"`
	Profile string `json:"profile,omitempty"`
	// Route is where the message came from and went, where known:
	// "scr-in (scr/release) → cpu-out (cpu/transfer)".
	Route string `json:"route,omitempty"`
	// Outcome is received, delivered, waiting, rejected or failed.
	Outcome string `json:"outcome"`
	// Stage, Reason and State are a dead letter's; State is pending,
	// replayed or discarded.
	Stage  string `json:"stage,omitempty"`
	Reason string `json:"reason,omitempty"`
	State  string `json:"state,omitempty"`
	// Failures are an outbound message's failed delivery attempts.
	Failures []store.Attempt `json:"failures,omitempty"`
}

// listMessage is the row of r as the page and the API show it.
func listMessage(r store.MessageRow) listedMessage {
	m := listedMessage{At: r.At, Kind: r.Kind, ID: r.ID, EventID: r.EventID, Profile: r.Profile, Endpoint: r.Endpoint}
	switch r.Kind {
	case store.KindEvent:
		m.Direction, m.Outcome = "in", store.OutcomeReceived
		m.Route = routeEnd(r.Endpoint, r.Profile)
	case store.KindOutbound:
		m.Endpoint, _, _ = outboundEndpoint(r.Topic)
		m.Direction, m.Outcome = "out", outcomeWaiting
		if r.Delivered {
			m.Outcome = store.OutcomeDelivered
		}
		m.Route = routeEnd(r.SourceEndpoint, r.SourceProfile) + " → " + routeEnd(m.Endpoint, r.Profile)
		m.Failures = r.Failures
	case store.KindDeadLetter:
		m.Direction, m.Outcome, m.Stage, m.Reason, m.State = "in", store.OutcomeRejected, r.Stage, r.Reason, "pending"
		if strings.HasPrefix(r.Stage, "deliver") || r.Stage == "encode" {
			m.Direction = "out"
		}
		if strings.HasPrefix(r.Stage, "deliver") {
			m.Outcome = store.OutcomeFailed
		}
		switch {
		case r.Discarded:
			m.State = "discarded"
		case r.Replayed:
			m.State = "replayed"
		}
		m.Route = routeEnd(r.Endpoint, r.Profile)
	}
	return m
}

// routeEnd is one end of a route: an endpoint and its profile, either
// of which may be unknown.
func routeEnd(endpoint, profile string) string {
	switch {
	case endpoint == "" && profile == "":
		return "?"
	case profile == "":
		return endpoint
	case endpoint == "":
		return "(" + profile + ")"
	}
	return endpoint + " (" + profile + ")"
}

// listMessages runs q and lists its page.
func (g *Gateway) listMessages(r *http.Request, q messageQuery) ([]listedMessage, error) {
	rows, err := g.store.Messages(r.Context(), g.storeQuery(q))
	out := make([]listedMessage, 0, len(rows))
	for _, row := range rows {
		out = append(out, listMessage(row))
	}
	return out, err
}

// pageURL is the address of page of the same query at path.
func (q messageQuery) pageURL(path string, page int) string {
	v := url.Values{}
	if q.Endpoint != "" {
		v.Set("endpoint", q.Endpoint)
	}
	return pageAddress(v, path, "/messages", q.Limit, page)
}

// Back is the address of q's page, for forms to come back to.
func (q messageQuery) Back() string { return q.pageURL("/messages", q.Page) }

// apiMessages answers GET /api/messages: one page of what went through,
// newest first; a Link header names the next page when this one is full.
func (g *Gateway) apiMessages(w http.ResponseWriter, r *http.Request) {
	q, err := g.parseMessageQuery(r.URL.Query(), 100)
	if err != nil {
		writeAPIError(w, http.StatusBadRequest, err.Error())
		return
	}
	rows, err := g.listMessages(r, q)
	if err != nil {
		writeAPIError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if len(rows) == q.Limit {
		w.Header().Set("Link", "<"+q.pageURL("/api/messages", q.Page+1)+`>; rel="next"`)
	}
	writeAPI(w, rows, nil)
}

// messagesPage is what the Messages page shows.
type messagesPage struct {
	Header     pageHeader
	Query      messageQuery
	Error      string
	Messages   []listedMessage
	Endpoints  []string
	Prev, Next string
	Operator   bool
}

// messagesHTML serves the Messages page; a wrong parameter is said on
// the page, with status 400.
func (g *Gateway) messagesHTML(w http.ResponseWriter, r *http.Request) {
	p := messagesPage{Header: g.header(w, r, "messages"), Operator: callerOf(r).canOperate()}
	for _, ep := range g.cfg.Endpoints {
		p.Endpoints = append(p.Endpoints, ep.Name)
	}
	q, err := g.parseMessageQuery(r.URL.Query(), pageSize)
	p.Query = q
	if err != nil {
		p.Error = err.Error()
		writePage(w, messagesTemplate, http.StatusBadRequest, p)
		return
	}
	if p.Messages, err = g.listMessages(r, q); err != nil {
		p.Error = err.Error()
		writePage(w, messagesTemplate, http.StatusInternalServerError, p)
		return
	}
	if q.Page > 1 {
		p.Prev = q.pageURL("/messages", q.Page-1)
	}
	if len(p.Messages) == q.Limit {
		p.Next = q.pageURL("/messages", q.Page+1)
	}
	writePage(w, messagesTemplate, http.StatusOK, p)
}
