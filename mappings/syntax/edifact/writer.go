package edifact

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
)

// WriterOptions configure a Writer. The zero value writes UNOC with the
// default delimiters, one line.
type WriterOptions struct {
	// Delims are the delimiters to write; zero means DefaultDelims. Other
	// delimiters always get a UNA.
	Delims Delims
	// Charset is the character set of the output: UNOA, UNOB, UNOC, UNOD,
	// UNOE, UNOF, UNOW or UNOY. Default UNOC. A character the set cannot
	// carry is an error naming the segment, element and character.
	Charset string
	// SyntaxVersion is written in UNB S001 0002. Default "3", or "4" for
	// UNOW and UNOY.
	SyntaxVersion string
	// UNA writes the service string advice before UNB.
	UNA bool
	// Newline writes "\n" after each segment terminator.
	Newline bool
	// CheckElements refuses a value longer than its data element allows
	// (or not digits where the element is numeric), for every segment and
	// element the Directory knows, envelope segments included.
	CheckElements bool
}

// Writer writes EDIFACT interchanges. It escapes every service character
// in data and counts segments and messages for UNT and UNZ. Call Flush
// when done.
type Writer struct {
	bw   *bufio.Writer
	opts WriterOptions
	d    Delims
	cs   *charset
	esc  [128]uint8 // per ASCII byte: wPlain, wEscape or wBad
	line []byte
	err  error // sticky: bad options or a failed write

	inIC  bool
	inMsg bool
	bare  bool // bare messages have been started
	icRef string
	msgs  int
	ref   string
	segs  int
	pos   int
}

const (
	wPlain uint8 = iota
	wEscape
	wFold // written as the set's own character: a-z as A-Z in UNOA
	wBad
)

// envelopeTags are written by the Writer itself, never by WriteSegment.
var envelopeTags = map[string]bool{"UNA": true, "UNB": true, "UNG": true, "UNH": true, "UNT": true, "UNE": true, "UNZ": true}

// bufferSize is how much a Writer buffers before it writes to w. Writes to
// a bytes.Buffer are cheap, and a message rendered into memory would
// otherwise allocate a 4 KiB buffer, more than the message itself.
func bufferSize(w io.Writer) int {
	if _, ok := w.(*bytes.Buffer); ok {
		return 256
	}
	return 4096
}

// NewWriter returns a Writer to w. Bad options are reported by the first
// call that writes.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	wr := &Writer{bw: bufio.NewWriterSize(w, bufferSize(w)), opts: opts, d: opts.Delims.orDefault()}
	if opts.Charset == "" {
		wr.opts.Charset = "UNOC"
	}
	if err := wr.d.Validate(); err != nil {
		wr.err = &Error{Err: err}
		return wr
	}
	wr.setCharset(wr.opts.Charset)
	return wr
}

func (w *Writer) setCharset(name string) {
	cs, err := lookupCharset(name)
	if err != nil {
		w.err = &Error{Value: clip(name), Err: err}
		return
	}
	w.cs = cs
	for c := range 128 {
		switch {
		case cs.data[c] == clDecode:
			w.esc[c] = wFold
		case cs.data[c] != clPlain:
			w.esc[c] = wBad
		case w.d.isService(byte(c)):
			w.esc[c] = wEscape
		default:
			w.esc[c] = wPlain
		}
	}
}

// BeginInterchange writes UNA (when asked for, or when the delimiters are
// not the defaults) and UNB. An empty Charset or SyntaxVersion in ic is
// taken from the options; ic.Delims is ignored.
func (w *Writer) BeginInterchange(ic Interchange) error {
	if w.err != nil {
		return w.err
	}
	if w.inIC || w.inMsg {
		return &Error{Tag: "UNB", Err: wrapf(ErrSyntax, "an interchange or message is still open")}
	}
	if ic.ControlRef == "" {
		return &Error{Tag: "UNB", Element: 5, Err: wrapf(ErrSyntax, "control reference is missing")}
	}
	if ic.Charset == "" {
		ic.Charset = w.opts.Charset
	}
	if ic.Charset != w.cs.name {
		cs, err := lookupCharset(ic.Charset)
		if err != nil {
			return &Error{Tag: "UNB", Element: 1, Component: 1, Value: clip(ic.Charset), Err: err}
		}
		w.opts.Charset = cs.name
		w.setCharset(cs.name)
	}
	if ic.SyntaxVersion == "" {
		ic.SyntaxVersion = w.opts.SyntaxVersion
	}
	if ic.SyntaxVersion == "" {
		ic.SyntaxVersion = "3"
		if w.cs.utf8 {
			ic.SyntaxVersion = "4"
		}
	}
	if w.opts.UNA || ic.UNA || w.d != DefaultDelims {
		if err := w.writeUNA(); err != nil {
			return err
		}
	}
	w.pos = 0
	err := w.segment("UNB", [][]string{
		{ic.Charset, ic.SyntaxVersion}, {ic.Sender, ic.SenderQual}, {ic.Recipient, ic.RecipientQual},
		{ic.Date, ic.Time}, {ic.ControlRef},
	})
	if err != nil {
		return err
	}
	w.inIC, w.icRef, w.msgs = true, ic.ControlRef, 0
	return nil
}

