package json

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// maxWriteDepth bounds nesting when writing, which also stops cyclic data.
const maxWriteDepth = 1000

// Marshal writes v as JSON with deterministic bytes: the same value always
// gives the same output.
//
//   - Object keeps its member order; map[string]any and map[string]string
//     are written with keys sorted by byte value.
//   - Number is written verbatim after checking it is a valid JSON number.
//   - Strings are escaped per RFC 8259 and nothing more: no HTML escaping.
//     Invalid UTF-8 is an error, never silently replaced.
//   - time.Time is written as RFC 3339 with as many fraction digits as it
//     needs; floats as encoding/json writes them; NaN and infinities are
//     errors.
//   - Other values go through encoding/json (without HTML escaping).
//
// With indent, members and elements go on their own lines, indented by two
// spaces. There is no trailing newline.
func Marshal(v any, indent bool) ([]byte, error) {
	e := encoder{indent: indent}
	out, err := e.value(make([]byte, 0, 512), v)
	if err != nil {
		return nil, err.render()
	}
	return out, nil
}

// AppendValue appends the compact JSON of v to dst, as Marshal does without
// indent. It allocates nothing of its own for Objects, slices, strings and
// numbers, so it suits hot paths that reuse dst.
func AppendValue(dst []byte, v any) ([]byte, error) {
	e := encoder{}
	out, err := e.value(dst, v)
	if err != nil {
		return dst, err.render()
	}
	return out, nil
}

type encoder struct {
	indent bool
	depth  int
	keys   []string // stack of sorted map keys being written
}

type encodeError struct {
	tokens []any // innermost first
	err    error
}

func (e *encodeError) at(token any) *encodeError {
	e.tokens = append(e.tokens, token)
	return e
}

func (e *encodeError) render() *Error {
	tokens := make([]any, len(e.tokens))
	for i, t := range e.tokens {
		tokens[len(tokens)-1-i] = t
	}
	return &Error{Pointer: Pointer(tokens...), Err: e.err}
}

func unsupported(msg string) *encodeError {
	return &encodeError{err: describe(ErrUnsupported, msg)}
}

func (e *encoder) newline(b []byte) []byte {
	if !e.indent {
		return b
	}
	b = append(b, '\n')
	for range e.depth {
		b = append(b, ' ', ' ')
	}
	return b
}

func (e *encoder) value(b []byte, v any) ([]byte, *encodeError) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x)
	case Number:
		if !validNumber(x) {
			return b, unsupported(fmt.Sprintf("number %s is not a valid JSON number", quote(string(x))))
		}
		return append(b, x...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(x), 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(b, x, 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(x), 10), nil
	case float64:
		return appendFloat(b, x, 64)
	case float32:
		return appendFloat(b, float64(x), 32)
	case time.Time:
		return appendTime(b, x)
	case *time.Time:
		if x == nil {
			return append(b, "null"...), nil
		}
		return appendTime(b, *x)
	case Object:
		return e.object(b, x)
	case *Object:
		if x == nil {
			return append(b, "null"...), nil
		}
		return e.object(b, *x)
	case map[string]any:
		return writeMap(e, b, x)
	case map[string]string:
		return writeMap(e, b, x)
	case []any:
		return e.array(b, len(x), func(b []byte, i int) ([]byte, *encodeError) { return e.value(b, x[i]) })
	case []string:
		return e.array(b, len(x), func(b []byte, i int) ([]byte, *encodeError) { return appendString(b, x[i]) })
	case []map[string]any:
		return e.array(b, len(x), func(b []byte, i int) ([]byte, *encodeError) { return writeMap(e, b, x[i]) })
	case []Object:
		return e.array(b, len(x), func(b []byte, i int) ([]byte, *encodeError) { return e.object(b, x[i]) })
	}
	return e.fallback(b, v)
}

func (e *encoder) enter() *encodeError {
	e.depth++
	if e.depth > maxWriteDepth {
		return unsupported(fmt.Sprintf("value nests deeper than %d levels; is it cyclic?", maxWriteDepth))
	}
	return nil
}

func (e *encoder) object(b []byte, o Object) ([]byte, *encodeError) {
	if len(o) == 0 {
		return append(b, '{', '}'), nil
	}
	if key, dup := duplicateKey(o); dup {
		return b, (&encodeError{err: describe(ErrDuplicateKey, "duplicate key "+quote(key))}).at(key)
	}
	if err := e.enter(); err != nil {
		return b, err
	}
	b = append(b, '{')
	for i := range o {
		if i > 0 {
			b = append(b, ',')
		}
		var err *encodeError
		if b, err = e.member(b, o[i].Key, o[i].Value); err != nil {
			return b, err
		}
	}
	e.depth--
	b = e.newline(b)
	return append(b, '}'), nil
}

