package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/filedrop"
	httptr "github.com/nexport/pcsgate/transports/http"
	"github.com/nexport/pcsgate/transports/sftp"
	"github.com/nexport/pcsgate/transports/store"
)

// Topics of the durable pipes.
const (
	TopicCanonical  = "canonical"
	TopicAccepted   = "accepted"
	TopicDeadLetter = "deadletter"
	outboundPrefix  = "outbound_"
)

// Metadata set on pipeline messages, next to Watermill's own keys.
const (
	MetaStage   = "pcsgate_stage"
	MetaProfile = "pcsgate_profile"
	MetaEventID = "pcsgate_event_id"
	MetaTarget  = "pcsgate_target_profile"
	// MetaLine is the line of a dead letter that is one line of a JSON
	// Lines message.
	MetaLine = "pcsgate_line"
	// MetaRawHash, on an event's canonical message, is the content hash of
	// the raw message it was decoded from; the ledger records it with the
	// event for audits. Left out when that message carries a secret: the
	// hash of a document with a short secret (a six-digit TCT) could be
	// searched back to the secret.
	MetaRawHash = "pcsgate_raw_hash"
	// MetaMaskedHash, on an event's canonical message decoded from a
	// message that carried a secret, is the content hash of the copy of
	// that message kept with its secrets masked; the ledger records it
	// with the event, so the monitor finds the copy.
	MetaMaskedHash = "pcsgate_masked_hash"
	// MetaReleaseKey, on an event's canonical message, is the key of the
	// release the ledger found for it; a dead letter of the event is shown
	// on that release's page.
	MetaReleaseKey = "pcsgate_release_key"
	// MetaBlockedGateOut is set on a gate-out of a blocked release, to the
	// ledger's note: the fact is recorded, and an EDIFACT sender with
	// acknowledgements gets an APERAK saying the release was blocked.
	MetaBlockedGateOut = "pcsgate_blocked_gate_out"
)

// Gateway is a running pcsgate: store, router, transports and HTTP servers.
type Gateway struct {
	cfg      *Config
	reg      *mappings.Registry
	store    *store.Store
	router   *message.Router
	logger   watermill.LoggerAdapter // one line per message and stage
	lib      watermill.LoggerAdapter // the router's and store's own chatter
	metrics  *metrics
	hooks    *http.ServeMux // the webhooks
	monitor  http.Handler   // the monitor's routes, each behind its role
	outbound map[string]message.Publisher
	credKey  []byte
	// sealKey seals what is kept of messages that carry a secret.
	sealKey keySealer
	// targets are, per route of cfg, its target system and encode options.
	targets []routeTarget
	// partitions is how many topics each outbound endpoint's messages are
	// spread over (see partition.go).
	partitions int
	// leftover are, per outbound endpoint, the partitions beyond
	// partitions still in the store.
	leftover map[string][]int
	// health is what the stages saw of each endpoint lately.
	health *health
	// fleet is the instance's membership of those sharing its store.
	fleet *fleet
	// retryInterval is the first wait of retries and of parked events.
	retryInterval time.Duration
	// parkFor is how long a parked event waits for its release; 0: as
	// many tries as retry.max_retries.
	parkFor time.Duration
	closers []func() error
	// mu guards what follows: Run and Close may be called from
	// different goroutines.
	mu sync.Mutex
	// listeners are those Listen bound, nil before.
	listeners []boundListener
	// routerRan says the router was started; closed, that Close was
	// called.
	routerRan, closed bool
	// stopSched stops the scheduler of parked events, which schedDone
	// says has ended; nil before RunRouter.
	stopSched func()
	schedDone chan struct{}
}

// New builds a gateway from cfg, after filling in its defaults; Run starts
// it. logger gets one line per message and stage; the router's and store's
// own logs go to it too, one level lower (their info is debug here).
func New(ctx context.Context, cfg *Config, reg *mappings.Registry, logger watermill.LoggerAdapter) (*Gateway, error) {
	return NewWithLibraryLogger(ctx, cfg, reg, logger, logger)
}

