package http

import (
	"fmt"
	"github.com/nexport/pcsgate/transports"
	nethttp "net/http"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// deliver hands msg to a subscription unless its key is in flight or was
// acknowledged, waits for the outcome and answers the sender.
func (in *Inbound) deliver(w nethttp.ResponseWriter, r *nethttp.Request, msg *message.Message, key string) {
	timer := time.NewTimer(in.cfg.Timeout)
	defer timer.Stop()
	for {
		select {
		case <-in.closing:
			in.retryLater(w, "the endpoint is shutting down")
			return
		default:
		}
		entry, owner := in.recent.claim(key)
		if !owner {
			select {
			case <-entry.done:
				if entry.acked {
					writeJSON(w, nethttp.StatusAccepted, accepted{Status: "duplicate", MessageID: entry.messageID, IdempotencyKey: key})
					return
				}
				continue // the earlier request failed: deliver this one
			case <-timer.C:
				in.retryLater(w, "a request with the same idempotency key is still being processed")
			case <-r.Context().Done():
			case <-in.closing:
				in.retryLater(w, "the endpoint is shutting down")
			}
			return
		}

		select {
		case in.incoming <- delivery{msg: msg, key: key, entry: entry}:
			// From here the subscription resolves the key.
		case <-timer.C:
			in.recent.forget(key, entry)
			in.retryLater(w, fmt.Sprintf("no consumer took the message within %s", in.cfg.Timeout))
			return
		case <-r.Context().Done():
			in.recent.forget(key, entry)
			return
		case <-in.closing:
			in.recent.forget(key, entry)
			in.retryLater(w, "the endpoint is shutting down")
			return
		}

		var timedOut, gone bool
		select {
		case <-msg.Acked():
		case <-msg.Nacked():
		case <-timer.C:
			timedOut = true
		case <-r.Context().Done():
			gone = true
		case <-in.closing:
		}
		// An ack wins over anything that happened at the same time.
		select {
		case <-msg.Acked():
			// Answer only once the subscription has recorded the key, so
			// a resend right after this answer finds it (or its eviction).
			select {
			case <-entry.done:
			case <-in.closing:
			}
			if reason := msg.Metadata.Get(transports.MetaFailureReason); reason != "" {
				// Committed, but as a rejection (kept as a dead letter with
				// its reason): the sender learns why, in one line.
				in.logger.Trace("Request rejected by the consumer", watermill.LogFields{"message_uuid": msg.UUID})
				writeError(w, nethttp.StatusBadRequest, firstLine(reason))
				return
			}
			in.logger.Trace("Request accepted", watermill.LogFields{"message_uuid": msg.UUID})
			writeJSON(w, nethttp.StatusAccepted, accepted{Status: "accepted", MessageID: msg.UUID, IdempotencyKey: key})
		case <-msg.Nacked():
			in.retryLater(w, "the message could not be committed")
		default:
			switch {
			case timedOut:
				in.retryLater(w, fmt.Sprintf("the message was not committed within %s", in.cfg.Timeout))
			case gone: // the sender went away: nobody to answer
			default:
				in.retryLater(w, "the endpoint is shutting down")
			}
		}
		return
	}
}

// retryLater answers 503 with a Retry-After hint.
func (in *Inbound) retryLater(w nethttp.ResponseWriter, why string) {
	w.Header().Set("Retry-After", "1")
	writeError(w, nethttp.StatusServiceUnavailable, why+"; retry later")
}

// unauthorized answers 401 and logs the attempt for operators.
func (in *Inbound) unauthorized(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	in.logger.Info("Request refused: not authenticated", watermill.LogFields{"remote": r.RemoteAddr, "reason": err.Error()})
	writeError(w, nethttp.StatusUnauthorized, err.Error())
}
