package spec

import (
	"fmt"
	"unicode/utf8"

	"github.com/nexport/pcsgate/mappings/syntax/flat"
)

// CSVSpec describes a delimited file (syntax flat, options.csv): how to
// split it and which header it has. Reading checks the header line against
// Header; CSV profiles are detected by that exact header line.
type CSVSpec struct {
	// Delimiter separates fields: one character. Default ",".
	Delimiter string `yaml:"delimiter,omitempty"`
	// Quote encloses fields holding delimiters, quotes or line breaks: one
	// character. Default `"`.
	Quote string `yaml:"quote,omitempty"`
	// NoQuote reads quote characters as text and writes no quotes.
	NoQuote bool `yaml:"no_quote,omitempty"`
	// Header names the columns in order; paths of the spec are these names.
	Header []string `yaml:"header,omitempty"`
	// NoHeader says the file has no header line; Header then names the
	// columns.
	NoHeader bool `yaml:"no_header,omitempty"`
	// Comment starts comment lines: one character, none by default.
	Comment string `yaml:"comment,omitempty"`
	// TrimSpace trims white space around unquoted values.
	TrimSpace bool `yaml:"trim_space,omitempty"`
	// Encoding is utf-8 (default) or iso-8859-1.
	Encoding string `yaml:"encoding,omitempty"`
	// CRLF ends written lines with CR LF.
	CRLF bool `yaml:"crlf,omitempty"`
}

// FixedSpec describes fixed-width records (syntax flat, options.fixed).
// A file with one kind of record gives RecordLength and Fields; a file with
// several (header, detail, trailer) gives RecordType and Layouts by type.
// Fixed-width files are never detected: read them with --from.
type FixedSpec struct {
	RecordLength int              `yaml:"record_length,omitempty"`
	Fields       []FixedFieldSpec `yaml:"fields,omitempty"`
	// RecordType is where every record carries its type.
	RecordType *FixedFieldSpec `yaml:"record_type,omitempty"`
	// Layouts are the record layouts by record type value.
	Layouts map[string]FixedLayoutSpec `yaml:"layouts,omitempty"`
	// Each is the record type that becomes one event each; the other
	// records are read for their fields (TYPE.field paths). Default: every
	// record.
	Each string `yaml:"each,omitempty"`
	// Encoding is utf-8 (default) or iso-8859-1.
	Encoding string `yaml:"encoding,omitempty"`
	// SkipBlank skips empty lines; PadShort reads short records as if
	// padded with spaces (off: a short record is an error).
	SkipBlank bool `yaml:"skip_blank,omitempty"`
	PadShort  bool `yaml:"pad_short,omitempty"`
}

// FixedLayoutSpec is one kind of fixed-width record.
type FixedLayoutSpec struct {
	RecordLength int              `yaml:"record_length,omitempty"`
	Fields       []FixedFieldSpec `yaml:"fields"`
}

// FixedFieldSpec is one field of a fixed-width record: 1-based start
// column, length in characters, alignment (left, right) and padding
// (" " or "0").
type FixedFieldSpec struct {
	Name   string `yaml:"name,omitempty"`
	Start  int    `yaml:"start"`
	Length int    `yaml:"length"`
	Align  string `yaml:"align,omitempty"`
	Pad    string `yaml:"pad,omitempty"`
}

func (f FixedFieldSpec) field() flat.FixedField {
	return flat.FixedField{Name: f.Name, Start: f.Start, Length: f.Length, Align: f.Align, Pad: f.Pad}
}

// CSVOptions turns the spec's CSV section into reader/writer options.
func (c *CSVSpec) CSVOptions(name string) (flat.CSVOptions, error) {
	o := flat.CSVOptions{Name: name, Header: c.Header, NoHeader: c.NoHeader, NoQuote: c.NoQuote,
		TrimSpace: c.TrimSpace, Encoding: c.Encoding, CRLF: c.CRLF}
	var err error
	if o.Delimiter, err = oneRune("delimiter", c.Delimiter); err != nil {
		return o, err
	}
	if o.Quote, err = oneRune("quote", c.Quote); err != nil {
		return o, err
	}
	if o.Comment, err = oneRune("comment", c.Comment); err != nil {
		return o, err
	}
	if err := o.Validate(); err != nil {
		return o, fmt.Errorf("%w: options.csv: %v", ErrSpec, err)
	}
	return o, nil
}

func oneRune(what, s string) (rune, error) {
	if s == "" {
		return 0, nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) || r == utf8.RuneError {
		return 0, fmt.Errorf("%w: options.csv.%s %q must be one character", ErrSpec, what, s)
	}
	return r, nil
}

// FixedOptions turns the spec's fixed-width section into reader options.
func (f *FixedSpec) FixedOptions(name string) (flat.FixedOptions, error) {
	o := flat.FixedOptions{Name: name, Encoding: f.Encoding, SkipBlank: f.SkipBlank, PadShort: f.PadShort,
		Layouts: map[string]flat.FixedLayout{}}
	var rt *flat.FixedField
	if f.RecordType != nil {
		x := f.RecordType.field()
		if x.Name == "" {
			x.Name = "recordType"
		}
		rt = &x
	}
	if len(f.Fields) > 0 {
		o.Layouts[""] = flat.FixedLayout{RecordLength: f.RecordLength, Fields: fixedFields(f.Fields), RecordType: rt}
	}
	for k, l := range f.Layouts {
		o.Layouts[k] = flat.FixedLayout{RecordLength: firstPositive(l.RecordLength, f.RecordLength), Fields: fixedFields(l.Fields), RecordType: rt}
	}
	if err := o.Validate(); err != nil {
		return o, fmt.Errorf("%w: options.fixed: %v", ErrSpec, err)
	}
	return o, nil
}

func fixedFields(in []FixedFieldSpec) []flat.FixedField {
	out := make([]flat.FixedField, len(in))
	for i, f := range in {
		out[i] = f.field()
	}
	return out
}

func firstPositive(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}