// NewWithLibraryLogger is New with a separate logger for Watermill's and
// the store's internals.
func NewWithLibraryLogger(ctx context.Context, cfg *Config, reg *mappings.Registry, logger, lib watermill.LoggerAdapter) (*Gateway, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkJSONLines(cfg, reg); err != nil {
		return nil, err
	}
	targets, err := routeTargets(cfg, reg)
	if err != nil {
		return nil, err
	}
	key, err := credentialKey(cfg.CredentialKeyFile)
	if err != nil {
		return nil, err
	}
	sealKey, err := secretKey(cfg.SecretKeyFile)
	if err != nil {
		return nil, err
	}
	for i := range targets {
		targets[i].opts.SealKey = sealKey
	}
	st, err := store.OpenConfig(ctx, store.Config{DSN: cfg.Store, MaxBytes: storeMaxBytes(cfg),
		StatementTimeout: cfg.Postgres.StatementTimeout, IdleInTxTimeout: cfg.Postgres.IdleInTransactionTimeout}, lib)
	if err != nil {
		return nil, err
	}
	if err := checkFleetKey(ctx, st, cfg.CredentialKeyFile, key); err != nil {
		_ = st.Close()
		return nil, err
	}
	g := &Gateway{cfg: cfg, reg: reg, store: st, logger: logger, lib: lib, hooks: http.NewServeMux(),
		outbound: map[string]message.Publisher{}, credKey: key, sealKey: sealKey, targets: targets, fleet: newFleet(st, lib, cfg.Version)}
	g.closers = append(g.closers, st.Close)
	g.partitions = partitionsOf(cfg, st.Backend())
	if err := g.findLeftoverPartitions(ctx); err != nil {
		_ = g.Close()
		return nil, err
	}
	g.metrics = newMetrics(prometheus.NewRegistry())
	g.health = newHealth(cfg, time.Now)
	if err := g.buildRouter(); err != nil {
		_ = g.Close()
		return nil, err
	}
	return g, nil
}

// storeHeadroom is what the store takes beyond an inbound endpoint's
// largest message: its metadata, and the reason of its dead letter.
const storeHeadroom = 1 << 20

// storeMaxBytes is the store's cap on a payload: the store's default, or
// more where an inbound endpoint takes larger messages, so that whatever an
// endpoint accepts can also be kept as a dead letter. A cap below an
// endpoint's limit would make a refused message of a size between them
// fail its dead letter and be redelivered, under a new id, for ever.
func storeMaxBytes(cfg *Config) int {
	largest := int64(store.DefaultMaxBytes)
	for i := range cfg.Endpoints {
		if _, n := inboundMaxBytes(&cfg.Endpoints[i]); n > 0 {
			largest = max(largest, n+storeHeadroom)
		}
	}
	return int(min(largest, maxInboundBytes+storeHeadroom))
}

// maxInboundBytes bounds an inbound endpoint's max_bytes: what the store
// keeps in one row, well under the 1 GB a SQLite or PostgreSQL value may
// hold.
const maxInboundBytes = 512 << 20

// inboundMaxBytes returns the section and the largest message an inbound
// endpoint takes, its default filled in; 0 for an outbound one.
func inboundMaxBytes(ep *Endpoint) (string, int64) {
	switch {
	case ep.Filedrop != nil:
		return "filedrop.max_bytes", cmp.Or(ep.Filedrop.MaxBytes, filedrop.DefaultMaxBytes)
	case ep.SFTP != nil:
		return "sftp.max_bytes", cmp.Or(ep.SFTP.MaxBytes, sftp.DefaultMaxBytes)
	case ep.HTTPIn != nil:
		return "http_in.max_body_bytes", cmp.Or(ep.HTTPIn.MaxBodyBytes, httptr.DefaultMaxBodyBytes)
	}
	return "", 0
}

// checkJSONLines checks that an endpoint reading JSON Lines with a profile
// names one that can read them.
func checkJSONLines(cfg *Config, reg *mappings.Registry) error {
	for _, ep := range cfg.Endpoints {
		if !ep.JSONLines || ep.Profile == "" {
			continue
		}
		if p, err := reg.Profile(ep.Profile); err != nil || !p.ReadsLines() {
			return fmt.Errorf("endpoint %q: %w: json_lines needs a JSON profile that reads, not %q", ep.Name, ErrConfig, ep.Profile)
		}
	}
	return nil
}

