package edifact

import (
	"fmt"
	"strings"
)

// Delims are the service characters of an interchange, as announced by UNA
// or assumed by default.
type Delims struct {
	Component  byte // component data element separator, default ':'
	Element    byte // data element separator, default '+'
	Decimal    byte // decimal mark, default '.'; not used for splitting
	Release    byte // release character, default '?'; 0 = none
	Repetition byte // repetition separator (syntax 4) or reserved space; 0 or ' ' = none
	Segment    byte // segment terminator, default '\''
}

// DefaultDelims are the delimiters of `UNA:+.? '`, assumed when an
// interchange has no UNA.
var DefaultDelims = Delims{
	Component: ':', Element: '+', Decimal: '.', Release: '?', Repetition: ' ', Segment: '\'',
}

// isoLevelBDelims are the non-printing defaults of ISO 9735 for UNOB and
// above: IS1, IS3 and IS4, and no release character.
var isoLevelBDelims = Delims{
	Component: 0x1F, Element: 0x1D, Decimal: '.', Repetition: ' ', Segment: 0x1C,
}

// hasRepetition reports whether d has a repetition separator.
func (d Delims) hasRepetition() bool { return d.Repetition != 0 && d.Repetition != ' ' }

// orDefault returns DefaultDelims for the zero Delims and fills an unset
// decimal mark.
func (d Delims) orDefault() Delims {
	if d == (Delims{}) {
		return DefaultDelims
	}
	if d.Decimal == 0 {
		d.Decimal = '.'
	}
	return d
}

// Validate checks that the separators, terminator and release character
// are set, distinct, 7-bit and not letters or digits, and that the
// separators and release character are not line breaks.
func (d Delims) Validate() error {
	type role struct {
		name string
		c    byte
	}
	var buf [5]role // on the stack: Validate runs for every UNA
	roles := append(buf[:0], role{"component separator", d.Component}, role{"element separator", d.Element}, role{"segment terminator", d.Segment})
	if d.Release != 0 {
		roles = append(roles, role{"release character", d.Release})
	}
	if d.hasRepetition() {
		roles = append(roles, role{"repetition separator", d.Repetition})
	}
	for i, r := range roles {
		switch {
		case r.c == 0:
			return wrapf(ErrSyntax, "%s is not set", r.name)
		case r.c >= 0x80 || isAlnum(r.c):
			return wrapf(ErrSyntax, "%s %s must be 7-bit and not a letter or digit", r.name, showByte(r.c))
		case (r.c == '\r' || r.c == '\n') && r.name != "segment terminator":
			return wrapf(ErrSyntax, "%s %s must not be a line break", r.name, showByte(r.c))
		case r.c == ' ' && r.name == "release character":
			return wrapf(ErrSyntax, "release character must not be a space; 0 means none")
		}
		for _, o := range roles[:i] {
			if o.c == r.c {
				return wrapf(ErrSyntax, "%s and %s are both %s", o.name, r.name, showByte(r.c))
			}
		}
	}
	return nil
}

// UNA returns the 9-character service string advice for d, e.g. "UNA:+.? '".
func (d Delims) UNA() string {
	d = d.orDefault()
	rel, rep := d.Release, d.Repetition
	if rel == 0 {
		rel = ' '
	}
	if rep == 0 {
		rep = ' '
	}
	return string([]byte{'U', 'N', 'A', d.Component, d.Element, d.Decimal, rel, rep, d.Segment})
}

// parseUNA reads a 9-character service string advice.
func parseUNA(b []byte) (Delims, error) {
	if len(b) != 9 || string(b[:3]) != "UNA" {
		return Delims{}, wrapf(ErrSyntax, "UNA service string advice must be exactly 9 characters")
	}
	d := Delims{Component: b[3], Element: b[4], Decimal: b[5], Release: b[6], Repetition: b[7], Segment: b[8]}
	if d.Release == ' ' {
		d.Release = 0
	}
	if err := d.Validate(); err != nil {
		return Delims{}, wrapf(ErrSyntax, "bad UNA: %v", err)
	}
	return d, nil
}

// Escape puts the release character before every service character in s
// (separators, terminator, release character and repetition separator), so
// s can stand as one component value. Without a release character in d, s
// is returned unchanged.
func Escape(s string, d Delims) string {
	d = d.orDefault()
	if d.Release == 0 {
		return s
	}
	i := 0
	for i < len(s) && !d.isService(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if d.isService(s[i]) {
			b.WriteByte(d.Release)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isService reports whether c must be released in data. With LF as
// segment terminator a CR is released too, since a reader drops a CR
// before the terminator.
func (d Delims) isService(c byte) bool {
	return c == d.Component || c == d.Element || c == d.Segment ||
		(d.Release != 0 && c == d.Release) || (d.hasRepetition() && c == d.Repetition) ||
		(d.Segment == '\n' && c == '\r')
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// showByte renders a delimiter for a message: printable ones quoted,
// others in hex.
func showByte(c byte) string {
	if c > 0x20 && c < 0x7F {
		return fmt.Sprintf("%q", string(c))
	}
	return fmt.Sprintf("0x%02X", c)
}
