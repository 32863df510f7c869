// Package transports holds what every pcsgate transport shares: the metadata
// keys stamped on messages, the permanent-failure error type, the turns that
// keep a delivery order, and the cleaning of file names that come from
// outside.
//
// A transport moves bytes and metadata and knows nothing of mappings or the
// canonical model. An inbound transport is a Watermill message.Subscriber: it
// delivers each received unit (a file, a webhook body) as one message whose
// payload is the raw bytes, and acknowledges the sender only after the
// consumer Acks the message, which the pipeline does once the message is
// committed to the durable store. A Nack leaves the unit unacknowledged, so the
// sender offers it again. An outbound transport is a Watermill
// message.Publisher whose Publish returns nil only once every message is
// durably delivered.
//
// An inbound transport may hand out several messages before the first is
// answered (the file drop does). Each then carries a Turn in its context,
// in delivery order, so that a consumer handling them side by side can
// keep that order where it matters (the pipeline's store transactions).
//
// The transports themselves live in the sub-packages filedrop, sftp and http;
// transporttest is the suite each of them passes.
package transports