// BeginMessage writes UNH with reference ref and identifier id. Without
// BeginInterchange the Writer writes bare messages.
func (w *Writer) BeginMessage(ref string, id MessageID) error {
	parts := []string{id.Type, id.Version, id.Release, id.Agency, id.Assoc}
	return w.beginMessage([][]string{{ref}, parts})
}

// WriteMessage writes a message as read: UNH with all its elements, the
// segments between UNH and UNT, and a UNT that counts them afresh.
func (w *Writer) WriteMessage(m *Message) error {
	segs := m.Segments
	if len(segs) == 0 || segs[0].Tag != "UNH" {
		return &Error{MessageRef: clip(m.Ref), Tag: "UNH", Err: wrapf(ErrSyntax, "message does not start with UNH")}
	}
	if err := w.beginMessage(segs[0].Elements); err != nil {
		return err
	}
	body := segs[1:]
	if n := len(body); n > 0 && body[n-1].Tag == "UNT" {
		body = body[:n-1]
	}
	for i := range body {
		if err := w.WriteSegment(body[i].Tag, body[i].Elements); err != nil {
			return err
		}
	}
	return w.EndMessage()
}

func (w *Writer) beginMessage(unh [][]string) error {
	if w.err != nil {
		return w.err
	}
	ref := ""
	if len(unh) > 0 && len(unh[0]) > 0 {
		ref = unh[0][0]
	}
	if w.inMsg {
		return &Error{MessageRef: clip(w.ref), Tag: "UNH", Err: wrapf(ErrSyntax, "message is still open")}
	}
	if ref == "" {
		return &Error{Tag: "UNH", Element: 1, Err: wrapf(ErrSyntax, "message reference is missing")}
	}
	if len(unh) < 2 || len(unh[1]) == 0 || unh[1][0] == "" {
		return &Error{MessageRef: clip(ref), Tag: "UNH", Element: 2, Err: wrapf(ErrSyntax, "message type is missing")}
	}
	if !w.inIC && !w.bare {
		// The first bare message announces non-default delimiters.
		w.bare = true
		if w.opts.UNA || w.d != DefaultDelims {
			if err := w.writeUNA(); err != nil {
				return err
			}
		}
	}
	w.ref, w.segs = ref, 0
	if err := w.segment("UNH", unh); err != nil {
		return err
	}
	w.inMsg = true
	w.msgs++
	return nil
}

// WriteSegment writes one data segment of the open message. Trailing
// empty components and elements are dropped, inner empty positions kept.
func (w *Writer) WriteSegment(tag string, elements [][]string) error {
	if w.err != nil {
		return w.err
	}
	if !w.inMsg {
		return &Error{Tag: clip(tag), Err: wrapf(ErrSyntax, "segment outside a message, call BeginMessage first")}
	}
	if !validTag(tag) {
		return &Error{MessageRef: clip(w.ref), Segment: w.pos + 1, Value: clip(tag), Err: wrapf(ErrSyntax, "expected a segment tag of three capital letters or digits")}
	}
	if envelopeTags[tag] {
		return &Error{MessageRef: clip(w.ref), Segment: w.pos + 1, Tag: tag, Err: wrapf(ErrSyntax, "envelope segments are written by the writer itself")}
	}
	return w.segment(tag, elements)
}

// EndMessage writes UNT with the segment count and the message reference.
func (w *Writer) EndMessage() error {
	if w.err != nil {
		return w.err
	}
	if !w.inMsg {
		return &Error{Tag: "UNT", Err: wrapf(ErrSyntax, "no message is open")}
	}
	if err := w.segment("UNT", [][]string{{strconv.Itoa(w.segs + 1)}, {w.ref}}); err != nil {
		return err
	}
	w.inMsg = false
	return nil
}

// EndInterchange writes UNZ with the message count and the control
// reference of UNB.
func (w *Writer) EndInterchange() error {
	if w.err != nil {
		return w.err
	}
	if !w.inIC || w.inMsg {
		return &Error{Tag: "UNZ", Err: wrapf(ErrSyntax, "no interchange is open, or a message is still open")}
	}
	if err := w.segment("UNZ", [][]string{{strconv.Itoa(w.msgs)}, {w.icRef}}); err != nil {
		return err
	}
	w.inIC = false
	return nil
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = err
		return err
	}
	return nil
}
