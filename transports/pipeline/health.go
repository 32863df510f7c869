package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"sync"
	"syscall"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/transports/sftp"
)

// DefaultDegradedAfter is how long an endpoint may fail, without a
// success in between, before it is reported degraded.
const DefaultDegradedAfter = 5 * time.Minute

// States of an endpoint's health.
const (
	StateOK       = "ok"
	StateFailing  = "failing"  // failing, for less than its degraded_after
	StateDegraded = "degraded" // failing for longer
)

// EndpointHealth is what GET /api/health says of one endpoint.
type EndpointHealth struct {
	Name      string `json:"name"`
	Direction string `json:"direction"`
	Transport string `json:"transport"`
	// State is ok, failing or degraded.
	State string `json:"state"`
	// Since is when its failures began, or its last success while ok.
	Since *time.Time `json:"since,omitempty"`
	// Reason says why it is failing or degraded, with the last error.
	Reason              string     `json:"reason,omitempty"`
	LastSuccess         *time.Time `json:"lastSuccess,omitempty"`
	LastError           *time.Time `json:"lastError,omitempty"`
	LastErrorText       string     `json:"lastErrorText,omitempty"`
	ConsecutiveFailures int        `json:"consecutiveFailures"`
	DegradedAfter       string     `json:"degradedAfter"`
	// Backlog is how many messages wait: for delivery (outbound), or files
	// found and not yet taken in (file drop and SFTP pick-up).
	Backlog *int64 `json:"backlog,omitempty"`
	// Reachable says whether the last poll or upload of an SFTP endpoint
	// reached the server; absent before the first one.
	Reachable *bool `json:"reachable,omitempty"`

	public string // the reason as /healthz may show it
}

// endpointState is what the gateway saw of one endpoint lately.
type endpointState struct {
	ep           *Endpoint
	lastSuccess  time.Time
	lastError    time.Time
	lastErr      error
	failures     int        // since the last success
	failingSince time.Time  // the first of those failures
	reached      *bool      // SFTP only
	waiting      func() int // files found and not acknowledged (file drop, SFTP pick-up)
}

// health tracks every endpoint's successes and failures. Its methods are
// safe for concurrent use; the stages report to it as they go.
type health struct {
	now   func() time.Time
	mu    sync.Mutex
	order []string
	eps   map[string]*endpointState // guarded by mu
}

func newHealth(cfg *Config, now func() time.Time) *health {
	h := &health{now: now, eps: map[string]*endpointState{}}
	for i := range cfg.Endpoints {
		ep := &cfg.Endpoints[i]
		h.order = append(h.order, ep.Name)
		h.eps[ep.Name] = &endpointState{ep: ep}
	}
	return h
}

// record records an outcome of the endpoint name: a message taken in or
// delivered, or its server reached, when err is nil; else a failure.
func (h *health) record(name string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.eps[name]; s != nil {
		s.record(h.now(), err)
	}
}

func (s *endpointState) record(now time.Time, err error) {
	if err == nil {
		s.lastSuccess, s.failures, s.failingSince = now, 0, time.Time{}
		return
	}
	if s.failures == 0 {
		s.failingSince = now
	}
	s.failures++
	s.lastError, s.lastErr = now, err
}

// reached records whether an SFTP endpoint's last operation reached its
// server (err nil) or not. For a pick-up, whose polls are its heartbeat,
// it is also the outcome recorded; an upload's outcome is the delivery's.
func (h *health) reached(name string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.eps[name]
	if s == nil {
		return
	}
	ok := err == nil
	s.reached = &ok
	if s.ep.Direction == "in" {
		s.record(h.now(), err)
	}
}

// watch takes the files waiting at an inbound endpoint from its
// subscriber, when it counts them.
func (h *health) watch(name string, sub any) {
	w, ok := sub.(interface{ Waiting() int })
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s := h.eps[name]; s != nil {
		s.waiting = w.Waiting
	}
}

// reachedBy is what an SFTP transport of the endpoint name reports its
// reach to.
func (h *health) reachedBy(name string) func(error) {
	return func(err error) { h.reached(name, err) }
}

// observe wraps an endpoint's handler (intake or delivery) so that its
// outcome is recorded.
func (h *health) observe(name string, handler message.NoPublishHandlerFunc) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		err := handler(msg)
		if !errors.Is(err, context.Canceled) { // shutting down
			h.record(name, err)
		}
		return err
	}
}

// observeFlush is observe for the flush of a staging transport.
func (h *health) observeFlush(name string, flush func(context.Context) error) func(context.Context) error {
	if flush == nil {
		return nil
	}
	return func(ctx context.Context) error {
		err := flush(ctx)
		if err != nil && ctx.Err() == nil {
			h.record(name, err)
		}
		return err
	}
}

// report is every endpoint's health now, in the order of the config.
func (h *health) report() []EndpointHealth {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	out := make([]EndpointHealth, 0, len(h.order))
	for _, name := range h.order {
		out = append(out, h.eps[name].health(now))
	}
	return out
}

