package cargoimp

// Message is one FSU (or FSA) status message.
type Message struct {
	// Type is "FSU" or "FSA"; Version is the message version, e.g. "14".
	Type, Version string
	// AWB is the air waybill the statuses are about.
	AWB AWB
	// Origin and Destination are the 3-letter airports of the AWB.
	Origin, Destination string
	// Shipment is the quantity on the consignment line.
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
	// Tag is the line's identifier: the message type on the first line,
	// the status code on status lines, and empty on the consignment line.
	Tag string
	// Fields are all fields of the line split on '/', Tag included.
	Fields []string
	// Raw is the line without its line ending.
	Raw string
}
