// Package cargoimp reads and writes IATA Cargo-IMP status messages (FSU, and
// FSA, its answer to a status request, which has the same layout).
//
// A message is a few lines separated by CRLF or LF; fields within a line are
// separated by '/':
//
//	FSU/14
//	020-12345675FRAJFK/T1K100
//	RCS/16OCT1317/FRA/T1K100
//	DEP/LH400/16OCT/FRA/JFK/T1K100
//
// Line 1 names the message type and version, line 2 carries the air waybill
// (AWB), origin, destination and shipment quantity, and every further line is
// a status led by its code. The fields after the code depend on the code;
// StatusGrammar describes each. The IATA Cargo-IMP manual is not public, so
// those grammars are inferred from published examples and may need
// adjusting per partner. Fields beyond a grammar are kept in Status.Fields.
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
