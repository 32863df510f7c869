// Package xml reads and writes the XML documents that port community systems
// exchange, strictly and within limits.
//
// Callers that also use encoding/xml import this package as xmlsyn.
//
// Reading is always strict. Before github.com/antchfx/xmlquery sees a byte,
// a small scanner rejects anything that is not a plain document:
//
//   - a DOCTYPE, ENTITY or any other declaration that starts with "<!"
//     (other than a comment or a CDATA section) is ErrDTD, naming its line,
//     so entity expansion ("billion laughs") and external entities (XXE)
//     can never happen;
//   - elements nested deeper than Options.MaxDepth are ErrTooDeep;
//   - input longer than Options.MaxBytes is ErrTooLarge;
//   - text outside the root element, a second root element, an encoding
//     that is not ASCII-compatible and anything encoding/xml rejects in
//     strict mode is ErrSyntax, with the line it was found on.
//
// Parse returns the whole document as an xmlquery tree whose element nodes
// carry the line of their start tag in Node.LineNumber. A plain UTF-8
// document (ASCII names, declared prefixes, no processing instructions) is
// read in one pass that builds the same tree xmlquery would; any other
// document, and every document with an error, goes through the scanner,
// encoding/xml and xmlquery, so what is accepted and how errors are worded
// do not depend on the way taken. Node.Level is not set by the one-pass
// reader. Stream yields one
// element at a time for large files. Path compiles an XPath expression with
// namespace prefixes bound once; the common location paths (child steps,
// attributes, self::, .., [@attr='value'], unions, concat and local-name)
// it follows on the tree itself, with the XPath library's results, and it
// leaves the others to the library. CheckNamespace verifies the root
// element.
//
// Write renders an Element tree deterministically. It escapes all text and
// attribute values, declares the namespaces on the root element, and refuses
// names and characters that XML 1.0 does not allow, so it never emits a
// document a reader would reject.
//
// Every error a user sees is an *Error that names the document, the line or
// element path, the field and the value as received, and wraps one of the
// exported sentinels for errors.Is.
package xml
