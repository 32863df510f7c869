package http

import (
	"net"
	nethttp "net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
)

// Defaults of ServerConfig: a server that stays bounded under hostile
// clients (slow bodies, idle connections, connection floods).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 90 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxConns          = 256
	DefaultMaxConnsPerClient = 32
)

// ServerConfig bounds the gateway's HTTP server. Zero fields take the
// defaults above.
type ServerConfig struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included: a body
	// sent slowly is cut off.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of its answer; it must exceed an inbound endpoint's commit Timeout.
	WriteTimeout time.Duration
	// IdleTimeout closes a kept-alive connection without a request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header block.
	MaxHeaderBytes int
	// MaxConns bounds the connections open at once; further ones wait in
	// the kernel's accept queue.
	MaxConns int
	// MaxConnsPerClient bounds the connections one IP address has open at
	// once; a further one is closed as soon as it is accepted, so that one
	// client cannot hold every connection of MaxConns.
	MaxConnsPerClient int
	// Logger gets a line when a client is refused for MaxConnsPerClient, at
	// most one a minute per client. Nil logs nothing.
	Logger watermill.LoggerAdapter
}

func (c *ServerConfig) setDefaults() {
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.MaxConnsPerClient <= 0 {
		c.MaxConnsPerClient = DefaultMaxConnsPerClient
	}
	if c.Logger == nil {
		c.Logger = watermill.NopLogger{}
	}
}

// NewServer returns a server of h with cfg's timeouts and header limit, and
// the listener to serve it on: ln with at most cfg.MaxConns connections
// open at once, cfg.MaxConnsPerClient of them from one client.
func NewServer(h nethttp.Handler, ln net.Listener, cfg ServerConfig) (*nethttp.Server, net.Listener) {
	cfg.setDefaults()
	srv := &nethttp.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
	}
	return srv, LimitListener(ln, cfg.MaxConns, cfg.MaxConnsPerClient, cfg.Logger)
}

// refusalLogEvery is how often a refused client is logged at most.
const refusalLogEvery = time.Minute

// LimitListener returns a listener that accepts at most n connections open
// at once, and at most perClient of them from one IP address. Accept waits
// until one of the n is closed; a client's connection beyond its perClient
// is closed at once, unread, and Accept goes on to the next. An IPv4
// client counts the same whether it arrives plain or mapped into IPv6, and
// loopback counts like any other address. logger (nil: none) gets a line
// at most once a minute per refused client.
func LimitListener(ln net.Listener, n, perClient int, logger watermill.LoggerAdapter) net.Listener {
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	return &limitListener{
		Listener: ln, sem: make(chan struct{}, n), done: make(chan struct{}),
		perClient: perClient, logger: logger, now: time.Now,
		open: map[netip.Addr]int{}, logged: map[netip.Addr]time.Time{},
	}
}

type limitListener struct {
	net.Listener
	sem       chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	perClient int
	logger    watermill.LoggerAdapter
	now       func() time.Time

	mu     sync.Mutex
	open   map[netip.Addr]int       // connections open per client; no entry at zero
	logged map[netip.Addr]time.Time // when a client's refusal was last logged, within the last minute
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		select {
		case l.sem <- struct{}{}:
		case <-l.done:
			return nil, net.ErrClosed
		}
		c, err := l.Listener.Accept()
		if err != nil {
			<-l.sem
			return nil, err
		}
		ip := clientIP(c.RemoteAddr())
		if l.take(ip) {
			return &limitConn{Conn: c, release: func() { l.drop(ip); <-l.sem }}, nil
		}
		_ = c.Close()
		<-l.sem
		l.refused(ip)
	}
}

// take counts a new connection from ip, unless ip has perClient open.
func (l *limitListener) take(ip netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] >= l.perClient {
		return false
	}
	l.open[ip]++
	return true
}

// drop counts a connection from ip closed, forgetting ip at zero.
func (l *limitListener) drop(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] <= 1 {
		delete(l.open, ip)
	} else {
		l.open[ip]--
	}
}

// refused logs that ip was refused, unless that was logged less than a
// minute ago; older entries are forgotten on the way.
func (l *limitListener) refused(ip netip.Addr) {
	now := l.now()
	l.mu.Lock()
	if last, ok := l.logged[ip]; ok && now.Sub(last) < refusalLogEvery {
		l.mu.Unlock()
		return
	}
	for a, t := range l.logged {
		if now.Sub(t) >= refusalLogEvery {
			delete(l.logged, a)
		}
	}
	l.logged[ip] = now
	l.mu.Unlock()
	l.logger.Info("Connection refused: the client has too many open", watermill.LogFields{
		"remote": ip.String(), "max_connections_per_client": l.perClient, "listener": l.Addr().String(),
	})
}

// clientIP is the IP address a connection comes from, an IPv4-mapped IPv6
// address unmapped; an address that is not IP gives the zero Addr, and
// all such connections share one count.
func clientIP(addr net.Addr) netip.Addr {
	var ap netip.AddrPort
	switch a := addr.(type) {
	case *net.TCPAddr:
		ap = a.AddrPort()
	case nil:
	default:
		ap, _ = netip.ParseAddrPort(a.String())
	}
	return ap.Addr().Unmap()
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
