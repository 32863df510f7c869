package http

import (
	"errors"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Defaults of InboundConfig.
const (
	DefaultMaxBodyBytes   = 8 << 20
	DefaultInboundTimeout = 30 * time.Second
	DefaultRecentKeys     = 10000
	DefaultMaxUnverified  = 4
)

// ReportSync is InboundConfig.Report for answers with the business outcome.
const ReportSync = "sync"

// DefaultContentTypes are the media types accepted unless
// InboundConfig.ContentTypes says otherwise.
var DefaultContentTypes = []string{"application/json", "application/xml", "text/plain", "application/edifact", "application/x-ndjson", "application/jsonl"}

// InboundConfig configures an inbound webhook endpoint (an Inbound).
type InboundConfig struct {
	// Path is where the gateway's HTTP server serves this endpoint, e.g.
	// /in/cpu. Required.
	Path string `yaml:"path"`
	// Auth says how senders authenticate. A bearer token, an HMAC secret or
	// both are required: an endpoint is never open.
	Auth AuthConfig `yaml:"auth"`
	// MaxBodyBytes is the largest request body accepted, in bytes; larger
	// ones are answered 413. Default 8 MiB.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxUnverified bounds the bodies read at once before their sender is
	// authenticated: on an endpoint with only an hmac_secret the body must
	// be read to check its signature. Requests beyond it are answered 503
	// (the sender retries); at most MaxUnverified × MaxBodyBytes bytes are
	// held for senders not yet known. An endpoint with a bearer token
	// reads only authenticated bodies. Default 4.
	MaxUnverified int `yaml:"max_unverified"`
	// ContentTypes lists the media types accepted, in any letter case
	// (parameters of a request's type such as charset are ignored); others
	// are answered 415. Default application/json, application/xml,
	// text/plain, application/edifact and, for JSON Lines,
	// application/x-ndjson and application/jsonl.
	ContentTypes []string `yaml:"content_types"`
	// Timeout is how long a request waits for its message to be committed
	// before it is answered 503 (the sender then retries). Default 30s.
	Timeout time.Duration `yaml:"timeout"`
	// RecentKeys is how many acknowledged idempotency keys are remembered
	// to answer repeats with 202 without a second message. Default 10000.
	RecentKeys int `yaml:"recent_keys"`
	// Report is what the answer to a committed message says of its
	// business outcome: "" (default) only that it was accepted, or "sync":
	// also how many of its events were taken ("accepted") and each one the
	// gateway refused for good, with its reason ("rejected": [{"event",
	// "reason"}]), answered 400 instead of 202 when it refused them all. A
	// repeat of a message already answered gets "duplicate", without them.
	Report string `yaml:"report"`
	// Clock returns the current time, stamped as MetaReceivedAt; tests
	// inject a fake one. Default time.Now.
	Clock func() time.Time `yaml:"-"`
}

func (c *InboundConfig) setDefaults() {
	c.Auth.setDefaults()
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxUnverified == 0 {
		c.MaxUnverified = DefaultMaxUnverified
	}
	if len(c.ContentTypes) == 0 {
		c.ContentTypes = DefaultContentTypes
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultInboundTimeout
	}
	if c.RecentKeys == 0 {
		c.RecentKeys = DefaultRecentKeys
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
}

// Validate reports every setting that is wrong, one line each.
func (c InboundConfig) Validate() error {
	var errs []error
	bad := func(field, value, expected string) {
		errs = append(errs, fmt.Errorf("%s %s %w: expected %s", field, errtext.Quote(value), transports.ErrBadConfig, expected))
	}
	if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, " ?#") {
		bad("path", c.Path, "a URL path such as /in/cpu")
	}
	if c.Auth.Bearer == "" && c.Auth.HMACSecret == "" {
		errs = append(errs, fmt.Errorf("auth %w: expected a bearer token, an hmac_secret or both", transports.ErrBadConfig))
	}
	errs = append(errs, c.Auth.validate("auth")...)
	if c.MaxBodyBytes < 0 {
		bad("max_body_bytes", fmt.Sprint(c.MaxBodyBytes), "a positive size in bytes")
	}
	if c.MaxUnverified < 0 {
		bad("max_unverified", fmt.Sprint(c.MaxUnverified), "a positive count")
	}
	for i, ct := range c.ContentTypes {
		if mt, params, err := mime.ParseMediaType(ct); err != nil || len(params) > 0 || !strings.Contains(mt, "/") {
			bad(fmt.Sprintf("content_types[%d]", i), ct, "a media type without parameters, such as application/json")
		}
	}
	if c.Timeout < 0 {
		bad("timeout", c.Timeout.String(), "a positive duration")
	}
	if c.Report != "" && c.Report != ReportSync {
		bad("report", c.Report, `"sync" or nothing`)
	}
	if c.RecentKeys < 0 {
		bad("recent_keys", fmt.Sprint(c.RecentKeys), "a positive count")
	}
	return errors.Join(errs...)
}
