package json

import (
	"bytes"
	"unicode/utf8"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// decodeError is an error found while parsing, before its position is
// rendered. The JSON pointer is collected while the parser unwinds, so the
// happy path pays nothing for it.
type decodeError struct {
	off    int
	tokens []any // innermost first
	value  string
	err    error
}

// at adds the key or index the failing value sits under.
func (e *decodeError) at(token any) *decodeError {
	e.tokens = append(e.tokens, token)
	return e
}

func (d *decoder) fail(off int, sentinel error, msg string) *decodeError {
	return &decodeError{off: off, err: describe(sentinel, msg)}
}

// failValue is fail with the token found at off quoted in front of msg.
func (d *decoder) failValue(off int, sentinel error, msg string) *decodeError {
	tok := token(d.data, off)
	return &decodeError{off: off, value: tok, err: describe(sentinel, quote(tok)+" "+msg)}
}

// token returns the text at off up to the next delimiter, for messages: a
// whole string literal, a single structural character or a bare word.
func token(data []byte, off int) string {
	if off >= len(data) {
		return ""
	}
	limit := min(len(data), off+errtext.MaxValue+1)
	switch data[off] {
	case ',', ':', '[', ']', '{', '}':
		return string(data[off : off+1])
	case '"':
		for end := off + 1; end < limit; end++ {
			switch data[end] {
			case '\\':
				end++
			case '"':
				return string(data[off : end+1])
			}
		}
		return string(data[off:limit])
	}
	end := off + 1
	for end < limit && !isDelimiter(data[end]) {
		end++
	}
	return string(data[off:end])
}

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', ',', ':', '[', ']', '{', '}', '"':
		return true
	}
	return false
}

func (e *decodeError) render(data []byte, name string) *Error {
	line, col := lineColumn(data, e.off)
	tokens := make([]any, len(e.tokens))
	for i, t := range e.tokens {
		tokens[len(tokens)-1-i] = t
	}
	return &Error{Name: name, Line: line, Column: col, Pointer: Pointer(tokens...), Value: e.value, Err: e.err}
}

// lineColumn turns a byte offset into a 1-based line and a 1-based column
// counted in characters. A leading byte order mark does not count.
func lineColumn(data []byte, off int) (int, int) {
	off = min(off, len(data))
	head := data[:off]
	line := 1 + bytes.Count(head, []byte{'\n'})
	start := bytes.LastIndexByte(head, '\n') + 1
	if start == 0 && bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	return line, 1 + utf8.RuneCount(head[start:])
}