func (e *encoder) member(b []byte, key string, v any) ([]byte, *encodeError) {
	b = e.newline(b)
	b, err := appendString(b, key)
	if err != nil {
		return b, err
	}
	b = append(b, ':')
	if e.indent {
		b = append(b, ' ')
	}
	b, err = e.value(b, v)
	if err != nil {
		return b, err.at(key)
	}
	return b, nil
}

func duplicateKey(o Object) (string, bool) {
	if len(o) <= 32 {
		for i := 1; i < len(o); i++ {
			for j := range i {
				if o[i].Key == o[j].Key {
					return o[i].Key, true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]struct{}, len(o))
	for i := range o {
		if _, ok := seen[o[i].Key]; ok {
			return o[i].Key, true
		}
		seen[o[i].Key] = struct{}{}
	}
	return "", false
}

// sortedKeys pushes the keys of m, sorted, onto the key stack and returns
// where they start.
func sortedKeys[V any](e *encoder, m map[string]V) int {
	base := len(e.keys)
	for k := range m {
		e.keys = append(e.keys, k)
	}
	slices.Sort(e.keys[base:])
	return base
}

// writeMap writes a Go map as an object with sorted keys.
func writeMap[V any](e *encoder, b []byte, m map[string]V) ([]byte, *encodeError) {
	if m == nil {
		return append(b, "null"...), nil
	}
	if len(m) == 0 {
		return append(b, '{', '}'), nil
	}
	if err := e.enter(); err != nil {
		return b, err
	}
	base := sortedKeys(e, m)
	b = append(b, '{')
	for i := range len(m) {
		if i > 0 {
			b = append(b, ',')
		}
		k := e.keys[base+i]
		var err *encodeError
		if b, err = e.member(b, k, m[k]); err != nil {
			return b, err
		}
	}
	e.keys = e.keys[:base]
	e.depth--
	b = e.newline(b)
	return append(b, '}'), nil
}

func (e *encoder) array(b []byte, n int, elem func([]byte, int) ([]byte, *encodeError)) ([]byte, *encodeError) {
	if n == 0 {
		return append(b, '[', ']'), nil
	}
	if err := e.enter(); err != nil {
		return b, err
	}
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = e.newline(b)
		var err *encodeError
		if b, err = elem(b, i); err != nil {
			return b, err.at(i)
		}
	}
	e.depth--
	b = e.newline(b)
	return append(b, ']'), nil
}

// fallback writes values of other types through encoding/json.
func (e *encoder) fallback(b []byte, v any) ([]byte, *encodeError) {
	var buf bytes.Buffer
	enc := stdjson.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, unsupported("value has no JSON form")
	}
	raw := bytes.TrimRight(buf.Bytes(), "\n")
	if !e.indent {
		return append(b, raw...), nil
	}
	var out bytes.Buffer
	prefix := string(bytes.Repeat([]byte("  "), e.depth))
	if err := stdjson.Indent(&out, raw, prefix, "  "); err != nil {
		return b, unsupported("value has no JSON form")
	}
	return append(b, out.Bytes()...), nil
}

func appendFloat(b []byte, f float64, bits int) ([]byte, *encodeError) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, unsupported(fmt.Sprintf("number %v has no JSON form", f))
	}
	// The same choice as encoding/json, which follows ES6 number-to-string.
	format := byte('f')
	if a := math.Abs(f); a != 0 {
		if bits == 64 && (a < 1e-6 || a >= 1e21) || bits == 32 && (float32(a) < 1e-6 || float32(a) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// Clean up e-09 to e-9.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

func appendTime(b []byte, t time.Time) ([]byte, *encodeError) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, unsupported(fmt.Sprintf("time in year %d has no RFC 3339 form", y))
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping only what RFC 8259
// requires: '"', '\\' and control characters.
func appendString(b []byte, s string) ([]byte, *encodeError) {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return b, unsupported(fmt.Sprintf("string %s is not UTF-8 text", quote(s)))
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"'), nil
}

// validNumber reports whether s is a JSON number (RFC 8259 section 6).
func validNumber(s Number) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}

// AppendString appends s as a JSON string, escaped as Marshal does; it
// fails on invalid UTF-8. It saves boxing s into an interface on hot paths.
func AppendString(dst []byte, s string) ([]byte, error) {
	out, err := appendString(dst, s)
	if err != nil {
		return dst, err.render()
	}
	return out, nil
}
