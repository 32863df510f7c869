package json

import (
	"fmt"
	"sync"
	"unicode/utf8"
)

// Defaults of DecodeOptions.
const (
	DefaultMaxBytes = 16 << 20
	DefaultMaxDepth = 64
)

// DecodeOptions controls Decode. The zero value is ready to use.
type DecodeOptions struct {
	// MaxBytes is the largest document accepted, in bytes. Default 16 MiB.
	MaxBytes int64
	// MaxDepth is how deeply arrays and objects may nest; the root object
	// is depth 1. Default 64.
	MaxDepth int
	// Name names the input in error messages, for example a file name.
	Name string
	// Reuse, when set, lends the objects of documents its caller has
	// released (see Reuse) to this one, and takes this one's objects back
	// when released in turn.
	Reuse *Reuse
	// ShareInput lets the decoded strings and numbers share the memory of
	// the input instead of a copy of it: the caller promises never to
	// change the input afterwards. Built with -tags purego, the input is
	// always copied.
	ShareInput bool
}

func (o *DecodeOptions) setDefaults() {
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
}

// Validate reports options that cannot work: negative limits.
func (o DecodeOptions) Validate() error {
	switch {
	case o.MaxBytes < 0:
		return describe(ErrOptions, fmt.Sprintf("max bytes %d is negative", o.MaxBytes))
	case o.MaxDepth < 0:
		return describe(ErrOptions, fmt.Sprintf("max depth %d is negative", o.MaxDepth))
	}
	return nil
}

// Decode parses one JSON document (RFC 8259) into map[string]any, []any,
// string, Number, bool and nil.
//
// It is stricter than encoding/json: duplicate object keys, invalid UTF-8 and
// unpaired surrogate escapes are errors, and so is anything but whitespace
// after the document. A leading UTF-8 byte order mark is skipped. Errors are
// *Error values carrying line, column and JSON pointer.
func Decode(data []byte, opts DecodeOptions) (any, error) {
	opts.setDefaults()
	if err := opts.Validate(); err != nil {
		return nil, &Error{Name: opts.Name, Err: err}
	}
	if int64(len(data)) > opts.MaxBytes {
		return nil, &Error{Name: opts.Name, Err: describe(ErrTooLarge,
			fmt.Sprintf("document of %d bytes is larger than the limit of %d bytes", len(data), opts.MaxBytes))}
	}
	// One copy of the input backs every string and number without escapes,
	// instead of one small allocation each.
	d := decoder{data: data, maxDepth: opts.MaxDepth, reuse: opts.Reuse}
	d.src = source(data, opts.ShareInput)
	d.boxes.init(len(data), opts.Reuse)
	sc := scratchPool.Get().(*scratch)
	d.members, d.vals, d.buf = sc.members[:0], sc.vals[:0], sc.buf
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		d.pos = 3
	}
	v, err := d.document()
	sc.keep(&d, err != nil)
	if err != nil {
		return nil, err.render(data, opts.Name)
	}
	return v, nil
}

// scratch is the decoder's working memory, kept between documents: the
// stacks of members and elements being collected grew anew for every
// document otherwise.
type scratch struct {
	members []objMember
	vals    []any
	buf     []byte
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// keep returns d's working memory to the pool, emptied of the document's
// values (a finished object or array clears its part; one left by an
// error is cleared here). Stacks grown past a few thousand entries are
// dropped rather than kept.
func (sc *scratch) keep(d *decoder, failed bool) {
	if failed {
		clear(d.members[:cap(d.members)])
		clear(d.vals[:cap(d.vals)])
	}
	const most = 4096
	if cap(d.members) > most || cap(d.vals) > most || cap(d.buf) > 64*most {
		return
	}
	sc.members, sc.vals, sc.buf = d.members[:0], d.vals[:0], d.buf[:0]
	scratchPool.Put(sc)
}

// decoder is a recursive-descent parser over a complete document.
type decoder struct {
	data     []byte
	src      string // data as a string; values are substrings of it
	pos      int
	depth    int
	maxDepth int
	buf      []byte // scratch for strings with escapes
	boxes    boxes  // interfaces for string and number values
	vals     []any  // stack of array elements being collected
	members  []objMember
	reuse    *Reuse
}

// objMember is an object member being collected.
type objMember struct {
	key string
	val any
	off int
}

func (d *decoder) document() (any, *decodeError) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, d.fail(d.pos, ErrSyntax, "document is empty, expected a value")
	}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.failValue(d.pos, ErrSyntax, "after the document, expected the end of input")
	}
	return v, nil
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value() (any, *decodeError) {
	if d.pos >= len(d.data) {
		return nil, d.fail(d.pos, ErrSyntax, "unexpected end of input, expected a value")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return d.boxes.str(s), nil
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.failValue(d.pos, ErrSyntax, "where a value was expected")
	}
}