// writePrivate writes data to the file path, readable and writable by its
// owner only (0600) whatever the umask, also when the file existed.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func (g *Gateway) buildRouter() error {
	r, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, g.lib)
	if err != nil {
		return err
	}
	g.router = r
	interval, err := time.ParseDuration(g.cfg.Retry.InitialInterval)
	if err != nil {
		return fmt.Errorf("retry.initial_interval: %w: %v", ErrConfig, err)
	}
	g.retryInterval = interval
	if g.cfg.Retry.ParkFor != "" {
		if g.parkFor, err = time.ParseDuration(g.cfg.Retry.ParkFor); err != nil {
			return fmt.Errorf("retry.park_for: %w: %v", ErrConfig, err)
		}
	}
	dead := sealingPublisher{Publisher: g.store.Publisher(), key: g.sealKey}
	poison, err := middleware.PoisonQueueWithFilter(dead, TopicDeadLetter, deadLetterWorthy)
	if err != nil {
		return err
	}
	r.AddMiddleware(
		middleware.Recoverer,
		middleware.CorrelationID,
		poison,
		nackWhenContextEnded,
		middleware.Retry{
			MaxRetries: g.cfg.Retry.MaxRetries, InitialInterval: interval, MaxInterval: 30 * time.Second, Multiplier: 2,
			ShouldRetry: func(p middleware.RetryParams) bool { return !transports.IsPermanent(p.Err) },
			Logger:      g.lib,
		}.Middleware,
	)
	for i := range g.cfg.Endpoints {
		ep := &g.cfg.Endpoints[i]
		if err := g.addEndpoint(ep); err != nil {
			return fmt.Errorf("endpoint %s: %w", ep.Name, err)
		}
	}
	sub := func(group string) message.Subscriber {
		s, err2 := g.store.Subscriber(group)
		if err2 != nil {
			err = err2
		}
		return s
	}
	r.AddConsumerHandler("ledger", TopicCanonical, sub("ledger"), g.ledgerStage)
	r.AddConsumerHandler("parked", topicParked, sub("parked"), g.parkedStage)
	r.AddConsumerHandler("route", TopicAccepted, sub("route"), g.routeStage)
	r.AddConsumerHandler("deadletter", TopicDeadLetter, sub("deadletter"), g.deadLetterStage)
	if err != nil {
		return err
	}
	g.monitor = g.monitorHandler()
	return nil
}

// addEndpoint builds ep's transport by its kind and adds its handler: the
// intake of an inbound endpoint, the delivery of an outbound one.
func (g *Gateway) addEndpoint(ep *Endpoint) error {
	k := kindOf(ep)
	if k == nil { // Validate has reported it
		return fmt.Errorf("%w: %s", ErrConfig, kindsHelp(ep))
	}
	if k.subscriber != nil {
		sub, err := g.fleet.leased(ep, func() (message.Subscriber, error) { return k.subscriber(g, ep) })
		if err != nil {
			return err
		}
		g.closers = append(g.closers, sub.Close)
		g.health.watch(ep.Name, sub)
		g.router.AddConsumerHandler("intake_"+ep.Name, ep.Name, sub, g.health.observe(ep.Name, g.intakeStage(ep)))
		return nil
	}
	pub, err := k.publisher(g, ep)
	if err != nil {
		return err
	}
	g.outbound[ep.Name] = pub
	g.closers = append(g.closers, pub.Close)
	// A transport that stages deliveries (the file drop) makes a whole
	// batch durable and visible once, just before the batch's
	// acknowledgement is recorded.
	// Each partition has a subscription, and a batch staged, of its own;
	// its handler is named after its topic: deliver_<endpoint>[.<p>].
	for _, d := range g.outboundDeliveries(ep.Name) {
		handler, flush := g.deliverStage(ep, d)
		handler, flush = g.health.observe(ep.Name, handler), g.health.observeFlush(ep.Name, flush)
		sub, err := g.store.SubscriberWith(d.Group, store.SubscriberOptions{BeforeAck: flush})
		if err != nil {
			return err
		}
		g.router.AddConsumerHandler("deliver_"+strings.TrimPrefix(d.Topic, outboundPrefix), d.Topic, sub, handler)
	}
	return nil
}

// MonitorHandler serves the monitor, its API, /metrics and /healthz, as
// the monitor's listener does: every route but /healthz needs a token.
func (g *Gateway) MonitorHandler() http.Handler { return g.monitor }

// WebhookHandler serves the http_in endpoints, as the webhooks' listener
// does.
func (g *Gateway) WebhookHandler() http.Handler { return g.hooks }

// Store gives access to the ledger (monitor, replay, tests).
func (g *Gateway) Store() *store.Store { return g.store }

