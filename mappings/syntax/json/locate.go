package json

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Plain copies a decoded value with its numbers (kept as their text by
// Decode) made int when integral, else float64, for code that computes with
// them. Containers without numbers are shared, not copied.
func Plain(v any) any {
	out, _ := plainValue(v, 0)
	return out
}

func plainValue(v any, depth int) (any, bool) {
	if depth > 1000 {
		return v, false
	}
	switch x := v.(type) {
	case Number:
		if i, err := strconv.Atoi(string(x)); err == nil {
			return i, true
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f, true
		}
		return string(x), true
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			p, changed := plainValue(e, depth+1)
			if !changed {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(x))
				for k2, e2 := range x {
					out[k2] = e2
				}
			}
			out[k] = p
		}
		if out == nil {
			return x, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range x {
			p, changed := plainValue(e, depth+1)
			if !changed {
				continue
			}
			if out == nil {
				out = make([]any, len(x))
				copy(out, x)
			}
			out[i] = p
		}
		if out == nil {
			return x, false
		}
		return out, true
	}
	return v, false
}

// Locate finds the value at a JSON pointer's tokens in raw JSON text and
// returns its 1-based line and column (in characters), for an error that
// names a value Decode gave without positions. ok=false when the text or
// the path does not lead anywhere.
func Locate(data []byte, tokens []string) (line, col int, ok bool) {
	off, ok := jsonOffset(data, tokens)
	if !ok {
		return 0, 0, false
	}
	line, col = lineColumn(data, off)
	return line, col, true
}

// PointerTokens splits a JSON pointer ("/data/parties/0") into its
// unescaped tokens.
func PointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// jsonOffset returns the byte offset where the value at tokens starts.
func jsonOffset(data []byte, tokens []string) (int, bool) {
	p := skipJSONSpace(data, 0)
	if bytes.HasPrefix(data[p:], []byte("\xEF\xBB\xBF")) {
		p = skipJSONSpace(data, p+3)
	}
	for _, tok := range tokens {
		if p >= len(data) {
			return 0, false
		}
		switch data[p] {
		case '{':
			next, found := jsonMember(data, p, tok)
			if !found {
				return 0, false
			}
			p = next
		case '[':
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 {
				return 0, false
			}
			next, found := jsonElement(data, p, n)
			if !found {
				return 0, false
			}
			p = next
		default:
			return 0, false
		}
	}
	return p, p < len(data)
}

// jsonMember returns the offset of member key's value in the object at p.
func jsonMember(data []byte, p int, key string) (int, bool) {
	p = skipJSONSpace(data, p+1)
	for p < len(data) && data[p] != '}' {
		end, ok := skipJSONString(data, p)
		if !ok {
			return 0, false
		}
		var k string
		if json.Unmarshal(data[p:end], &k) != nil {
			return 0, false
		}
		p = skipJSONSpace(data, end)
		if p >= len(data) || data[p] != ':' {
			return 0, false
		}
		p = skipJSONSpace(data, p+1)
		if k == key {
			return p, true
		}
		if p, ok = skipJSONValue(data, p, 0); !ok {
			return 0, false
		}
		p = skipJSONSpace(data, p)
		if p < len(data) && data[p] == ',' {
			p = skipJSONSpace(data, p+1)
		}
	}
	return 0, false
}

// jsonElement returns the offset of element n of the array at p.
func jsonElement(data []byte, p, n int) (int, bool) {
	p = skipJSONSpace(data, p+1)
	for i := 0; p < len(data) && data[p] != ']'; i++ {
		if i == n {
			return p, true
		}
		var ok bool
		if p, ok = skipJSONValue(data, p, 0); !ok {
			return 0, false
		}
		p = skipJSONSpace(data, p)
		if p < len(data) && data[p] == ',' {
			p = skipJSONSpace(data, p+1)
		}
	}
	return 0, false
}

func skipJSONSpace(data []byte, p int) int {
	for p < len(data) && (data[p] == ' ' || data[p] == '\t' || data[p] == '\n' || data[p] == '\r') {
		p++
	}
	return p
}

// skipJSONString returns the offset after the string starting at p.
func skipJSONString(data []byte, p int) (int, bool) {
	if p >= len(data) || data[p] != '"' {
		return 0, false
	}
	for p++; p < len(data); p++ {
		switch data[p] {
		case '\\':
			p++
		case '"':
			return p + 1, true
		}
	}
	return 0, false
}

// skipJSONValue returns the offset after the value starting at p.
func skipJSONValue(data []byte, p, depth int) (int, bool) {
	if p >= len(data) || depth > 512 {
		return 0, false
	}
	switch data[p] {
	case '"':
		return skipJSONString(data, p)
	case '{', '[':
		closer := byte('}')
		if data[p] == '[' {
			closer = ']'
		}
		p = skipJSONSpace(data, p+1)
		for p < len(data) && data[p] != closer {
			var ok bool
			if p, ok = skipJSONValue(data, p, depth+1); !ok {
				return 0, false
			}
			p = skipJSONSpace(data, p)
			if p < len(data) && (data[p] == ',' || data[p] == ':') {
				p = skipJSONSpace(data, p+1)
			}
		}
		if p >= len(data) {
			return 0, false
		}
		return p + 1, true
	}
	for p < len(data) && !bytes.ContainsRune([]byte(",]} \t\r\n:"), rune(data[p])) {
		p++
	}
	return p, true
}
