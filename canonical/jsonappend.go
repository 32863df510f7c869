package canonical

import (
	"errors"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends the event as encoding/json writes it with HTML
// escaping off, followed by a newline (one NDJSON line), without
// reflection: translate --to canonical writes every event this way. It
// fails where encoding/json fails: a time whose year has more than four
// digits, a number that is not finite. Tests hold it to encoding/json on
// every fixture's events, on random events, and on an event with every
// field set, so a field added to the model and not here fails them.
func (e *ReleaseEvent) AppendJSON(b []byte) ([]byte, error) {
	w := jsonWriter{b: b}
	w.open()
	w.strAlways(`,"id":`, e.ID)
	w.strAlways(`,"type":`, string(e.Type))
	w.time(`,"occurredAt":`, e.OccurredAt)
	w.key(`,"source":`)
	w.source(&e.Source)
	w.key(`,"key":`)
	w.eventKey(&e.Key)
	if e.Release != nil {
		w.key(`,"release":`)
		w.release(e.Release)
	}
	if e.Equipment != nil {
		w.key(`,"equipment":`)
		w.equipment(e.Equipment)
	}
	if e.Voyage != nil {
		w.key(`,"voyage":`)
		w.voyage(e.Voyage)
	}
	e.appendParts(&w)
	w.strs(`,"warnings":`, e.Warnings)
	w.close()
	w.b = append(w.b, '\n')
	return w.b, w.err
}

// appendParts appends the parts that follow the voyage.
func (e *ReleaseEvent) appendParts(w *jsonWriter) {
	if e.Transfer != nil {
		w.key(`,"transfer":`)
		w.transfer(e.Transfer)
	}
	if e.Assignment != nil {
		w.key(`,"assignment":`)
		w.assignment(e.Assignment)
	}
	if e.Light != nil {
		w.key(`,"light":`)
		w.light(e.Light)
	}
	if e.Gate != nil {
		w.key(`,"gate":`)
		w.gate(e.Gate)
	}
	if c := e.Credential; c != nil {
		w.key(`,"credential":`)
		w.open()
		w.strAlways(`,"type":`, c.Type)
		w.strAlways(`,"handle":`, c.Handle)
		w.close()
	}
	if e.Status != nil {
		w.key(`,"status":`)
		w.status(e.Status)
	}
}

// jsonWriter appends one JSON object after another; first says no member
// was written yet in the object being written, err keeps the first
// value encoding/json would refuse.
type jsonWriter struct {
	b     []byte
	first bool
	err   error
}

func (w *jsonWriter) open() {
	w.b = append(w.b, '{')
	w.first = true
}

func (w *jsonWriter) close() {
	w.b = append(w.b, '}')
	w.first = false
}

// key starts a member: k is its name quoted, with the comma before it and
// the colon after it (`,"name":`), written whole, without the comma for
// the first member of an object.
func (w *jsonWriter) key(k string) {
	if w.first {
		k = k[1:]
		w.first = false
	}
	w.b = append(w.b, k...)
}

// str writes a string member that is left out when empty (omitempty).
func (w *jsonWriter) str(k, v string) {
	if v != "" {
		w.strAlways(k, v)
	}
}

// strAlways writes a string member, empty or not.
func (w *jsonWriter) strAlways(k, v string) {
	w.key(k)
	w.b = appendJSONString(w.b, v)
}

// strs writes a list of strings, left out when empty.
func (w *jsonWriter) strs(k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	w.key(k)
	w.b = append(w.b, '[')
	for i, v := range vs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = appendJSONString(w.b, v)
	}
	w.b = append(w.b, ']')
}

// time writes a time as RFC 3339 with nanoseconds, left out when nil.
func (w *jsonWriter) time(k string, t *time.Time) {
	if t == nil {
		return
	}
	w.key(k)
	w.b = append(w.b, '"')
	b, err := t.AppendText(w.b)
	if err != nil {
		w.fail(err)
		return
	}
	w.b = append(b, '"')
}

// float writes a number, left out when nil.
func (w *jsonWriter) float(k string, f *float64) {
	if f == nil {
		return
	}
	w.key(k)
	if math.IsInf(*f, 0) || math.IsNaN(*f) {
		w.fail(errors.New("unsupported value: " + strconv.FormatFloat(*f, 'g', -1, 64)))
		return
	}
	w.b = appendJSONFloat(w.b, *f)
}

func (w *jsonWriter) fail(err error) {
	if w.err == nil {
		w.err = errors.New("json: " + err.Error())
	}
}

// appendJSONFloat writes f as encoding/json does: plain decimals between
// 1e-6 and 1e21, exponent notation outside, the exponent without a
// leading zero.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 becomes e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the bytes written as they are: ASCII from space on,
// but for the quote and the backslash.
var jsonPlain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendJSONString appends s as a JSON string, as appendJSONString below
// writes it: for other writers of small JSON documents (the store's
// message metadata).
func AppendJSONString(b []byte, s string) []byte { return appendJSONString(b, s) }

// appendJSONString writes s quoted as encoding/json does without HTML
// escaping: the short escapes where JSON has them, other control
// characters as \u00XX, U+2028 and U+2029 escaped for JavaScript, and
// each byte of invalid UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := plainPrefix(s); i < len(s); {
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainPrefix returns the length of the start of s that is written as it
// is (jsonPlain), looking at eight bytes at a time: a byte below 0x20
// borrows when 0x20 is subtracted from each byte of the word, a byte from
// 0x80 on has its top bit set, and a quote or a backslash leaves a zero
// byte once the word is xored with it.
func plainPrefix(s string) int {
	const ones, tops = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; len(s)-i >= 8; i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		q, bs := x^('"'*ones), x^('\\'*ones)
		if ((x-0x20*ones)&^x|x|(q-ones)&^q|(bs-ones)&^bs)&tops != 0 {
			break
		}
	}
	for i < len(s) && jsonPlain[s[i]] {
		i++
	}
	return i
}

// appendEscape writes the escape of an ASCII byte JSON does not take as is.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
