package http

import (
	"context"
	"errors"
	"fmt"
	nethttp "net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Defaults of OutboundConfig.
const (
	DefaultOutboundTimeout = 10 * time.Second
	DefaultMaxRetries      = 5
	DefaultBackoff         = 500 * time.Millisecond
	// MaxBackoff caps the wait between two attempts, Retry-After included.
	MaxBackoff         = 30 * time.Second
	DefaultContentType = "application/octet-stream"
)

// OutboundConfig configures an outbound HTTP endpoint (an Outbound).
type OutboundConfig struct {
	// URL is where messages are POSTed, http:// or https://. Required.
	URL string `yaml:"url"`
	// Auth says how pcsgate authenticates: a bearer token, an HMAC
	// signature of the body in HMACHeader, both, or neither.
	Auth AuthConfig `yaml:"auth"`
	// Timeout bounds each attempt, answer included. Default 10s.
	Timeout time.Duration `yaml:"timeout"`
	// MaxRetries is how many times a failed attempt (5xx, 408, 429,
	// network) is retried before the message is given back to the
	// pipeline. Default 5; negative means no retries.
	MaxRetries int `yaml:"max_retries"`
	// Backoff is the wait before the first retry; it doubles with each
	// retry up to 30s, with random jitter. A Retry-After answer header
	// replaces it (also capped at 30s). Default 500ms.
	Backoff time.Duration `yaml:"backoff"`
	// Headers are added to every request, e.g. an API key header a partner
	// requires. They cannot replace Authorization, Content-Type,
	// Idempotency-Key or the signature header.
	Headers map[string]string `yaml:"headers"`
	// ContentType is the Content-Type of every request. Default: the
	// message's transports.MetaContentType, else application/octet-stream.
	ContentType string `yaml:"content_type"`
	// Sleep waits between attempts; tests inject one that does not wait.
	// It returns early with ctx's error when ctx is done. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error `yaml:"-"`
	// Client sends the requests; tests and custom TLS set it. Default: a
	// client of its own that does not follow redirects.
	Client *nethttp.Client `yaml:"-"`
}

func (c *OutboundConfig) setDefaults() {
	c.Auth.setDefaults()
	if c.Timeout == 0 {
		c.Timeout = DefaultOutboundTimeout
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.Backoff == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
}

// reservedHeaders are set by the transport and cannot come from Headers.
var reservedHeaders = []string{"Authorization", "Content-Type", "Content-Length", "Idempotency-Key", "Host", "Transfer-Encoding"}

// Validate reports every setting that is wrong, one line each.
func (c OutboundConfig) Validate() error {
	var errs []error
	bad := func(field, value, expected string) {
		errs = append(errs, fmt.Errorf("%s %s %w: expected %s", field, errtext.Quote(value), transports.ErrBadConfig, expected))
	}
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		// Clip and show only scheme and host: the URL may hold a secret.
		bad("url", redact(c.URL), "an http:// or https:// URL without user or password")
	}
	errs = append(errs, c.Auth.validate("auth")...)
	if c.Timeout < 0 {
		bad("timeout", c.Timeout.String(), "a positive duration")
	}
	if c.Backoff < 0 {
		bad("backoff", c.Backoff.String(), "a positive duration")
	}
	for name, value := range c.Headers {
		switch {
		case !isHeaderName(name):
			bad("headers", name, "header names such as X-Api-Key")
		case isReserved(name, c.Auth.HMACHeader):
			bad("headers", name, "a header the transport does not set itself")
		case strings.ContainsAny(value, "\r\n\x00"):
			bad("headers."+name, "", "a value on one line")
		}
	}
	if c.ContentType != "" && !strings.Contains(c.ContentType, "/") {
		bad("content_type", c.ContentType, "a media type such as application/json")
	}
	return errors.Join(errs...)
}

func isReserved(name, hmacHeader string) bool {
	for _, r := range reservedHeaders {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return hmacHeader != "" && strings.EqualFold(name, hmacHeader)
}

// redact returns scheme://host/path of a URL, without user, query or
// fragment, for messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
