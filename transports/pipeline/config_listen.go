package pipeline

import (
	"cmp"
	"fmt"
	"net"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	httptr "github.com/nexport/pcsgate/transports/http"
)

func (l *ServerLimits) setDefaults() {
	l.ReadHeaderTimeout = cmp.Or(l.ReadHeaderTimeout, httptr.DefaultReadHeaderTimeout)
	l.ReadTimeout = cmp.Or(l.ReadTimeout, httptr.DefaultReadTimeout)
	l.WriteTimeout = cmp.Or(l.WriteTimeout, httptr.DefaultWriteTimeout)
	l.IdleTimeout = cmp.Or(l.IdleTimeout, httptr.DefaultIdleTimeout)
	l.MaxHeaderBytes = cmp.Or(l.MaxHeaderBytes, httptr.DefaultMaxHeaderBytes)
	l.MaxConnections = cmp.Or(l.MaxConnections, httptr.DefaultMaxConns)
	l.MaxConnectionsPerClient = cmp.Or(l.MaxConnectionsPerClient, httptr.DefaultMaxConnsPerClient)
}

// server is the HTTP transport's form of l; logger gets the clients refused
// for max_connections_per_client.
func (l ServerLimits) server(logger watermill.LoggerAdapter) httptr.ServerConfig {
	return httptr.ServerConfig{
		ReadHeaderTimeout: l.ReadHeaderTimeout, ReadTimeout: l.ReadTimeout, WriteTimeout: l.WriteTimeout,
		IdleTimeout: l.IdleTimeout, MaxHeaderBytes: l.MaxHeaderBytes, MaxConns: l.MaxConnections,
		MaxConnsPerClient: l.MaxConnectionsPerClient, Logger: logger,
	}
}

// hasWebhooks reports whether some endpoint is an http_in webhook.
func (c *Config) hasWebhooks() bool {
	for i := range c.Endpoints {
		if c.Endpoints[i].HTTPIn != nil {
			return true
		}
	}
	return false
}

// validateListeners checks the monitor's and the webhooks' addresses and
// the servers' limits.
func (c *Config) validateListeners() []error {
	var errs []error
	for _, l := range []struct{ key, addr string }{{"monitor.listen", c.Monitor.Listen}, {"webhooks.listen", c.Webhooks.Listen}} {
		if l.addr == ListenOff || l.addr == "" { // "": the default, filled in later
			continue
		}
		if _, _, err := net.SplitHostPort(l.addr); err != nil {
			errs = append(errs, atField("$."+l.key, fmt.Errorf("%s %q: %w: host:port or %q expected", l.key, l.addr, ErrConfig, ListenOff)))
		}
	}
	if c.Webhooks.Listen == ListenOff && c.hasWebhooks() {
		errs = append(errs, atField("$.webhooks.listen", fmt.Errorf("webhooks.listen: %w: %q, but an http_in endpoint needs the webhooks' server", ErrConfig, ListenOff)))
	}
	if m := c.Monitor.Listen; m != ListenOff && m != "" && m == c.Webhooks.Listen && !anyPort(m) {
		errs = append(errs, atField("$.webhooks.listen", fmt.Errorf("webhooks.listen %q: %w: the monitor listens there too; give them different addresses", m, ErrConfig)))
	}
	l := c.Webhooks.ServerLimits
	for _, f := range []struct {
		key string
		bad bool
	}{
		{"read_header_timeout", l.ReadHeaderTimeout < 0}, {"read_timeout", l.ReadTimeout < 0},
		{"write_timeout", l.WriteTimeout < 0}, {"idle_timeout", l.IdleTimeout < 0},
		{"max_header_bytes", l.MaxHeaderBytes < 0}, {"max_connections", l.MaxConnections < 0},
		{"max_connections_per_client", l.MaxConnectionsPerClient < 0},
	} {
		if f.bad {
			errs = append(errs, atField("$.webhooks."+f.key, fmt.Errorf("webhooks.%s: %w: a positive value expected", f.key, ErrConfig)))
		}
	}
	return errs
}

// anyPort reports whether addr asks the system for a free port, which two
// listeners can both do.
func anyPort(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && port == "0"
}

// refuseOldKeys refuses the top-level key http, which placed webhooks,
// monitor and metrics on one listener before they were split.
func refuseOldKeys(data []byte) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil // the decoder reports it
	}
	for _, doc := range f.Docs {
		var values []*ast.MappingValueNode
		switch b := doc.Body.(type) {
		case *ast.MappingNode:
			values = b.Values
		case *ast.MappingValueNode: // a document of one key
			values = []*ast.MappingValueNode{b}
		}
		for _, mv := range values {
			if mv.Key.GetToken().Value == "http" {
				return fmt.Errorf("%w: %s http: this key is gone: use webhooks.listen for the webhooks and monitor.listen for the monitor", ErrConfig, position(mv))
			}
		}
	}
	return nil
}