// health is s as it stands at now.
func (s *endpointState) health(now time.Time) EndpointHealth {
	after := s.ep.degradedAfter()
	e := EndpointHealth{Name: s.ep.Name, Direction: s.ep.Direction, Transport: s.ep.Transport, State: StateOK,
		ConsecutiveFailures: s.failures, DegradedAfter: after.String(), LastSuccess: timePtr(s.lastSuccess),
		LastError: timePtr(s.lastError), Reachable: s.reached}
	if s.lastErr != nil {
		e.LastErrorText = s.lastErr.Error()
	}
	if s.waiting != nil {
		n := int64(s.waiting())
		e.Backlog = &n
	}
	if s.failures == 0 {
		e.Since = e.LastSuccess
		return e
	}
	e.State, e.Since = StateFailing, timePtr(s.failingSince)
	if now.Sub(s.failingSince) >= after {
		e.State = StateDegraded
	}
	label := "deliveries failing"
	switch {
	case s.ep.Transport == "sftp" && s.reached != nil && !*s.reached:
		label = "SFTP unreachable"
	case s.ep.Direction == "in":
		label = "intake failing"
	}
	took := now.Sub(s.failingSince).Round(time.Second)
	e.Reason = fmt.Sprintf("%s for %s (%d failures): %v", label, took, s.failures, s.lastErr)
	e.public = fmt.Sprintf("%s for %s: %s", label, took, errorClass(s.lastErr))
	return e
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// degradedAfter is ep's threshold, its default filled in.
func (ep *Endpoint) degradedAfter() time.Duration {
	if ep.DegradedAfter > 0 {
		return ep.DegradedAfter
	}
	return DefaultDegradedAfter
}

// answered finds the HTTP status a partner answered in an error.
var answered = regexp.MustCompile(`answered ([1-5][0-9][0-9])\b`)

// errorClass names the kind of err in a few words that carry no text of a
// message or of the partner's answer: /healthz is open to anyone who can
// reach it.
func errorClass(err error) string {
	var dns *net.DNSError
	var nerr net.Error
	switch {
	case err == nil:
		return "unknown error"
	case errors.Is(err, sftp.ErrHostKey):
		return "host key not the pinned one"
	case errors.Is(err, sftp.ErrLogin):
		return "login refused"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &dns):
		return "host name not found"
	case errors.Is(err, sftp.ErrTimeout), errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return "timed out"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on device"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		return "file or folder not found"
	}
	if m := answered.FindStringSubmatch(err.Error()); m != nil {
		return "answered " + m[1]
	}
	return "error"
}

// healthz answers GET /healthz, open to all: the store's kind, each
// endpoint's state, with a short reason that names the kind of error
// only, and the fleet: its instances (id and heartbeat; GET /api/fleet
// gives host, process and version to a viewer) and the leases held. The
// status is "degraded" when an endpoint has failed for longer than its
// degraded_after. The HTTP status stays 200 then: a load
// balancer takes a 503 as "this instance is down", and another instance
// would meet the same partner's server down; only a store that does not
// answer makes it 503.
func (g *Gateway) healthz(w http.ResponseWriter, r *http.Request) {
	type endpoint struct {
		Name   string     `json:"name"`
		State  string     `json:"state"`
		Since  *time.Time `json:"since,omitempty"`
		Reason string     `json:"reason,omitempty"`
	}
	out := struct {
		Status    string     `json:"status"`
		Store     string     `json:"store"`
		Endpoints []endpoint `json:"endpoints"`
		Fleet     *Fleet     `json:"fleet,omitempty"`
	}{Status: "ok", Store: g.store.Backend(), Endpoints: []endpoint{}}
	for _, e := range g.health.report() {
		pe := endpoint{Name: e.Name, State: StateOK}
		if e.State == StateDegraded {
			pe.State, pe.Since, pe.Reason = StateDegraded, e.Since, e.public
			out.Status = StateDegraded
		}
		out.Endpoints = append(out.Endpoints, pe)
	}
	status := http.StatusOK
	if err := g.store.Ping(r.Context()); err != nil {
		out.Status, status = "down", http.StatusServiceUnavailable
	} else if f, err := FleetOf(r.Context(), g.store); err == nil {
		f.Self = g.fleet.self.ID
		f = f.Anonymous()
		out.Fleet = &f
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

// apiFleet answers GET /api/fleet: every instance on the store with its
// host, process id, version and heartbeat, and the leases held.
func (g *Gateway) apiFleet(w http.ResponseWriter, r *http.Request) {
	f, err := FleetOf(r.Context(), g.store)
	if err != nil {
		writeAPIError(w, http.StatusServiceUnavailable, "the store did not answer")
		return
	}
	f.Self = g.fleet.self.ID
	writeAPI(w, f, nil)
}

// apiHealth answers GET /api/health: each endpoint's health in full, with
// its last error and backlog.
func (g *Gateway) apiHealth(w http.ResponseWriter, r *http.Request) {
	eps := g.health.report()
	for i := range eps {
		if eps[i].Direction != "out" {
			continue
		}
		if n, err := g.backlog(r.Context(), eps[i].Name); err == nil {
			eps[i].Backlog = &n
		}
	}
	writeAPI(w, eps, nil)
}

// backlog is what waits to be delivered to endpoint, in all its
// partitions.
func (g *Gateway) backlog(ctx context.Context, endpoint string) (int64, error) {
	var total int64
	for _, d := range g.outboundDeliveries(endpoint) {
		n, err := g.store.Backlog(ctx, d)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
