package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	nethttp "net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// Sentinels of outbound failures.
var (
	// ErrRejected: the receiver refused the message (4xx, 3xx). Always
	// inside a transports.PermanentError.
	ErrRejected = errors.New("was rejected by the receiver")
	// ErrUndelivered: every attempt failed with a retryable error.
	ErrUndelivered = errors.New("could not be delivered")
)

// maxSnippet is how much of an error answer's body is quoted.
const maxSnippet = 200

// Outbound POSTs messages to a partner. Publish is safe from many
// goroutines and returns nil only once the receiver answered 2xx for every
// message. The topic is not used: the URL is the endpoint. Close is
// idempotent: it cancels attempts and waits in progress and waits for
// Publish calls to return.
type Outbound struct {
	cfg    OutboundConfig
	logger watermill.LoggerAdapter
	url    string // redacted, for messages
	client *nethttp.Client
	own    *nethttp.Transport // nil when the client was injected

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	closeMu sync.RWMutex // held for reading by Publish
	closed  bool
}

// NewOutbound checks cfg. A nil logger logs nothing.
func NewOutbound(cfg OutboundConfig, logger watermill.LoggerAdapter) (*Outbound, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid http outbound config: %w", err)
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	o := &Outbound{cfg: cfg, url: redact(cfg.URL), client: cfg.Client}
	if o.client == nil {
		o.own = nethttp.DefaultTransport.(*nethttp.Transport).Clone()
		o.client = &nethttp.Client{
			Transport: o.own,
			// A redirected POST may turn into a GET elsewhere: report it.
			CheckRedirect: func(*nethttp.Request, []*nethttp.Request) error { return nethttp.ErrUseLastResponse },
		}
	}
	o.logger = logger.With(watermill.LogFields{"transport": "http", "url": o.url})
	o.ctx, o.cancel = context.WithCancel(context.Background())
	return o, nil
}

// Publish POSTs each message in turn and stops at the first that fails.
func (o *Outbound) Publish(_ string, msgs ...*message.Message) error {
	o.closeMu.RLock()
	defer o.closeMu.RUnlock()
	if o.closed {
		return fmt.Errorf("http outbound %w", transports.ErrClosed)
	}
	for _, msg := range msgs {
		if err := o.publish(msg); err != nil {
			return err
		}
	}
	return nil
}

// publish delivers one message, retrying what may succeed later.
func (o *Outbound) publish(msg *message.Message) error {
	key := msg.Metadata.Get(transports.MetaOutName)
	if key == "" {
		key = msg.UUID
	}
	if _, err := transports.SafeName(key); err != nil {
		return transports.Permanent(fmt.Errorf("POST %s: message %s: %w", o.url, msg.UUID, err))
	}
	ctx, cancel := context.WithCancel(msg.Context())
	defer cancel()
	defer context.AfterFunc(o.ctx, cancel)()

	for attempt := 0; ; attempt++ {
		wait, err := o.attempt(ctx, msg, key)
		if err == nil {
			return nil
		}
		if transports.IsPermanent(err) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("POST %s: message %s: %w", o.url, key, ctx.Err())
		}
		if attempt >= o.cfg.MaxRetries {
			return fmt.Errorf("POST %s: message %s %w after %d attempts: last: %w", o.url, key, ErrUndelivered, attempt+1, err)
		}
		if wait <= 0 {
			wait = o.backoff(attempt)
		}
		o.logger.Debug("Delivery failed; retrying", watermill.LogFields{"key": key, "attempt": attempt + 1, "wait": wait.String(), "error": err.Error()})
		if err := o.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("POST %s: message %s: %w", o.url, key, err)
		}
	}
}

// attempt POSTs once. A retryable failure may come with the wait the
// receiver asked for (Retry-After).
func (o *Outbound) attempt(ctx context.Context, msg *message.Message, key string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := nethttp.NewRequestWithContext(ctx, nethttp.MethodPost, o.cfg.URL, bytes.NewReader(msg.Payload))
	if err != nil {
		return 0, transports.Permanent(fmt.Errorf("POST %s: %w", o.url, err))
	}
	o.setHeaders(req, msg, key)

	resp, err := o.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return 0, fmt.Errorf("no answer within %s", o.cfg.Timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return 0, ue.Err // the cause, without the URL again
		}
		return 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxSnippet))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	snippet := answerSnippet(body, msg)

	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return 0, nil
	case code == nethttp.StatusRequestTimeout || code == nethttp.StatusTooManyRequests || code >= 500:
		return retryAfter(resp.Header.Get("Retry-After"), time.Now()), fmt.Errorf("answered %s %s", resp.Status, snippet)
	default:
		return 0, transports.Permanent(fmt.Errorf("POST %s: message %s %w: answered %s %s", o.url, key, ErrRejected, resp.Status, snippet))
	}
}

// answerSnippet is what an error quotes of a receiver's answer: its start,
// or only its length when the message carries a secret
// (transports.MetaSealFiles), since a receiver may echo what it was sent
// and the error ends up in logs, dead letters and the monitor.
func answerSnippet(body []byte, msg *message.Message) string {
	if msg.Metadata.Get(transports.MetaSealFiles) != "" {
		return "(not shown: the message carries a secret)"
	}
	return errtext.Quote(string(body))
}

// setHeaders sets the configured headers, then the transport's own.
func (o *Outbound) setHeaders(req *nethttp.Request, msg *message.Message, key string) {
	for name, value := range o.cfg.Headers {
		req.Header.Set(name, value)
	}
	ct := o.cfg.ContentType
	if ct == "" {
		ct = msg.Metadata.Get(transports.MetaContentType)
	}
	if ct == "" {
		ct = DefaultContentType
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set("User-Agent", "pcsgate")
	if o.cfg.Auth.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+o.cfg.Auth.Bearer)
	}
	if o.cfg.Auth.HMACSecret != "" {
		req.Header.Set(o.cfg.Auth.HMACHeader, sign(o.cfg.Auth.HMACSecret, msg.Payload))
	}
}

// backoff is the wait before retry number attempt+1: Backoff doubled per
// attempt, capped at MaxBackoff, then jittered to between half and all of
// it so that many senders do not retry in step.
func (o *Outbound) backoff(attempt int) time.Duration {
	d := o.cfg.Backoff
	for range attempt {
		d *= 2
		if d >= MaxBackoff {
			d = MaxBackoff
			break
		}
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter parses a Retry-After header (seconds or an HTTP date), capped
// at MaxBackoff; 0 when absent or unusable.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(h); err == nil {
		d = time.Duration(min(secs, int(MaxBackoff/time.Second))) * time.Second
	} else if at, err := nethttp.ParseTime(h); err == nil {
		d = at.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, MaxBackoff)
}

// Close cancels attempts and waits in progress, waits for Publish calls to
// return and releases idle connections.
func (o *Outbound) Close() error {
	o.cancel()
	o.closeMu.Lock()
	o.closed = true
	o.closeMu.Unlock()
	if o.own != nil {
		o.own.CloseIdleConnections()
	}
	return nil
}

// Interface guard.
var _ message.Publisher = (*Outbound)(nil)
