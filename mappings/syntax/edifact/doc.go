// Package edifact reads and writes UN/EDIFACT interchanges (ISO 9735).
//
// The package knows EDIFACT syntax only: service string advice (UNA),
// envelopes (UNB/UNZ, UNG/UNE, UNH/UNT), delimiters, the release character
// and the character sets. It knows nothing of COREOR, CODECO or the
// canonical release model; the mapping engine builds on it.
//
// # Reading
//
// A Reader streams an interchange message by message, so a 100 MB file
// never has to sit in memory: memory is bounded by one message (and by the
// limits in ReaderOptions). Every Message carries its segments from UNH to
// UNT, unescaped and decoded to UTF-8, with the segment number and line of
// each segment for error messages. Segments stay valid after the next call
// to Next.
//
// Errors are *Error values that name the file, line, message, segment,
// element, component and value, and wrap one of the exported sentinels
// (ErrSegmentCount, ErrCharset, ...) for errors.Is. An error inside one
// message (a wrong UNT count, a character outside the declared set) is
// returned by the Next call that read that message; the following call
// carries on with the next message, so good messages are never lost to a
// bad neighbour. Fatal errors (garbage, truncation, oversize input) have
// Fatal set, and every later Next returns io.EOF.
//
// Layout: segments may follow each other on one line or one per line; line
// breaks (CR and LF) between segments are skipped, line breaks inside a
// segment are data. Spaces, tabs and SUB (0x1A) after the last segment
// are padding and ignored. Trailing empty components and elements are dropped on
// reading, as ISO 9735 allows, so `EQD+CN+X+++'` and `EQD+CN+X'` read the
// same; empty positions before the last value are kept as "".
//
// # Character sets
//
// The syntax identifier in UNB (S001/0001) selects the repertoire. Bytes
// outside it are errors naming the character (U+00E9) or byte (0x80):
//
//   - UNOA: upper case A-Z, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
//     Lower-case a-z, which UNOA lacks but real senders' software emits,
//     are read as A-Z and written as A-Z; error messages quote such a
//     value as read, in upper case.
//   - UNOB: all printable ASCII (0x20-0x7E). ISO 9735 level B strictly adds
//     only lower case letters to level A; pcsgate also accepts
//     @ [ ] { } \ | _ ~ ` # $ ^ because e-mail addresses and references in
//     real UNOB traffic carry them.
//   - UNOC (ISO 8859-1), UNOD (ISO 8859-2), UNOE (ISO 8859-5), UNOF
//     (ISO 8859-7): decoded to UTF-8.
//   - UNOW, UNOY: UTF-8, validated.
//
// Control characters are not part of UNOA or UNOB. The other sets accept
// TAB, LF and CR inside data and refuse every other control character
// (C0, DEL and C1 0x80-0x9F), which is what a Windows-1252 file labelled
// UNOC looks like.
//
// Without a UNA the delimiters are `:+.? '` (ReaderOptions.Delims
// overrides them per partner); a UNB followed directly by IS3 (0x1D)
// selects ISO 9735's non-printing defaults (IS1 0x1F, IS3 0x1D, IS4 0x1C,
// no release character). A space as release character in UNA means that
// no release character is used. The repetition separator of syntax
// version 4 is recorded in Delims but repetitions are not split: a
// repeated data element reads as one value containing the separator.
//
// Input without UNA or UNB that starts with UNH is read as bare messages
// (Message.Interchange is nil). Several interchanges may follow each other
// in one stream.
//
// # Element representations
//
// Directory lists the data elements of the service segments and of the
// segments the port messages use, each with its representation (an..14,
// n..6, a4). With ReaderOptions.CheckElements and
// WriterOptions.CheckElements, every value is checked against it: a value
// longer than its element allows, or not digits where the element is
// numeric, is an ErrRepresentation error naming the segment, element,
// component and value. Lengths count characters, not bytes; in numeric
// values a minus sign and decimal mark do not count.
//
// # Writing
//
// A Writer writes UNA, UNB, UNH, data segments, UNT and UNZ, counting
// segments and messages itself. It always escapes service characters, so
// data can never end a segment or forge a new one, and it encodes UTF-8
// into the target character set, refusing what the set cannot carry.
//
// # Acknowledgements
//
// Check reads interchanges as a Reader does and reports, per interchange,
// the first problem of its envelope and of each message, with the segment
// position in the message that CONTRL counts (UNH = 1). SyntaxErrorCode
// gives every problem its UN syntax error code (0085). WriteContrl answers
// a Report with a CONTRL, WriteAperak tells of a message the application
// rejected (APERAK D:96A), and Reply is the envelope of such an answer:
// the original's sender and recipient swapped.
package edifact
