package http

import (
	"errors"
	"fmt"
	"io"
	"mime"
	nethttp "net/http"
	"strings"
	"sync"

	"github.com/nexport/pcsgate/canonical/errtext"
	"github.com/nexport/pcsgate/transports"
)

// maxKeyBytes bounds an Idempotency-Key header.
const maxKeyBytes = 200

// ServeHTTP accepts one webhook request: 202 once its message is committed
// (or its key was), 4xx for a request that must not be retried as is, 503
// when the sender should retry. See the package documentation.
func (in *Inbound) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	if r.Method != nethttp.MethodPost {
		w.Header().Set("Allow", nethttp.MethodPost)
		writeError(w, nethttp.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed: expected POST", errtext.Quote(r.Method)))
		return
	}
	if in.cfg.Auth.Bearer != "" {
		if err := checkBearer(r, in.cfg.Auth.Bearer); err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pcsgate"`)
			in.unauthorized(w, r, err)
			return
		}
	}
	var signature []byte
	if in.cfg.Auth.HMACSecret != "" {
		sig, err := signatureOf(r, in.cfg.Auth.HMACHeader)
		if err != nil {
			in.unauthorized(w, r, err)
			return
		}
		signature = sig
	}
	contentType, ok := in.contentType(r)
	if !ok {
		w.Header().Set("Connection", "close") // the body is not read
		writeError(w, nethttp.StatusUnsupportedMediaType, fmt.Sprintf("content type %s is not accepted: expected one of %s",
			errtext.Quote(r.Header.Get("Content-Type")), strings.Join(in.cfg.ContentTypes, ", ")))
		return
	}
	release := func() {}
	if in.cfg.Auth.Bearer == "" {
		// The body of a request that only its signature can authenticate
		// is read before the sender is known: bound how many such bodies
		// are in memory at once.
		select {
		case in.unverified <- struct{}{}:
			release = sync.OnceFunc(func() { <-in.unverified })
			defer release()
		default:
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "1")
			writeError(w, nethttp.StatusServiceUnavailable, "too many requests being verified: retry later")
			return
		}
	}
	body, status, err := in.readBody(w, r)
	if err != nil {
		writeError(w, status, err.Error())
		return
	}
	if signature != nil {
		if err := checkSignature(signature, in.cfg.Auth.HMACSecret, body); err != nil {
			in.unauthorized(w, r, err)
			return
		}
	}
	release() // the sender is known now
	if len(body) == 0 {
		writeError(w, nethttp.StatusBadRequest, "empty body: expected a message")
		return
	}
	filename, err := filenameOf(r)
	if err != nil {
		writeError(w, nethttp.StatusBadRequest, err.Error())
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key != "" && !validKey(key) {
		writeError(w, nethttp.StatusBadRequest, fmt.Sprintf("Idempotency-Key %s is not valid: expected 1 to %d visible ASCII characters", errtext.Quote(key), maxKeyBytes))
		return
	}

	msg := transports.NewMessage(body, in.cfg.Clock())
	if key == "" {
		key = msg.Metadata.Get(transports.MetaContentHash)
	}
	msg.Metadata.Set(transports.MetaIdempotencyKey, key)
	msg.Metadata.Set(transports.MetaContentType, contentType)
	if filename != "" {
		msg.Metadata.Set(transports.MetaFilename, filename)
	}
	in.deliver(w, r, msg, key)
}

// contentType returns the request's media type (with its parameters) if it
// is accepted.
func (in *Inbound) contentType(r *nethttp.Request) (string, bool) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !in.types[mt] {
		return "", false
	}
	return mime.FormatMediaType(mt, params), true
}

// readBody reads at most MaxBodyBytes of the body. On failure it returns the
// status to answer.
func (in *Inbound) readBody(w nethttp.ResponseWriter, r *nethttp.Request) ([]byte, int, error) {
	tooBig := fmt.Errorf("body is larger than the limit of %d bytes", in.cfg.MaxBodyBytes)
	if r.ContentLength > in.cfg.MaxBodyBytes {
		w.Header().Set("Connection", "close") // the body is not read
		return nil, nethttp.StatusRequestEntityTooLarge, tooBig
	}
	body, err := io.ReadAll(nethttp.MaxBytesReader(w, r.Body, in.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *nethttp.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nethttp.StatusRequestEntityTooLarge, tooBig
		}
		return nil, nethttp.StatusBadRequest, errors.New("body could not be read")
	}
	return body, 0, nil
}

// filenameOf returns the file name of a Content-Disposition header, if any.
func filenameOf(r *nethttp.Request) (string, error) {
	cd := r.Header.Get("Content-Disposition")
	if cd == "" {
		return "", nil
	}
	_, params, err := mime.ParseMediaType(cd)
	if err != nil {
		return "", fmt.Errorf("Content-Disposition %s is not valid: expected attachment; filename=\"...\"", errtext.Quote(cd))
	}
	name, ok := params["filename"]
	if !ok {
		return "", nil
	}
	if _, err := transports.SafeName(name); err != nil {
		return "", fmt.Errorf("Content-Disposition %w", err)
	}
	return name, nil
}

// validKey reports whether an Idempotency-Key header is usable: visible
// ASCII, bounded.
func validKey(key string) bool {
	if len(key) > maxKeyBytes {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return false
		}
	}
	return true
}

// Interface guard.
var _ nethttp.Handler = (*Inbound)(nil)
