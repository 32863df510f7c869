package flat

import (
	"fmt"
	"unicode/utf8"
)

// Defaults of CSVOptions and FixedOptions.
const (
	DefaultMaxBytes      = 64 << 20
	DefaultMaxFields     = 512
	DefaultMaxFieldBytes = 64 << 10
)

// CSVOptions configures a CSVReader or CSVWriter. The zero value reads and
// writes RFC 4180 files with a header line.
type CSVOptions struct {
	// Delimiter separates fields. Default ','.
	Delimiter rune
	// Quote encloses fields that contain delimiters, quotes or line breaks;
	// inside, a quote is doubled. Default '"'. Set NoQuote to read and write
	// without quoting.
	Quote rune
	// NoQuote turns quoting off: quote characters are ordinary text, and
	// the writer refuses values that would need quoting.
	NoQuote bool
	// Header is the expected header, names in order. When the file has a
	// header line, it must equal Header, or reading fails with ErrHeader
	// naming the first differing column. With NoHeader, Header names the
	// fields of a file that has no header line.
	Header []string
	// NoHeader says the first record is data, not a header. By default
	// the first record is a header that names the fields.
	NoHeader bool
	// Comment, when not 0, starts comment lines, which are skipped.
	Comment rune
	// MaxBytes limits the whole input. Default 64 MiB.
	MaxBytes int64
	// MaxFields limits the fields of one record. Default 512.
	MaxFields int
	// MaxFieldBytes limits one field. Default 64 KiB.
	MaxFieldBytes int
	// Name names the input in error messages, for example a file name.
	Name string
	// TrimSpace removes leading and trailing white space from unquoted
	// fields and allows it around quoted ones.
	TrimSpace bool
	// Encoding is "utf-8" (default) or "iso-8859-1". A UTF-8 byte order
	// mark at the start of the input is skipped.
	Encoding string
	// CRLF makes the writer end lines with "\r\n" instead of "\n". The
	// reader accepts both.
	CRLF bool
	// AllowFormulas makes the writer write cells that start with '=',
	// '+', '-', '@', a tab or a carriage return as they are. By default
	// such a cell, unless it is a plain number, is written with a single
	// quote before it, and quoted, so that a spreadsheet program shows it
	// as text instead of running it as a formula (OWASP, CSV injection).
	// The reader ignores it.
	AllowFormulas bool
	// ReuseRecord lets the reader return the same Values slice for every
	// record, overwritten by the next call to Next, for callers that are
	// done with a record before reading the next. The values themselves
	// stay valid.
	ReuseRecord bool
}

func (o *CSVOptions) setDefaults() {
	if o.Delimiter == 0 {
		o.Delimiter = ','
	}
	if o.Quote == 0 && !o.NoQuote {
		o.Quote = '"'
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxFields == 0 {
		o.MaxFields = DefaultMaxFields
	}
	if o.MaxFieldBytes == 0 {
		o.MaxFieldBytes = DefaultMaxFieldBytes
	}
}

// Validate reports options that cannot work, after defaults are applied:
// a delimiter, quote or comment character that is a line break, NUL or not
// a character, characters that collide, negative limits or an unknown
// encoding.
func (o CSVOptions) Validate() error {
	o.setDefaults()
	if o.NoQuote {
		o.Quote = 0
	}
	if err := checkSpecial("delimiter", o.Delimiter); err != nil {
		return err
	}
	if o.Quote != 0 {
		if err := checkSpecial("quote", o.Quote); err != nil {
			return err
		}
	}
	if o.Comment != 0 {
		if err := checkSpecial("comment", o.Comment); err != nil {
			return err
		}
	}
	switch {
	case o.Quote != 0 && o.Quote == o.Delimiter:
		return describe(ErrLayout, fmt.Sprintf("quote %q is also the delimiter", o.Quote))
	case o.Comment != 0 && (o.Comment == o.Delimiter || o.Comment == o.Quote):
		return describe(ErrLayout, fmt.Sprintf("comment %q is also the delimiter or the quote", o.Comment))
	case o.MaxBytes < 0 || o.MaxFields < 0 || o.MaxFieldBytes < 0:
		return describe(ErrLayout, "limits must not be negative")
	}
	enc, err := parseEncoding(o.Encoding)
	if err != nil {
		return err
	}
	if enc == encLatin1 && (o.Delimiter > 0xFF || o.Quote > 0xFF || o.Comment > 0xFF) {
		return describe(ErrLayout, "delimiter, quote and comment must be ISO 8859-1 characters")
	}
	return nil
}

func checkSpecial(what string, r rune) error {
	if r == '\r' || r == '\n' || r == 0 || r == utf8.RuneError || !utf8.ValidRune(r) {
		return describe(ErrLayout, fmt.Sprintf("%s %q cannot separate or quote fields", what, r))
	}
	return nil
}
