package store

import (
	"encoding/json"
	"slices"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"
)

// appendMetadata appends md as a JSON object with its keys in order, as
// encoding/json writes a map but without escaping HTML characters, which
// the store's readers (encoding/json, SQLite's JSON functions) do not
// need. Metadata that is not valid UTF-8 goes through encoding/json.
func appendMetadata(dst []byte, md message.Metadata) ([]byte, error) {
	var stack [16]string
	keys := stack[:0]
	for k, v := range md {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			out, err := json.Marshal(md)
			return append(dst, out...), err
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONText(dst, k)
		dst = append(dst, ':')
		dst = appendJSONText(dst, md[k])
	}
	return append(dst, '}'), nil
}

// appendJSONText appends s, valid UTF-8, as a JSON string.
func appendJSONText(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// parseMetadata reads into md a metadata object as appendMetadata writes
// it when no string in it needs an escape: {"key":"value",...} without
// spaces. Its keys and values share one copy of b. It reports false for
// anything else, which the caller reads with encoding/json into md,
// cleared.
func parseMetadata(b []byte, md message.Metadata) bool {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' || !utf8.Valid(b) {
		return false
	}
	s := string(b)
	if s == "{}" {
		return true
	}
	for i := 1; ; {
		k, next, ok := plainString(s, i)
		if !ok || next >= len(s) || s[next] != ':' {
			return false
		}
		v, next, ok := plainString(s, next+1)
		if !ok || next >= len(s) {
			return false
		}
		md[k] = v
		switch s[next] {
		case ',':
			i = next + 1
		case '}':
			return next == len(s)-1
		default:
			return false
		}
	}
}

// plainString reads the JSON string at s[i:] when it has no escape and no
// control character, and returns it and the index after it.
func plainString(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return s[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}
