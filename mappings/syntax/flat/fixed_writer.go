package flat

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// FixedWriter writes fixed-width records, one per line. It pads and aligns
// each value and fills gaps with spaces. It never truncates: a value
// longer than its field is refused with ErrFieldTooLong, and so are values
// for unknown fields, control characters and characters the encoding
// cannot carry. Output is buffered; call Flush at the end.
type FixedWriter struct {
	w      *bufio.Writer
	opts   FixedOptions
	schema *fixedSchema
	err    error // invalid options or a write error; sticky
	line   int   // lines written
	runes  []rune
	out    []byte
}

// NewFixedWriter returns a writer to w. Invalid options are reported by the
// first write.
func NewFixedWriter(w io.Writer, opts FixedOptions) *FixedWriter {
	fw := &FixedWriter{w: bufio.NewWriter(w), opts: opts}
	schema, err := opts.compile()
	if err != nil {
		fw.err = &Error{Name: opts.Name, Err: err}
		return fw
	}
	fw.schema = schema
	return fw
}

// Write writes one record of the given type ("" with a single layout);
// fields missing from values are left blank.
func (w *FixedWriter) Write(recordType string, values map[string]string) error {
	if w.err != nil {
		return w.err
	}
	kind, err := w.kind(recordType)
	if err != nil {
		return err
	}
	for name := range values {
		if _, ok := kind.index[name]; ok {
			continue
		}
		// Report the first unknown name in order, so the message is stable.
		for _, name := range sortedKeys(values) {
			if _, ok := kind.index[name]; !ok {
				return w.fail(0, name, values[name], describe(ErrUnknownField,
					fmt.Sprintf("field %q is not in layout %q", name, kind.key)))
			}
		}
	}
	return w.write(kind, func(i int) string { return values[kind.names[i]] })
}

// WriteRecord writes a record as FixedReader returns it: Type selects the
// layout and Names and Values give the fields.
func (w *FixedWriter) WriteRecord(rec Record) error {
	if w.err != nil {
		return w.err
	}
	kind, err := w.kind(rec.Type)
	if err != nil {
		return err
	}
	index := make([]int, len(kind.names))
	for i := range index {
		index[i] = -1
	}
	for j, name := range rec.Names {
		i, ok := kind.index[name]
		if !ok {
			return w.fail(0, name, "", describe(ErrUnknownField, fmt.Sprintf("field %q is not in layout %q", name, kind.key)))
		}
		if j < len(rec.Values) {
			index[i] = j
		}
	}
	return w.write(kind, func(i int) string {
		if index[i] < 0 {
			return ""
		}
		return rec.Values[index[i]]
	})
}

// Flush writes buffered output to the underlying writer.
func (w *FixedWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = err
	}
	return w.err
}

func (w *FixedWriter) fail(col int, field, value string, err error) error {
	return &Error{Name: w.opts.Name, Line: w.line + 1, Column: col, Field: field, Value: clip(value), Err: err}
}

func (w *FixedWriter) kind(recordType string) (*fixedKind, error) {
	if k := w.schema.kinds[recordType]; k != nil {
		return k, nil
	}
	known := w.schema.types
	if w.schema.single != nil {
		known = `"" (the only layout)`
	}
	return nil, w.fail(0, "", recordType, describe(ErrUnknownRecordType,
		fmt.Sprintf("record type %s is not one of %s", quote(recordType), known)))
}

func (w *FixedWriter) write(kind *fixedKind, value func(i int) string) error {
	runes := w.runes[:0]
	for range kind.length {
		runes = append(runes, ' ')
	}
	if kind.typ != nil {
		if err := w.place(runes, kind.typ, kind.key); err != nil {
			return err
		}
	}
	for i := range kind.slots {
		sl := &kind.slots[i]
		v := value(i)
		if kind.typ != nil && sl.start == kind.typ.start && sl.width == kind.typ.width {
			if v != "" && v != kind.key {
				return w.fail(sl.start+1, sl.name, v, describe(ErrUnknownRecordType,
					fmt.Sprintf("field %q is %s, but the record type is %q", sl.name, quote(v), kind.key)))
			}
			continue
		}
		if err := w.place(runes, sl, v); err != nil {
			return err
		}
	}
	w.runes = runes
	out := w.out[:0]
	for _, r := range runes {
		if w.schema.enc == encLatin1 {
			out = append(out, byte(r))
		} else {
			out = utf8.AppendRune(out, r)
		}
	}
	if w.opts.CRLF {
		out = append(out, '\r')
	}
	out = append(out, '\n')
	w.out = out
	if _, err := w.w.Write(out); err != nil {
		w.err = err
		return err
	}
	w.line++
	return nil
}

// place writes v, padded, into its slot of the record.
func (w *FixedWriter) place(runes []rune, sl *slot, v string) error {
	n := 0
	for i, r := range v {
		switch {
		case r == utf8.RuneError && isInvalidAt(v, i):
			return w.fail(sl.start+1, sl.name, v, describe(ErrEncoding,
				fmt.Sprintf("field %q %s: byte 0x%02X is not UTF-8 text", sl.name, quote(v), v[i])))
		case r < 0x20 && r != '\t' || r == 0x7F:
			return w.fail(sl.start+1, sl.name, v, describe(ErrControlChar,
				fmt.Sprintf("field %q %s contains control character %q", sl.name, quote(v), r)))
		case r == '\uFEFF':
			return w.fail(sl.start+1, sl.name, v, describe(ErrEncoding,
				fmt.Sprintf("field %q %s contains U+FEFF, which readers take for a byte order mark", sl.name, quote(v))))
		case w.schema.enc == encLatin1 && r > 0xFF:
			return w.fail(sl.start+1, sl.name, v, describe(ErrEncoding,
				fmt.Sprintf("field %q %s: character %q (U+%04X) has no ISO 8859-1 form", sl.name, quote(v), r, r)))
		}
		n++
	}
	if n > sl.width {
		return w.fail(sl.start+1, sl.name, v, describe(ErrFieldTooLong,
			fmt.Sprintf("field %q %s is %d characters, the field holds %d", sl.name, quote(v), n, sl.width)))
	}
	if v == "" {
		return nil // the record starts as spaces
	}
	at, pad := sl.start, sl.width-n
	if sl.right && sl.pad == '0' && (v[0] == '-' || v[0] == '+') {
		runes[at] = rune(v[0])
		at, v = at+1, v[1:]
	}
	if sl.right {
		for range pad {
			runes[at] = sl.pad
			at++
		}
	}
	for _, r := range v {
		runes[at] = r
		at++
	}
	if !sl.right {
		for range pad {
			runes[at] = sl.pad
			at++
		}
	}
	return nil
}

func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
