// Package flat reads and writes the flat files partners exchange with
// pcsgate: delimited (CSV) files and fixed-width records.
//
// Both readers return a Record per line (or per CSV record, which may span
// lines), with the line number, the field names and the values, so a
// mapping can address fields by name. Both count columns in characters,
// decode UTF-8 (skipping a byte order mark) or ISO 8859-1, enforce size
// limits, and report every problem as an *Error naming the line, the
// column, the field and the value as received:
//
//	partner.csv:7: record has 4 fields, header has 5
//	release.txt:12: record is 63 characters, layout "D1" needs 80
//
// A problem confined to one record is returned for that record and reading
// goes on; a problem that makes the rest unreadable (an unclosed quote, the
// size limit, a wrong header) is returned by every later call.
//
// # CSV
//
// CSVReader follows RFC 4180 with the usual partner variations as explicit
// options: another delimiter or quote, no quoting, comment lines, trimmed
// white space, a header to check. It is strict by default: a bare quote in
// an unquoted field and text after a closing quote are errors, not guesses.
// CSVWriter quotes only when needed and refuses what its reader would read
// back differently. Cells a spreadsheet program would run as formulas get a
// single quote before them unless CSVOptions.AllowFormulas is set.
//
// # Fixed width
//
// A FixedLayout lists the fields of one kind of record by 1-based start
// column and length, with alignment and padding. A file with several kinds
// of record (header, detail, trailer) names one layout per record type and
// the field that carries it. FixedReader trims padding; FixedWriter pads
// and aligns, and refuses a value longer than its field rather than
// truncating it.
package flat
