package edifact

import "errors"

// UN/EDIFACT syntax error codes (data element 0085 of the CONTRL service
// segments UCI, UCM, UCS and UCD, ISO 9735 code list 0085), those this
// package reports.
const (
	CodeSyntaxLevel   = "2"  // syntax version or level not supported: an unknown character set
	CodeServiceMissed = "4"  // service segment missing or invalid: no UNT or UNZ before the end
	CodeInvalidValue  = "12" // invalid value
	CodeMissing       = "13" // missing: a mandatory value is absent
	CodeUnspecified   = "18" // unspecified error
	CodeInvalidChar   = "21" // invalid character(s): outside the character set
	CodeRefMismatch   = "28" // references do not match: UNT/UNH, UNE/UNG, UNZ/UNB
	CodeCountMismatch = "29" // control count does not match the number of instances received
	CodeOutside       = "33" // invalid occurrence outside message, package or group
	CodeInvalidType   = "37" // invalid type of character(s): not digits, or not letters
	CodeTooLong       = "39" // data element too long
	CodeTooShort      = "40" // data element too short
)

// sentinelCodes gives each sentinel the code of its problems; a problem
// with a more precise code of its own (wrapc) keeps that one.
var sentinelCodes = []struct {
	err  error
	code string
}{
	{ErrSegmentCount, CodeCountMismatch},
	{ErrMessageCount, CodeCountMismatch},
	{ErrControlRef, CodeRefMismatch},
	{ErrUnterminated, CodeServiceMissed},
	{ErrTruncated, CodeServiceMissed},
	{ErrCharset, CodeInvalidChar},
	{ErrRepresentation, CodeInvalidValue},
	// ErrSyntax (garbage, a bad tag or UNA) and ErrTooLarge (a limit of
	// this reader, not a syntax rule) have no closer code than 18.
	{ErrSyntax, CodeUnspecified},
	{ErrTooLarge, CodeUnspecified},
}

// SyntaxErrorCode returns the UN syntax error code (0085) of an error of
// this package: the problem's own code where it has one (39 for a value
// too long for its data element), else its sentinel's (29 for
// ErrSegmentCount). Any other error, nil included, is 18 (unspecified).
func SyntaxErrorCode(err error) string {
	var d *detail
	if errors.As(err, &d) && d.code != "" {
		return d.code
	}
	for _, sc := range sentinelCodes {
		if errors.Is(err, sc.err) {
			return sc.code
		}
	}
	return CodeUnspecified
}
