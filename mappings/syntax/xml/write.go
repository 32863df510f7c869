package xml

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Element is one element of a document to write.
type Element struct {
	// Name is "prefix:local" or "local". A prefix must be declared in
	// WriteOptions.Namespaces (or be "xml").
	Name string
	// Attrs are written in order. Names follow the rules of Name; namespace
	// declarations belong in WriteOptions.Namespaces, not here.
	Attrs []Attr
	// Children are written in order, after Text.
	Children []*Element
	// Text is the character data of the element, escaped when written.
	Text string
}

// Attr is one attribute of an Element.
type Attr struct {
	Name, Value string
}

// Namespace binds a prefix to a namespace URI on the root element. An empty
// Prefix declares the default namespace.
type Namespace struct {
	Prefix, URI string
}

// WriteOptions shape the output of Write.
type WriteOptions struct {
	// Namespaces are declared on the root element, in this order.
	Namespaces []Namespace
	// Indent, if not empty, puts each child of an element without text on
	// its own line, indented by Indent per level. Only spaces and tabs.
	Indent string
	// Declaration writes <?xml version="1.0" encoding="UTF-8"?> first.
	Declaration bool
}

// maxWriteDepth bounds the Element tree Write accepts, which also stops a
// tree that contains itself.
const maxWriteDepth = 256

// Write renders root as a UTF-8 document followed by a newline. The output
// depends only on its arguments. Text and attribute values are always
// escaped. Names that are not valid XML names, undeclared prefixes,
// duplicate attributes and characters XML 1.0 cannot carry are errors
// (ErrInvalidName, ErrInvalidChar), reported with the element path; nothing
// is written then.
func Write(w io.Writer, root *Element, opts WriteOptions) error {
	wr := writer{opts: opts, declared: map[string]bool{"xml": true}}
	if err := wr.checkOptions(); err != nil {
		return err
	}
	if opts.Declaration {
		wr.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	if err := wr.element(root, 0); err != nil {
		return err
	}
	wr.buf.WriteByte('\n')
	_, err := w.Write(wr.buf.Bytes())
	return err
}

type writer struct {
	opts     WriteOptions
	declared map[string]bool // prefixes in scope; "" for the default namespace
	buf      bytes.Buffer
	path     []string // names from the root to the current element
}

func (w *writer) checkOptions() error {
	if strings.Trim(w.opts.Indent, " \t") != "" {
		return &Error{Field: "indent", Value: w.opts.Indent,
			Err: fmt.Errorf("%w: only spaces and tabs may indent", ErrInvalidChar)}
	}
	for _, ns := range w.opts.Namespaces {
		if ns.Prefix != "" {
			if p := checkNCName(ns.Prefix); p != "" {
				return &Error{Field: "namespace prefix", Value: ns.Prefix, Err: wrapDetail(ErrInvalidName, p)}
			}
			if strings.EqualFold(ns.Prefix, "xml") || strings.EqualFold(ns.Prefix, "xmlns") {
				return &Error{Field: "namespace prefix", Value: ns.Prefix,
					Err: fmt.Errorf("%w: it is reserved", ErrInvalidName)}
			}
		}
		if w.declared[ns.Prefix] {
			return &Error{Field: "namespace prefix", Value: ns.Prefix,
				Err: fmt.Errorf("%w: it is declared twice", ErrInvalidName)}
		}
		if ns.URI == "" {
			return &Error{Field: "namespace URI", Value: ns.Prefix,
				Err: fmt.Errorf("%w: the URI is empty", ErrInvalidName)}
		}
		if p := checkChars(ns.URI); p != "" {
			return &Error{Field: "namespace URI", Value: ns.URI, Err: wrapDetail(ErrInvalidChar, p)}
		}
		w.declared[ns.Prefix] = true
	}
	return nil
}

func (w *writer) fail(field, value string, err error) *Error {
	return &Error{Path: "/" + strings.Join(w.path, "/"), Field: field, Value: value, Err: err}
}

func (w *writer) element(e *Element, depth int) error {
	if e == nil {
		return w.fail("element", "", fmt.Errorf("%w: the element is nil", ErrInvalidName))
	}
	w.path = append(w.path, e.Name)
	defer func() { w.path = w.path[:len(w.path)-1] }()
	if depth >= maxWriteDepth {
		return w.fail("element", e.Name, fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxWriteDepth))
	}
	if err := w.checkName("element name", e.Name); err != nil {
		return err
	}
	w.buf.WriteByte('<')
	w.buf.WriteString(e.Name)
	if depth == 0 {
		for _, ns := range w.opts.Namespaces {
			if ns.Prefix == "" {
				w.buf.WriteString(` xmlns="`)
			} else {
				w.buf.WriteString(` xmlns:` + ns.Prefix + `="`)
			}
			escapeAttr(&w.buf, ns.URI)
			w.buf.WriteByte('"')
		}
	}
	for i, a := range e.Attrs {
		if err := w.attr(e.Attrs[:i], a); err != nil {
			return err
		}
	}
	if e.Text == "" && len(e.Children) == 0 {
		w.buf.WriteString("/>")
		return nil
	}
	w.buf.WriteByte('>')
	if p := checkChars(e.Text); p != "" {
		return w.fail("text", e.Text, wrapDetail(ErrInvalidChar, p))
	}
	escapeText(&w.buf, e.Text)
	indent := w.opts.Indent != "" && e.Text == ""
	for _, c := range e.Children {
		if indent {
			w.newline(depth + 1)
		}
		if err := w.element(c, depth+1); err != nil {
			return err
		}
	}
	if indent {
		w.newline(depth)
	}
	w.buf.WriteString("</")
	w.buf.WriteString(e.Name)
	w.buf.WriteByte('>')
	return nil
}

func (w *writer) attr(before []Attr, a Attr) error {
	if a.Name == "xmlns" || strings.HasPrefix(a.Name, "xmlns:") {
		return w.fail("attribute name", a.Name,
			fmt.Errorf("%w: declare namespaces in the write options", ErrInvalidName))
	}
	if err := w.checkName("attribute name", a.Name); err != nil {
		return err
	}
	for _, b := range before {
		if b.Name == a.Name {
			return w.fail("attribute name", a.Name, fmt.Errorf("%w: it appears twice", ErrInvalidName))
		}
	}
	if p := checkChars(a.Value); p != "" {
		return w.fail("attribute value", a.Value, wrapDetail(ErrInvalidChar, p))
	}
	w.buf.WriteByte(' ')
	w.buf.WriteString(a.Name)
	w.buf.WriteString(`="`)
	escapeAttr(&w.buf, a.Value)
	w.buf.WriteByte('"')
	return nil
}

func (w *writer) checkName(field, name string) error {
	prefix, _, problem := splitQName(name)
	if problem != "" {
		return w.fail(field, name, wrapDetail(ErrInvalidName, problem))
	}
	if prefix != "" && !w.declared[prefix] {
		return w.fail(field, name, fmt.Errorf("%w: prefix %q is not declared", ErrInvalidName, prefix))
	}
	return nil
}

func (w *writer) newline(depth int) {
	w.buf.WriteByte('\n')
	for range depth {
		w.buf.WriteString(w.opts.Indent)
	}
}

// escapeText writes s as character data. '>' is escaped too, so "]]>"
// cannot appear, and '\r' as a reference so readers do not turn it into '\n'.
func escapeText(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// escapeAttr writes s as a double-quoted attribute value; white space other
// than ' ' is escaped so attribute-value normalisation keeps it.
func escapeAttr(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
