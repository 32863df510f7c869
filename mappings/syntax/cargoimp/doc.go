// Package cargoimp reads and writes IATA Cargo-IMP status messages (FSU, and
// FSA, its answer to a status request, which has the same layout).
//
// A message is a few lines separated by CRLF or LF; fields within a line are
// separated by '/':
//
//	FSU/14
//	020-12345675FRAJFK/T1K100
//	RCS/16OCT1317/FRA/T1K100
//	DEP/LH400/16OCT/FRAJFK/T1K100
//
// The first line names the message type and version, the next carries the
// air waybill (AWB), origin and destination (both may be left out) and
// shipment quantity, and every further line is a status led by its code.
// The fields after the code depend on the code; StatusGrammar describes
// each. Flight lines (BKD, PRE, MAN, DEP) join the departure and arrival
// airports, as in FRAJFK. A line starting with '/' continues the line
// before it (Status.Continued). The IATA Cargo-IMP manual is not public, so
// the grammars follow published examples and a public grammar of the
// status message, and may need adjusting per partner. Fields beyond a
// grammar are kept in Status.Fields.
//
// A message may be preceded by a Type B address envelope (a priority line
// such as "QK AMSFMKL" and an origin line such as ".FRAFMLH 161317"); it is
// kept in Message.Envelope.
//
// ParseFSU reads one message and ReadAll a file of several. WriteFSU is the
// inverse of ParseFSU: parsing what it writes gives the same message, and
// writing a message parsed from canonical input gives the same bytes.
// ResolveDate places the year-less dates of Cargo-IMP in time.
//
// Errors name the input, the line, the field and the value as received, and
// wrap one of the exported sentinels:
//
//	fsu.txt:2: AWB "020-12345670" has a wrong check digit: got 0, expected 5
package cargoimp
