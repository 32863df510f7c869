// Package json reads and writes JSON for pcsgate's mappings: a strict,
// position-reporting decoder, a small path language for selecting values,
// and a writer whose output is byte-for-byte deterministic.
//
// Callers that also use encoding/json import this package as jsonsyn.
//
// # Decoding
//
// Decode parses a whole document into map[string]any, []any, string, Number
// (the number's text as received), bool and nil. It enforces a size limit
// and a nesting limit, rejects duplicate object keys (a classic way to
// smuggle a value past a check, since consumers disagree on which copy
// wins), invalid UTF-8 and unpaired surrogate escapes, and reports every
// problem as an *Error with line, column and JSON pointer:
//
//	notify.json:3:17: /data/parties/0: duplicate key "role"
//
// # Paths
//
// A Path selects values in a decoded document. The language:
//
//	release_data.container.containerNumber   dotted names, from the root
//	$.release_data.container                 $ is the root; optional
//	$                                        the whole document
//	@.containerNumber                        @ is the current item, for
//	@                                        mappings applied per item
//	equipment[0]   equipment[-1]             array index; negative counts
//	                                         from the end
//	equipment[*].number   data.*             every element or member
//	parties[role=FW].name                    elements whose field equals
//	parties[role="F W"]  parties[id.scheme=EORI]
//	                                         a value; quote odd values;
//	                                         the field may be dotted
//	["odd.key"]  a['b c']  $["@type"]        quoted names for keys that are
//	                                         not letters, digits, '_', '-'
//
// Names are letters, digits, '_' and '-'. In quotes, a backslash escapes the
// next character. A filter compares strings as they are, numbers by their
// text and booleans as true and false; applied to an array it keeps the
// matching elements, applied to an object it keeps the object if it
// matches. A wildcard visits object members in key order (an Object in its
// own order). Get returns the first match, All every match, Locate every
// match with its JSON pointer.
//
// # Writing
//
// Marshal and AppendValue write values deterministically: an Object keeps
// its member order, maps are written with sorted keys, Number verbatim,
// strings with only the escapes RFC 8259 requires (no HTML escaping), and
// time.Time as RFC 3339. Decode(Marshal(v)) gives back v for any value
// Decode produced.
package json