func (d *decoder) literal(word string) *decodeError {
	end := d.pos + len(word)
	if end > len(d.data) || string(d.data[d.pos:end]) != word {
		return d.failValue(d.pos, ErrSyntax, "where a value was expected")
	}
	d.pos = end
	return nil
}

func (d *decoder) enter() *decodeError {
	d.depth++
	if d.depth > d.maxDepth {
		return d.fail(d.pos, ErrTooDeep, fmt.Sprintf("%q opens level %d, limit is %d", d.data[d.pos], d.depth, d.maxDepth))
	}
	return nil
}

func (d *decoder) object() (any, *decodeError) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // '{'
	base := len(d.members)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return map[string]any{}, nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, ErrSyntax, "unexpected end of input, expected a quoted object key")
		}
		if d.data[d.pos] != '"' {
			return nil, d.failValue(d.pos, ErrSyntax, "where a quoted object key was expected")
		}
		off := d.pos
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, ErrSyntax, "unexpected end of input, expected ':' after object key")
		}
		if d.data[d.pos] != ':' {
			return nil, d.failValue(d.pos, ErrSyntax, "where ':' after object key was expected").at(key)
		}
		d.pos++
		d.skipSpace()
		v, err := d.value()
		if err != nil {
			return nil, err.at(key)
		}
		d.members = append(d.members, objMember{key: key, val: v, off: off})
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, ErrSyntax, "unexpected end of input, expected ',' or '}'")
		}
		c := d.data[d.pos]
		d.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			return nil, d.failValue(d.pos-1, ErrSyntax, "where ',' or '}' after an object member was expected")
		}
	}
	ms := d.members[base:]
	m := d.newMap(len(ms))
	for _, mb := range ms {
		m[mb.key] = mb.val
	}
	if len(m) < len(ms) {
		d.members = d.members[:base]
		return nil, d.duplicate(ms)
	}
	clear(ms)
	d.members = d.members[:base]
	d.depth--
	return m, nil
}

// duplicate reports the first member of ms whose key an earlier member
// has; object inserts without looking first and calls it when the map came
// out smaller than its members.
func (d *decoder) duplicate(ms []objMember) *decodeError {
	seen := make(map[string]bool, len(ms))
	for _, mb := range ms {
		if seen[mb.key] {
			return d.fail(mb.off, ErrDuplicateKey, "duplicate key "+quote(mb.key))
		}
		seen[mb.key] = true
	}
	return nil
}

func (d *decoder) array() (any, *decodeError) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	d.pos++ // '['
	base := len(d.vals)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return []any{}, nil
	}
	for i := 0; ; i++ {
		d.skipSpace()
		v, err := d.value()
		if err != nil {
			return nil, err.at(i)
		}
		d.vals = append(d.vals, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.fail(d.pos, ErrSyntax, "unexpected end of input, expected ',' or ']'")
		}
		c := d.data[d.pos]
		d.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			return nil, d.failValue(d.pos-1, ErrSyntax, "where ',' or ']' after an array element was expected")
		}
	}
	out := make([]any, len(d.vals)-base)
	copy(out, d.vals[base:])
	clear(d.vals[base:])
	d.vals = d.vals[:base]
	d.depth--
	return out, nil
}

func (d *decoder) number() (any, *decodeError) {
	start := d.pos
	p := d.pos
	data := d.data
	if data[p] == '-' {
		p++
	}
	switch {
	case p < len(data) && data[p] == '0':
		p++
	case p < len(data) && data[p] >= '1' && data[p] <= '9':
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
	default:
		return nil, d.failValue(start, ErrSyntax, "is not a number, expected a digit")
	}
	if p < len(data) && data[p] == '.' {
		p++
		if p >= len(data) || data[p] < '0' || data[p] > '9' {
			return nil, d.failValue(start, ErrSyntax, "is not a number, expected a digit after '.'")
		}
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		p++
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			p++
		}
		if p >= len(data) || data[p] < '0' || data[p] > '9' {
			return nil, d.failValue(start, ErrSyntax, "is not a number, expected a digit in the exponent")
		}
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p++
		}
	}
	d.pos = p
	return d.boxes.num(d.src[start:p]), nil
}

