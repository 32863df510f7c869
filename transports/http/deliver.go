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
			if in.awaitEarlier(w, r, key, entry, timer.C) {
				continue // the earlier request failed: deliver this one
			}
			return
		}
		if !in.handOver(w, r, msg, key, entry, timer.C) {
			return
		}
		timedOut, gone := in.awaitOutcome(r, msg, timer.C)
		in.answer(w, msg, key, entry, timedOut, gone)
		return
	}
}

// awaitEarlier waits for the request holding key (entry) to be resolved and
// answers "duplicate" if it was acknowledged. It reports true when that
// request failed, so this one is to be delivered instead; otherwise this one
// has had its answer (none if the sender went away).
func (in *Inbound) awaitEarlier(w nethttp.ResponseWriter, r *nethttp.Request, key string, entry *keyEntry, timeout <-chan time.Time) (failed bool) {
	select {
	case <-entry.done:
		if entry.acked {
			writeJSON(w, nethttp.StatusAccepted, accepted{Status: "duplicate", MessageID: entry.messageID, IdempotencyKey: key})
			return false
		}
		return true
	case <-timeout:
		in.retryLater(w, "a request with the same idempotency key is still being processed")
	case <-r.Context().Done():
	case <-in.closing:
		in.retryLater(w, "the endpoint is shutting down")
	}
	return false
}

// handOver passes msg to the subscription, which from then on resolves the
// key, and reports true. Should no consumer take it in time, or the sender
// or the endpoint go away first, it lets go of the key, answers the sender
// (if still there) and reports false.
func (in *Inbound) handOver(w nethttp.ResponseWriter, r *nethttp.Request, msg *message.Message, key string, entry *keyEntry, timeout <-chan time.Time) bool {
	select {
	case in.incoming <- delivery{msg: msg, key: key, entry: entry}:
		return true
	case <-timeout:
		in.recent.forget(key, entry)
		in.retryLater(w, fmt.Sprintf("no consumer took the message within %s", in.cfg.Timeout))
	case <-r.Context().Done():
		in.recent.forget(key, entry)
	case <-in.closing:
		in.recent.forget(key, entry)
		in.retryLater(w, "the endpoint is shutting down")
	}
	return false
}

// awaitOutcome waits until msg is acked or nacked, the time is up, the
// sender goes away or the endpoint closes, and says whether it was the time
// or the sender that ended the wait.
func (in *Inbound) awaitOutcome(r *nethttp.Request, msg *message.Message, timeout <-chan time.Time) (timedOut, gone bool) {
	select {
	case <-msg.Acked():
	case <-msg.Nacked():
	case <-timeout:
		timedOut = true
	case <-r.Context().Done():
		gone = true
	case <-in.closing:
	}
	return timedOut, gone
}

// answer tells the sender how the delivery of msg ended; an ack wins over
// anything that happened at the same time.
func (in *Inbound) answer(w nethttp.ResponseWriter, msg *message.Message, key string, entry *keyEntry, timedOut, gone bool) {
	select {
	case <-msg.Acked():
		in.answerAcked(w, msg, key, entry)
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
}

// answerAcked answers for a committed msg: accepted, or, if the consumer
// committed it as a rejection, why it was rejected.
func (in *Inbound) answerAcked(w nethttp.ResponseWriter, msg *message.Message, key string, entry *keyEntry) {
	// Answer only once the subscription has recorded the key, so a resend
	// right after this answer finds it (or its eviction).
	select {
	case <-entry.done:
	case <-in.closing:
	}
	if reason := msg.Metadata.Get(transports.MetaFailureReason); reason != "" {
		// Committed, but as a rejection (kept as a dead letter with its
		// reason): the sender learns why, in one line.
		in.logger.Trace("Request rejected by the consumer", watermill.LogFields{"message_uuid": msg.UUID})
		writeError(w, nethttp.StatusBadRequest, firstLine(reason))
		return
	}
	in.logger.Trace("Request accepted", watermill.LogFields{"message_uuid": msg.UUID})
	ok := accepted{Status: "accepted", MessageID: msg.UUID, IdempotencyKey: key}
	if rep, has := transports.ReportOf(msg.Metadata); has && in.cfg.Report == ReportSync {
		writeReport(w, ok, rep)
		return
	}
	writeJSON(w, nethttp.StatusAccepted, ok)
}

// retryLater answers 503 with a Retry-After hint.
func (in *Inbound) retryLater(w nethttp.ResponseWriter, why string) {
	w.Header().Set("Retry-After", "1")
	writeError(w, nethttp.StatusServiceUnavailable, why+"; retry later")
}

// unauthorized answers 401 and logs the attempt for operators.
func (in *Inbound) unauthorized(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	in.logger.Info("Request refused: not authenticated", watermill.LogFields{"remote": r.RemoteAddr, "reason": err.Error()})
	// The body is not read (or already was): close the connection rather
	// than let the client stream it first.
	w.Header().Set("Connection", "close")
	writeError(w, nethttp.StatusUnauthorized, err.Error())
}
