package xml

import (
	"errors"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Sentinel errors, phrased as predicates about the value in *Error.
var (
	// ErrDTD reports a DOCTYPE, ENTITY or other markup declaration.
	ErrDTD = errors.New("is a DTD or entity declaration, which is never accepted")
	// ErrTooDeep reports elements nested deeper than Options.MaxDepth.
	ErrTooDeep = errors.New("is nested too deep")
	// ErrTooLarge reports input longer than Options.MaxBytes.
	ErrTooLarge = errors.New("is too large")
	// ErrSyntax reports a document that is not well-formed XML.
	ErrSyntax = errors.New("is not well-formed XML")
	// ErrNamespace reports a root element with an unexpected name or namespace.
	ErrNamespace = errors.New("is not the expected element")
	// ErrInvalidChar reports a character that XML 1.0 does not allow, or
	// bytes that are not UTF-8, in a value given to Write.
	ErrInvalidChar = errors.New("contains a character not allowed in XML 1.0")
	// ErrInvalidName reports an element, attribute or prefix name that is
	// not a valid XML name, or a prefix that is not declared.
	ErrInvalidName = errors.New("is not a valid XML name")
	// ErrXPath reports an XPath expression that does not compile.
	ErrXPath = errors.New("is not a valid XPath expression")
)

// Error is a problem found in a document, an XPath expression or an Element
// tree. It renders as one line, for example
//
//	release.xml:2: declaration "<!DOCTYPE lolz [" is a DTD or entity declaration, which is never accepted
type Error struct {
	Name  string // document name from Options.Name; may be empty
	Line  int    // 1-based line; 0 when unknown
	Path  string // element path such as /rel:Release/rel:BAD, for Write
	Field string // what is wrong: "declaration", "element", "attribute value", ...
	Value string // the value as received; clipped when rendered
	Err   error  // wraps one of the sentinels
}

// Error renders the problem on one line.
func (e *Error) Error() string {
	var b strings.Builder
	errtext.AppendPosition(&b, e.Name, e.Line, 0)
	if e.Path != "" {
		b.WriteString(errtext.Safe(e.Path))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteByte(' ')
		if e.Value != "" {
			b.WriteString(errtext.Quote(e.Value))
			b.WriteByte(' ')
		}
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the wrapped sentinel error.
func (e *Error) Unwrap() error { return e.Err }
