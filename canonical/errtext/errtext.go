// Package errtext renders the parts that every one-line error of pcsgate
// shares, so that a syntax, the engine, the store and the transports all say
// "where" and "what value" the same way:
//
//	coreor.edi:14:3: EQD C237.8260 "CSQU3054381" has a wrong ISO 6346 check digit
//
// AppendPosition writes the "name:line:col: " prefix, Quote a received value
// clipped to MaxValue bytes and quoted with Go escapes, Safe a name or
// reference that must not break the line, and OneLine folds a wrapped error
// from elsewhere. It imports nothing of pcsgate, so every package may use it.
package errtext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValue is how many bytes of a received value Quote keeps.
const MaxValue = 64

// Ellipsis marks a clipped value.
const Ellipsis = "…"

// AppendPosition writes where a problem is to b, ready to stand in front of
// the rest of the message: "name:line:col: ", "name:line: ", "name: ",
// "line N: ", "line N column C: ", or nothing when nothing is known. Zero
// line or column means unknown; the name is made Safe.
func AppendPosition(b *strings.Builder, name string, line, col int) {
	switch {
	case name != "":
		b.WriteString(Safe(name))
		if line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(line))
			if col > 0 {
				b.WriteByte(':')
				b.WriteString(strconv.Itoa(col))
			}
		}
	case line > 0:
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(line))
		if col > 0 {
			b.WriteString(" column ")
			b.WriteString(strconv.Itoa(col))
		}
	default:
		return
	}
	b.WriteString(": ")
}

// Clip returns s when it has at most max bytes, else its longest prefix of
// at most max bytes that ends on a rune boundary, followed by Ellipsis. In
// bytes that are not UTF-8 it cuts at max.
func Clip(s string, max int) string {
	if c, cut := clip(s, max); cut {
		return c + Ellipsis
	}
	return s
}

func clip(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	// A rune is at most UTFMax bytes, so a rune start lies within the last
	// UTFMax-1; further back, the input is not UTF-8 and is cut at max.
	for cut := max; cut > 0 && cut > max-utf8.UTFMax; cut-- {
		if utf8.RuneStart(s[cut]) {
			return s[:cut], true
		}
	}
	return s[:max], true
}

// Quote renders a value received from outside: clipped to MaxValue bytes,
// quoted with Go escapes so control characters and invalid UTF-8 stay
// visible and on one line, and followed by Ellipsis when clipped.
func Quote(s string) string {
	c, cut := clip(s, MaxValue)
	if cut {
		return strconv.Quote(c) + Ellipsis
	}
	return strconv.Quote(c)
}

// Safe returns s as is when it is printable and has no spaces or quotes,
// else quoted, so that a file name or reference cannot break the line.
func Safe(s string) string {
	for _, r := range s {
		if r <= ' ' || r == '"' || r == 0x7F || r == utf8.RuneError || !unicode.IsPrint(r) {
			return Quote(s)
		}
	}
	return s
}

// OneLine folds s onto one line: runs of white space that hold a line
// break become one space, so an error from a library that spans lines
// still reads as one problem, one line.
func OneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
