package flat

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FixedOptions configures a FixedReader or FixedWriter.
type FixedOptions struct {
	// Layouts are the record layouts by record type value. A file with
	// one kind of record has the single key "". Otherwise every layout
	// has a RecordType field, all at the same columns, and the reader
	// picks the layout by that field's (trimmed) value.
	Layouts map[string]FixedLayout
	// Name names the input in error messages, for example a file name.
	Name string
	// MaxBytes limits the whole input. Default 64 MiB.
	MaxBytes int64
	// Encoding is "utf-8" (default) or "iso-8859-1". Columns count
	// characters either way.
	Encoding string
	// SkipBlank skips lines that are empty or hold only spaces, instead
	// of reporting them as short records.
	SkipBlank bool
	// PadShort reads a record shorter than its layout as if padded with
	// spaces, for partners whose tools strip trailing blanks. Off by
	// default: a short record is an error.
	PadShort bool
	// CRLF makes the writer end lines with "\r\n" instead of "\n". The
	// reader accepts both.
	CRLF bool
	// ReuseRecord lets the reader return the same Values slice for every
	// record of a layout, overwritten by the next record of that layout,
	// for callers that are done with a record before reading the next of
	// its kind (a file header stays readable while the lines after it
	// are read). The values themselves stay valid.
	ReuseRecord bool
}

// maxFixedLine bounds one line of a fixed-width file in bytes.
const maxFixedLine = 1 << 20

// fixedSchema is FixedOptions compiled for reading and writing.
type fixedSchema struct {
	enc      encoding
	single   *fixedKind // the only layout, when the key is ""
	kinds    map[string]*fixedKind
	typeSlot slot   // where the record type is, with several layouts
	types    string // the known record types, for messages
	slots    int    // the fields of all layouts, each kind's values at its off
}

// fixedKind is one compiled layout.
type fixedKind struct {
	key    string
	need   int // shortest record
	exact  bool
	names  []string
	index  map[string]int // position of each name in names
	slots  []slot
	typ    *slot // the record type field, if any
	length int   // RecordLength or need, the length the writer produces
	off    int   // where the kind's values start among all layouts' (ReuseRecord)
}

// Validate reports options that cannot work: no layouts, an invalid
// layout, several layouts without one RecordType field at the same columns,
// or a record type value that does not fit its field.
func (o FixedOptions) Validate() error {
	_, err := o.compile()
	return err
}

func (o FixedOptions) compile() (*fixedSchema, error) {
	enc, err := parseEncoding(o.Encoding)
	if err != nil {
		return nil, err
	}
	if o.MaxBytes < 0 {
		return nil, describe(ErrLayout, "max bytes must not be negative")
	}
	if len(o.Layouts) == 0 {
		return nil, describe(ErrLayout, "options have no layouts")
	}
	s := &fixedSchema{enc: enc, kinds: make(map[string]*fixedKind, len(o.Layouts))}
	keys := make([]string, 0, len(o.Layouts))
	for k := range o.Layouts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if _, ok := o.Layouts[""]; ok && len(keys) > 1 {
		return nil, describe(ErrLayout, `layout "" is for files with one layout, but there are others`)
	}
	var first *FixedField
	for _, key := range keys {
		l := o.Layouts[key]
		if err := l.Validate(); err != nil {
			return nil, describe(err, fmt.Sprintf("layout %q: %v", key, err))
		}
		k, err := compileLayout(key, l, enc)
		if err != nil {
			return nil, err
		}
		s.kinds[key] = k
		k.off, s.slots = s.slots, s.slots+len(k.slots)
		if key == "" {
			s.single = k
			continue
		}
		rt := l.RecordType
		switch {
		case rt == nil:
			return nil, describe(ErrLayout, fmt.Sprintf("layout %q has no record type field, needed with several layouts", key))
		case first == nil:
			first = rt
		case rt.Start != first.Start || rt.Length != first.Length:
			return nil, describe(ErrLayout, fmt.Sprintf("layout %q has its record type at columns %d-%d, other layouts at %d-%d",
				key, rt.Start, rt.End(), first.Start, first.End()))
		}
		ts := compileField(*rt)
		if utf8.RuneCountInString(key) > ts.width || ts.trim(ts.fill(key)) != key {
			return nil, describe(ErrLayout, fmt.Sprintf("record type %q does not fit its field (columns %d-%d)", key, rt.Start, rt.End()))
		}
	}
	if first != nil {
		s.typeSlot = compileField(*first)
		quoted := make([]string, len(keys))
		for i, k := range keys {
			quoted[i] = strconv.Quote(k)
		}
		s.types = strings.Join(quoted, ", ")
	}
	return s, nil
}

func compileLayout(key string, l FixedLayout, enc encoding) (*fixedKind, error) {
	k := &fixedKind{key: key, need: l.need(), exact: l.RecordLength > 0, length: l.need(), index: make(map[string]int, len(l.Fields))}
	for i, f := range l.Fields {
		k.index[f.Name] = i
		k.names = append(k.names, f.Name)
		k.slots = append(k.slots, compileField(f))
	}
	if l.RecordType != nil {
		t := compileField(*l.RecordType)
		k.typ = &t
	}
	if enc == encLatin1 {
		for _, sl := range append(slices.Clone(k.slots), k.typeSlots()...) {
			if sl.pad > 0xFF {
				return nil, describe(ErrLayout, fmt.Sprintf("layout %q: field %q pads with %q, which has no ISO 8859-1 form", key, sl.name, sl.pad))
			}
		}
	}
	return k, nil
}

func (k *fixedKind) typeSlots() []slot {
	if k.typ == nil {
		return nil
	}
	return []slot{*k.typ}
}

// fill pads a value to the slot's width; the value must fit.
func (c *slot) fill(v string) string {
	n := c.width - utf8.RuneCountInString(v)
	if n <= 0 {
		return v
	}
	if v == "" {
		return strings.Repeat(" ", n)
	}
	padding := strings.Repeat(string(c.pad), n)
	switch {
	case !c.right:
		return v + padding
	case c.pad == '0' && v != "" && (v[0] == '-' || v[0] == '+'):
		return v[:1] + padding + v[1:]
	default:
		return padding + v
	}
}
