package transports

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Metadata keys set on transport messages. Inbound transports set the first
// six on every message they deliver; the pipeline sets MetaOutName before it
// publishes to an outbound transport, and a consumer sets MetaFailureReason on
// a message it rejects for good and MetaSealFiles on one with a secret.
const (
	// MetaEndpoint is the endpoint the message came in through: the topic
	// passed to Subscribe.
	MetaEndpoint = "pcsgate_endpoint"
	// MetaFilename is the name of the received file (file drop, SFTP) or the
	// file name an HTTP sender gave in Content-Disposition. Always a SafeName.
	MetaFilename = "pcsgate_filename"
	// MetaReceivedAt is when the transport received the unit, UTC, RFC 3339
	// with nanoseconds.
	MetaReceivedAt = "pcsgate_received_at"
	// MetaContentHash is the lower-case hex SHA-256 of the payload.
	MetaContentHash = "pcsgate_content_hash"
	// MetaIdempotencyKey identifies the unit for duplicate detection: the
	// sender's Idempotency-Key header where it has one, else the content hash.
	MetaIdempotencyKey = "pcsgate_idempotency_key"
	// MetaContentType is the media type the sender declared, if any.
	MetaContentType = "pcsgate_content_type"
	// MetaOutName is the name an outbound transport delivers the message
	// under: the file name (before the extension) or the HTTP
	// Idempotency-Key. The pipeline derives it from the event id, so a retry
	// overwrites instead of doubling. It must pass SafeName.
	MetaOutName = "pcsgate_out_name"
	// MetaFailureReason is set by a consumer on a message it rejects for good
	// before it Acks it; the inbound transport then files the unit as failed
	// (a file goes to error/ with the reason beside it).
	MetaFailureReason = "pcsgate_failure_reason"
	// MetaSealFiles is set (to "true") by a consumer, before it Acks, on a
	// message that carries a secret (a PIN, a TCT) or may carry one. An
	// inbound transport that keeps its own copy of the unit (the file drop's
	// archive/ and error/ folders) then keeps it only encrypted.
	MetaSealFiles = "pcsgate_seal"
	// MetaReport is set by a consumer, before it Acks, to the business
	// outcome of the message (Report.Encode) when the inbound endpoint
	// answers its sender with it.
	MetaReport = "pcsgate_report"
)

// ContentHash returns the lower-case hex SHA-256 of payload, the value of
// MetaContentHash.
func ContentHash(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// FormatTime renders t as MetaReceivedAt expects: UTC, RFC 3339 with
// nanoseconds.
func FormatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// NewMessage builds the message an inbound transport delivers for one
// received unit: a fresh UUID, the payload as received, and MetaReceivedAt,
// MetaContentHash and MetaIdempotencyKey (the content hash; a transport with
// a better key overwrites it).
func NewMessage(payload []byte, receivedAt time.Time) *message.Message {
	msg := message.NewMessage(watermill.NewUUID(), payload)
	hash := ContentHash(payload)
	msg.Metadata.Set(MetaReceivedAt, FormatTime(receivedAt))
	msg.Metadata.Set(MetaContentHash, hash)
	msg.Metadata.Set(MetaIdempotencyKey, hash)
	return msg
}
