// Package http is the HTTP transport: partners POST messages to pcsgate
// (inbound webhooks), and pcsgate POSTs messages to partners (outbound).
// Callers import it as httptr.
//
// Inbound, an Inbound is both an http.Handler, mounted by the gateway's
// webhook server at its Path, and a message.Subscriber. Each accepted request body
// becomes one message. The sender is answered 202 only after the consumer
// Acks the message, which the pipeline does once it is committed; 503 with a
// JSON error after a Nack or when no commit came in time, so the sender
// retries. Requests are authenticated by a bearer token, an HMAC-SHA256
// signature of the body, or both (compared in constant time) before the
// body is read: a request without a valid token or without a well-formed
// signature header is answered 401 unread and its connection closed. A
// body is read only up to MaxBodyBytes, and an endpoint that authenticates
// by signature alone reads at most MaxUnverified bodies at once before
// checking them (503 beyond). Bodies' content type is checked. Every error
// answer is one line of JSON: {"error":"..."}. With Report "sync", the
// answer to a committed message also gives its business outcome as the
// consumer left it in transports.MetaReport ("accepted": n, "rejected":
// [{"event", "reason"}]), 400 when every event was refused.
//
// NewServer makes the server the gateway mounts its endpoints on: read,
// write and idle timeouts, a header size limit and caps on open
// connections, overall and per client IP address (LimitListener), so that
// one client holding connections open cannot keep the others out.
//
// A request carries an idempotency key: its Idempotency-Key header, else the
// SHA-256 of its body. A key that is in flight or was acknowledged recently
// is answered 202 again without a second message; the pipeline's store
// recognises older duplicates through transports.MetaIdempotencyKey.
//
// Outbound, an Outbound POSTs each message with an Idempotency-Key header
// (transports.MetaOutName, else the message UUID). A 2xx answer is delivery;
// any other 4xx (and 3xx) is a transports.PermanentError, so the message goes
// to the dead letters at once; 5xx, 408, 429 and network failures are
// retried with exponential backoff and jitter (honouring Retry-After), then
// reported as a transient error.
package http
