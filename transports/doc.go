// Package transports holds what every pcsgate transport shares: the metadata
// keys stamped on messages, the permanent-failure error type and the cleaning
// of file names that come from outside.
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
// The transports themselves live in the sub-packages filedrop, sftp and http;
// transporttest is the suite each of them passes.
package transports
