package edifact

import "unicode/utf8"

// writeUNA writes the service string advice.
func (w *Writer) writeUNA() error {
	w.line = append(w.line[:0], w.d.UNA()...)
	if w.opts.Newline {
		w.line = append(w.line, '\n')
	}
	if _, err := w.bw.Write(w.line); err != nil {
		w.err = err
		return err
	}
	return nil
}

// segment encodes a whole segment first and writes it only if every value
// could be encoded.
func (w *Writer) segment(tag string, elements [][]string) error {
	if w.opts.CheckElements {
		if err := w.checkSegment(tag, elements); err != nil {
			return err
		}
	}
	buf := append(w.line[:0], tag...)
	last := len(elements) - 1
	for last >= 0 && lastValue(elements[last]) < 0 {
		last--
	}
	for i := 0; i <= last; i++ {
		buf = append(buf, w.d.Element)
		comps := elements[i]
		for j := 0; j <= lastValue(comps); j++ {
			if j > 0 {
				buf = append(buf, w.d.Component)
			}
			var err error
			if buf, err = w.encode(buf, comps[j]); err != nil {
				w.line = buf
				return w.errorAt(tag, i+1, j+1, comps[j], err)
			}
		}
	}
	buf = append(buf, w.d.Segment)
	if w.opts.Newline {
		buf = append(buf, '\n')
	}
	w.line = buf
	if _, err := w.bw.Write(buf); err != nil {
		w.err = err
		return err
	}
	w.pos++
	w.segs++
	return nil
}

// checkSegment checks a segment's values against the Directory and
// reports the first that breaks its data element's representation.
func (w *Writer) checkSegment(tag string, elements [][]string) error {
	var first error
	checkElements(tag, elements, func(elem, comp int, err error) {
		if first == nil {
			first = w.errorAt(tag, elem, comp, elements[elem-1][max(comp, 1)-1], err)
		}
	})
	return first
}

// errorAt is an error about a value of the segment being written.
func (w *Writer) errorAt(tag string, elem, comp int, value string, err error) *Error {
	e := &Error{Segment: w.pos + 1, Tag: tag, Element: elem, Component: comp, Value: clip(value), Err: err}
	if w.inMsg || tag == "UNH" {
		e.MessageRef = clip(w.ref)
	}
	if w.inIC {
		e.InterchangeRef = clip(w.icRef)
	}
	return e
}

// encode appends s, escaped and in the output character set.
func (w *Writer) encode(dst []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch w.esc[c] {
			case wPlain:
				dst = append(dst, c)
			case wFold:
				dst = append(dst, byte(w.cs.runes[c]))
			case wEscape:
				if w.d.Release == 0 {
					return dst, wrapf(ErrSyntax, "service character %s cannot be written without a release character", showByte(c))
				}
				dst = append(dst, w.d.Release, c)
			default:
				return dst, wrapf(ErrCharset, "%s", w.cs.badChar([]byte{c}))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return dst, wrapf(ErrCharset, "byte 0x%02X is not valid UTF-8", c)
		}
		var ok bool
		if dst, ok = w.cs.appendRune(dst, r); !ok {
			return dst, wrapf(ErrCharset, "character U+%04X is not in %s", r, w.cs.name)
		}
		i += size
	}
	return dst, nil
}

// lastValue returns the index of the last non-empty component, or -1.
func lastValue(comps []string) int {
	for j := len(comps) - 1; j >= 0; j-- {
		if comps[j] != "" {
			return j
		}
	}
	return -1
}

// validTag reports whether tag is three capital letters or digits.
func validTag(tag string) bool {
	if len(tag) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c := tag[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
