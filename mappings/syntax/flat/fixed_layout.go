package flat

import (
	"cmp"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Alignments of a FixedField.
const (
	AlignLeft  = "left"
	AlignRight = "right"
)

// maxColumn bounds field positions, so that hostile layouts cannot make
// the writer allocate without limit.
const maxColumn = 1 << 16

// FixedField is one field of a fixed-width record.
type FixedField struct {
	// Name names the field.
	Name string
	// Start is the 1-based column of the field's first character.
	Start int
	// Length is the width of the field in characters.
	Length int
	// Align is "left" (default: padding follows the value) or "right"
	// (padding precedes it).
	Align string
	// Pad is the padding character: " " (default) or "0" for numbers.
	// With "0" and right alignment, a leading sign stays in front of the
	// zeros ("-0000012"), and a field of zeros reads as "0". Whatever the
	// padding, an empty value is written as spaces and a field of spaces
	// reads as empty.
	Pad string
}

// End is the 1-based column of the field's last character.
func (f FixedField) End() int { return f.Start + f.Length - 1 }

// FixedLayout describes one kind of fixed-width record.
type FixedLayout struct {
	// RecordLength is the exact length of every record in characters. 0
	// means at least up to the end of the last field; longer records are
	// then accepted and the rest is ignored.
	RecordLength int
	// Fields are the record's fields; gaps between them are filler.
	Fields []FixedField
	// RecordType is the field whose value says which layout a record has,
	// needed when FixedOptions.Layouts has more than one. It may coincide
	// with one of Fields (same Start and Length).
	RecordType *FixedField
}

// need is the shortest record the layout accepts.
func (l FixedLayout) need() int {
	if l.RecordLength > 0 {
		return l.RecordLength
	}
	n := 0
	for _, f := range l.Fields {
		n = max(n, f.End())
	}
	if l.RecordType != nil {
		n = max(n, l.RecordType.End())
	}
	return n
}

// Validate reports fields without a name, repeated names, fields outside
// the record, overlapping fields and unknown alignments or padding.
func (l FixedLayout) Validate() error {
	if len(l.Fields) == 0 && l.RecordType == nil {
		return describe(ErrLayout, "layout has no fields")
	}
	if l.RecordLength < 0 || l.RecordLength > maxColumn {
		return describe(ErrLayout, fmt.Sprintf("record length %d is not between 0 and %d", l.RecordLength, maxColumn))
	}
	fields := slices.Clone(l.Fields)
	for i, f := range fields {
		if f.Name == "" {
			return describe(ErrLayout, fmt.Sprintf("field %d has no name", i+1))
		}
		for _, g := range fields[:i] {
			if g.Name == f.Name {
				return describe(ErrLayout, fmt.Sprintf("field %q is defined twice", f.Name))
			}
		}
	}
	if l.RecordType != nil {
		rt := *l.RecordType
		if rt.Name == "" {
			rt.Name = "record type"
		}
		if err := l.checkField(rt); err != nil {
			return err
		}
	}
	for _, f := range fields {
		if err := l.checkField(f); err != nil {
			return err
		}
	}
	slices.SortStableFunc(fields, func(a, b FixedField) int { return cmp.Compare(a.Start, b.Start) })
	for i := 1; i < len(fields); i++ {
		if a, b := fields[i-1], fields[i]; b.Start <= a.End() {
			return overlap(a, b)
		}
	}
	if rt := l.RecordType; rt != nil {
		for _, f := range fields {
			same := f.Start == rt.Start && f.Length == rt.Length
			if same && (alignOf(f) != alignOf(*rt) || padOf(f) != padOf(*rt)) {
				return describe(ErrLayout, fmt.Sprintf("field %q is the record type but aligns or pads differently", f.Name))
			}
			if !same && f.Start <= rt.End() && rt.Start <= f.End() {
				t := *rt
				if t.Name == "" {
					t.Name = "record type"
				}
				return overlap(f, t)
			}
		}
	}
	return nil
}

func alignOf(f FixedField) string {
	if f.Align == "" {
		return AlignLeft
	}
	return f.Align
}

func padOf(f FixedField) string {
	if f.Pad == "" {
		return " "
	}
	return f.Pad
}

func overlap(a, b FixedField) error {
	return describe(ErrLayout, fmt.Sprintf("field %q (columns %d-%d) overlaps field %q (columns %d-%d)",
		b.Name, b.Start, b.End(), a.Name, a.Start, a.End()))
}

func (l FixedLayout) checkField(f FixedField) error {
	switch {
	case f.Start < 1 || f.Start > maxColumn:
		return describe(ErrLayout, fmt.Sprintf("field %q starts at column %d, expected 1 to %d", f.Name, f.Start, maxColumn))
	case f.Length < 1 || f.Length > maxColumn:
		return describe(ErrLayout, fmt.Sprintf("field %q has length %d, expected 1 to %d", f.Name, f.Length, maxColumn))
	case l.RecordLength > 0 && f.End() > l.RecordLength:
		return describe(ErrLayout, fmt.Sprintf("field %q ends at column %d, beyond the record length %d", f.Name, f.End(), l.RecordLength))
	case f.End() > maxColumn:
		return describe(ErrLayout, fmt.Sprintf("field %q ends at column %d, beyond column %d", f.Name, f.End(), maxColumn))
	case f.Align != "" && f.Align != AlignLeft && f.Align != AlignRight:
		return describe(ErrLayout, fmt.Sprintf("field %q has alignment %q, expected %q or %q", f.Name, f.Align, AlignLeft, AlignRight))
	}
	if f.Pad != "" {
		r, size := utf8.DecodeRuneInString(f.Pad)
		if size != len(f.Pad) || r == utf8.RuneError || !unicode.IsPrint(r) {
			return describe(ErrLayout, fmt.Sprintf("field %q has padding %q, expected one printable character such as \" \" or \"0\"", f.Name, f.Pad))
		}
		if r == '0' && f.Align != AlignRight {
			return describe(ErrLayout, fmt.Sprintf("field %q pads with \"0\", which needs right alignment", f.Name))
		}
	}
	return nil
}

// slot is a field compiled for reading and writing.
type slot struct {
	name  string
	start int // 0-based character offset
	width int
	right bool
	pad   rune
}

func compileField(f FixedField) slot {
	pad := ' '
	if f.Pad != "" {
		pad, _ = utf8.DecodeRuneInString(f.Pad)
	}
	return slot{name: f.Name, start: f.Start - 1, width: f.Length, right: f.Align == AlignRight, pad: pad}
}

// trim removes the padding of a value read from the column.
func (c *slot) trim(s string) string {
	if isBlank(s) {
		return ""
	}
	if !c.right {
		return trimRightRune(s, c.pad)
	}
	if c.pad != '0' {
		return trimLeftRune(s, c.pad)
	}
	// Zero-padded numbers: leading zeros go, before and after a sign.
	s = trimLeftRune(s, '0')
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], trimLeftRune(s[1:], '0')
	}
	if s == "" {
		s = "0"
	}
	return sign + s
}

func trimRightRune(s string, r rune) string {
	if r < utf8.RuneSelf { // an ASCII byte is always a whole character
		i := len(s)
		for i > 0 && s[i-1] == byte(r) {
			i--
		}
		return s[:i]
	}
	for s != "" {
		last, size := utf8.DecodeLastRuneInString(s)
		if last != r {
			break
		}
		s = s[:len(s)-size]
	}
	return s
}

func trimLeftRune(s string, r rune) string {
	if r < utf8.RuneSelf {
		i := 0
		for i < len(s) && s[i] == byte(r) {
			i++
		}
		return s[i:]
	}
	for s != "" {
		first, size := utf8.DecodeRuneInString(s)
		if first != r {
			break
		}
		s = s[size:]
	}
	return s
}