// str reads a string literal starting at the opening quote.
func (d *decoder) str() (string, *decodeError) {
	start := d.pos
	p := start + 1
	data := d.data
	ascii := true
	for p < len(data) {
		c := data[p]
		switch {
		case c == '"':
			s := data[start+1 : p]
			if !ascii && !utf8.Valid(s) {
				return "", d.badUTF8(start+1, p)
			}
			d.pos = p + 1
			return d.src[start+1 : p], nil
		case c == '\\':
			return d.strEscaped(start, p)
		case c < 0x20:
			return "", d.fail(p, ErrSyntax, fmt.Sprintf("control character %q in a string, expected it escaped", c))
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p++
	}
	return "", d.fail(start, ErrSyntax, "string "+quoteBytes(data[start:])+" is not closed, expected '\"'")
}

// strEscaped finishes a string that contains escapes; p is at the first '\'.
func (d *decoder) strEscaped(start, p int) (string, *decodeError) {
	data := d.data
	if !utf8.Valid(data[start+1 : p]) {
		return "", d.badUTF8(start+1, p)
	}
	buf := append(d.buf[:0], data[start+1:p]...)
	for p < len(data) {
		c := data[p]
		switch {
		case c == '"':
			d.pos = p + 1
			d.buf = buf
			return string(buf), nil
		case c == '\\':
			if p+1 >= len(data) {
				return "", d.fail(start, ErrSyntax, "string "+quoteBytes(data[start:])+" is not closed, expected '\"'")
			}
			esc := data[p+1]
			switch esc {
			case '"', '\\', '/':
				buf = append(buf, esc)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, n, err := d.unicodeEscape(p)
				if err != nil {
					return "", err
				}
				buf = utf8.AppendRune(buf, r)
				p += n
				continue
			default:
				end := min(p+2, len(data))
				return "", d.fail(p, ErrSyntax, fmt.Sprintf("escape %q in a string, expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", data[p:end]))
			}
			p += 2
		case c < 0x20:
			return "", d.fail(p, ErrSyntax, fmt.Sprintf("control character %q in a string, expected it escaped", c))
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p++
		default:
			r, size := utf8.DecodeRune(data[p:])
			if r == utf8.RuneError && size <= 1 {
				return "", d.badUTF8(p, p+1)
			}
			buf = append(buf, data[p:p+size]...)
			p += size
		}
	}
	return "", d.fail(start, ErrSyntax, "string "+quoteBytes(data[start:])+" is not closed, expected '\"'")
}

// unicodeEscape reads \uXXXX (and its low surrogate, if any) at p and
// returns the rune and the number of bytes consumed.
func (d *decoder) unicodeEscape(p int) (rune, int, *decodeError) {
	r, ok := hex4(d.data, p+2)
	if !ok {
		end := min(p+6, len(d.data))
		return 0, 0, d.fail(p, ErrSyntax, fmt.Sprintf("escape %q in a string, expected \\u and four hex digits", d.data[p:end]))
	}
	switch {
	case r >= 0xD800 && r < 0xDC00:
		if p+7 < len(d.data) && d.data[p+6] == '\\' && d.data[p+7] == 'u' {
			lo, ok := hex4(d.data, p+8)
			if ok && lo >= 0xDC00 && lo < 0xE000 {
				return (r-0xD800)<<10 | (lo - 0xDC00) + 0x10000, 12, nil
			}
		}
		return 0, 0, d.fail(p, ErrSyntax, fmt.Sprintf("escape %q is half a surrogate pair, expected a low surrogate to follow", d.data[p:p+6]))
	case r >= 0xDC00 && r < 0xE000:
		return 0, 0, d.fail(p, ErrSyntax, fmt.Sprintf("escape %q is half a surrogate pair, expected a high surrogate before it", d.data[p:p+6]))
	}
	return r, 6, nil
}

func hex4(data []byte, p int) (rune, bool) {
	if p+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[p : p+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func (d *decoder) badUTF8(from, to int) *decodeError {
	for p := from; p < to; {
		r, size := utf8.DecodeRune(d.data[p:to])
		if r == utf8.RuneError && size <= 1 {
			return d.fail(p, ErrSyntax, fmt.Sprintf("byte 0x%02X in a string, expected UTF-8 text", d.data[p]))
		}
		p += size
	}
	return d.fail(from, ErrSyntax, "string is not UTF-8 text")
}