// Listen binds the monitor's listener unless it is off, and the webhooks'
// when an http_in endpoint exists, so that a taken address fails before
// anything is announced; Run serves on them. Run calls Listen itself when
// it was not called.
func (g *Gateway) Listen() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.closed:
		return errGatewayClosed
	case g.listeners != nil:
		return nil
	}
	limits := g.cfg.Webhooks.ServerLimits.server(g.logger)
	var lns []boundListener
	bind := func(what, addr string, h http.Handler, limits httptr.ServerConfig) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range lns {
				_ = l.ln.Close()
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		lns = append(lns, boundListener{ln, h, limits})
		return nil
	}
	if g.cfg.Monitor.Listen != ListenOff {
		if err := bind("monitor", g.cfg.Monitor.Listen, g.monitor, limits); err != nil {
			return err
		}
	}
	if g.cfg.hasWebhooks() {
		// A webhook waits up to its endpoint's timeout for its commit: the
		// answer must still be writable then.
		for _, ep := range g.cfg.Endpoints {
			if ep.HTTPIn != nil {
				t := cmp.Or(ep.HTTPIn.Timeout, httptr.DefaultInboundTimeout)
				limits.WriteTimeout = max(limits.WriteTimeout, t+limits.ReadTimeout)
			}
		}
		if err := bind("webhooks", g.cfg.Webhooks.Listen, g.hooks, limits); err != nil {
			return err
		}
	}
	g.listeners = append([]boundListener{}, lns...)
	return nil
}

// boundListener is a listener Listen bound, with what Run serves on it.
type boundListener struct {
	ln     net.Listener
	h      http.Handler
	limits httptr.ServerConfig
}

// Run runs the router and the HTTP servers until ctx ends: the monitor's
// unless it is off, the webhooks' when an http_in endpoint exists.
func (g *Gateway) Run(ctx context.Context) error {
	if err := g.Listen(); err != nil {
		return err
	}
	g.mu.Lock()
	lns := g.listeners
	g.mu.Unlock()
	for _, l := range lns {
		defer serve(l)()
	}
	return g.RunRouter(ctx)
}

// serve serves l until the returned stop is called.
func serve(l boundListener) (stop func()) {
	srv, ln := httptr.NewServer(l.h, l.ln, l.limits)
	go func() { _ = srv.Serve(ln) }()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
}

// RunRouter runs only the pipes (tests serve Handler themselves).
func (g *Gateway) RunRouter(ctx context.Context) error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errGatewayClosed
	}
	g.routerRan = true
	sctx, stop := context.WithCancel(ctx)
	g.schedDone = make(chan struct{})
	g.stopSched = stop
	g.mu.Unlock()
	leave, err := g.fleet.join(ctx)
	if err != nil {
		stop()
		close(g.schedDone)
		return err
	}
	defer leave()
	go func() {
		defer close(g.schedDone)
		g.runScheduler(sctx)
	}()
	defer g.stopScheduler()
	return g.router.Run(ctx)
}

// stopScheduler stops the scheduler RunRouter started and waits for it;
// safe to call more than once and when none was started.
func (g *Gateway) stopScheduler() {
	g.mu.Lock()
	stop, done := g.stopSched, g.schedDone
	g.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// errGatewayClosed refuses to start a gateway that was closed.
var errGatewayClosed = errors.New("the gateway is closed")

// Running is closed once the router runs.
func (g *Gateway) Running() chan struct{} { return g.router.Running() }

// Close stops everything; safe to call more than once.
func (g *Gateway) Close() error {
	g.mu.Lock()
	g.closed = true
	ran, lns := g.routerRan, g.listeners
	g.mu.Unlock()
	var errs []error
	// A router that never ran has no handler to wait for, but its Close
	// would wait for them its whole CloseTimeout (replay, for one, never
	// runs it).
	if g.router != nil && ran {
		errs = append(errs, g.router.Close())
	}
	g.stopScheduler()
	for i := len(g.closers) - 1; i >= 0; i-- {
		errs = append(errs, g.closers[i]())
	}
	g.closers = nil
	for _, l := range lns {
		_ = l.ln.Close() // closed already once served
	}
	return errors.Join(errs...)
}

// errContextEnded marks a handler's failure after its message's context
// ended (ack deadline, lease lost, sender gone): nacked, not a dead letter.
var errContextEnded = errors.New("message context ended")

// deadLetterWorthy tells the poison queue which failures become dead
// letters: all but those after the message's context ended, which are
// nacked so that the message is delivered again.
func deadLetterWorthy(err error) bool { return !errors.Is(err, errContextEnded) }

// nackWhenContextEnded marks the failures of a message whose context has
// ended, so that the poison queue lets them be nacked and redelivered.
func nackWhenContextEnded(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		out, err := h(msg)
		if err != nil && msg.Context().Err() != nil {
			return out, fmt.Errorf("%w: %w", errContextEnded, err)
		}
		return out, err
	}
}
