package cargoimp

// Message is one FSU (or FSA) status message.
type Message struct {
	// Envelope is the Type B address header before the message, or nil.
	Envelope *Envelope
	// Type is "FSU" or "FSA"; Version is the message version, e.g. "14".
	Type, Version string
	// AWB is the air waybill the statuses are about.
	AWB AWB
	// Origin and Destination are the 3-letter airports of the AWB; both
	// are empty when the consignment line leaves them out.
	Origin, Destination string
	// Shipment is the quantity on the consignment line; its Code is empty
	// when the line has none.
	Shipment Quantity
	// Statuses are the status lines in order.
	Statuses []Status
	// Lines are all lines of the message as read, for consumers that need
	// more than the fields above. WriteFSU ignores them.
	Lines []Line
}

// Line is one line of a message as read.
type Line struct {
	// No is the 1-based line number in the input.
	No int
	// Tag is the line's identifier: the message type on the type line,
	// the status code on status lines, and empty on envelope, consignment
	// and continuation lines.
	Tag string
	// Fields are all fields of the line split on '/', Tag included.
	Fields []string
	// Raw is the line without its line ending.
	Raw string
}

// Envelope is the Type B address header that carriers' networks put
// before a message: a priority code with the recipients' addresses, then
// the origin line with the sender's address and a day-time stamp:
//
//	QK AMSFMKL
//	.FRAFMLH 161317
type Envelope struct {
	// Priority is the priority code, e.g. "QK".
	Priority string
	// Recipients are the 7-character Type B addresses, e.g. "AMSFMKL".
	Recipients []string
	// Sender is the address on the origin line, e.g. "FRAFMLH".
	Sender string
	// Stamp is what follows the sender on the origin line, as sent: the
	// day and time, e.g. "161317", sometimes followed by a reference.
	Stamp string
}
