package store

import (
	"slices"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nexport/pcsgate/canonical"
)

// appendMetadata appends md as a JSON object with its keys in order, as
// encoding/json writes a map but without escaping HTML characters, which
// the store's readers (encoding/json, SQLite's JSON functions) do not
// need; invalid UTF-8 becomes U+FFFD as there.
func appendMetadata(dst []byte, md message.Metadata) []byte {
	var stack [16]string
	keys := stack[:0]
	for k := range md {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = canonical.AppendJSONString(dst, k)
		dst = append(dst, ':')
		dst = canonical.AppendJSONString(dst, md[k])
	}
	return append(dst, '}')
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
