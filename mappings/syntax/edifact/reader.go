package edifact

import (
	"errors"
	"io"
	"sync"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// ReaderOptions configure a Reader. The zero value is ready to use.
type ReaderOptions struct {
	// MaxSegmentBytes is the longest segment accepted, in bytes as
	// received. Default 64 KiB.
	MaxSegmentBytes int
	// MaxMessageSegments is the most segments one message may have.
	// Default 100000.
	MaxMessageSegments int
	// MaxMessageBytes bounds the memory one message takes once read: its
	// text plus about 56 bytes per value and 64 per segment, so a message
	// of many empty values cannot slip past. Default 16 MiB (a COREOR of
	// some 4,000 containers); at most 1 GiB.
	MaxMessageBytes int
	// Charset is the character set assumed when there is no UNB.
	// Default UNOC.
	Charset string
	// Delims are the delimiters assumed when there is no UNA. Zero means
	// DefaultDelims.
	Delims Delims
	// Name is the file name used in errors.
	Name string
	// CheckElements reports every value longer than its data element
	// allows (or not digits where the element is numeric), for every
	// segment and element the Directory knows, envelope segments included.
	// A message with such a value is returned together with the error.
	CheckElements bool
	// SizeHint is the size of the whole input when the caller knows it,
	// so that a small input gets a small buffer. Zero means unknown.
	SizeHint int
}

// Reader reads the messages of EDIFACT interchanges from a stream.
type Reader struct {
	src    *source
	source source // what src points at
	opts   ReaderOptions
	d      Delims
	cs     *charset
	cls    *[256]uint8 // &sc.tab: byte classes of cs under d
	msg    builder
	env    builder
	sc     *scratch // pooled buffers, nil once given back

	started bool
	done    bool
	ic      *Interchange // the interchange last opened
	inIC    bool         // between UNB and UNZ
	pos     int          // segments consumed in the interchange (or since the start)
	index   int          // messages begun in the interchange
	groups  int          // groups begun in the interchange
	group   *group       // open UNG
	stray   bool         // skipping segments outside a message
	begun   int          // messages begun since the start, over every interchange
	unhPos  int          // segment number of the UNH of the message last begun
}

type group struct {
	ref       string
	count     int
	pos, line int
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader, opts ReaderOptions) *Reader {
	return newReader(r, opts, opts.SizeHint)
}

func newReader(r io.Reader, opts ReaderOptions, hint int) *Reader {
	if opts.MaxSegmentBytes <= 0 {
		opts.MaxSegmentBytes = defaultMaxSegmentBytes
	}
	if opts.MaxMessageSegments <= 0 {
		opts.MaxMessageSegments = defaultMaxMessageSegments
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = defaultMaxMessageBytes
	}
	opts.MaxMessageBytes = min(opts.MaxMessageBytes, maxMessageBytesLimit)
	if opts.Charset == "" {
		opts.Charset = "UNOC"
	}
	opts.Delims = opts.Delims.orDefault()
	rd, _ := readerPool.Get().(*Reader)
	if rd == nil {
		rd = new(Reader)
	}
	*rd = Reader{opts: opts}
	rd.takeScratch()
	rd.src = &rd.source
	rd.src.init(r, opts.MaxSegmentBytes, hint, rd.sc.src)
	rd.sc.src = nil
	return rd
}

var readerPool sync.Pool

// Release hands r, and its buffers if it did not read to the end, to the
// Readers made next. r must not be used any more; the messages and the
// interchange it returned stay valid.
func (r *Reader) Release() {
	r.releaseScratch()
	*r = Reader{}
	readerPool.Put(r)
}

// Offset returns the number of bytes consumed so far.
func (r *Reader) Offset() int64 { return r.src.offset() }

// Interchange reads UNA and UNB if it has not yet done so and returns the
// interchange, or nil, nil when the input starts with UNH (bare
// messages). After several interchanges it returns the one last opened.
// With CheckElements, a UNB value too long for its element is returned
// together with the interchange; reading can go on. An unknown character
// set is a fatal error returned with the interchange, its values as
// received.
func (r *Reader) Interchange() (*Interchange, error) {
	if !r.started {
		if err := r.begin(); err != nil {
			return r.ic, err
		}
	}
	return r.ic, nil
}

// Next returns the next message, or io.EOF after the last UNZ has been
// read and checked (or at the end of bare messages).
//
// A problem inside one message is returned by the call that read it, and
// the next call goes on with the following message. When the message was
// read to its UNT but its trailer or header is wrong (ErrSegmentCount,
// ErrControlRef, ErrSyntax for a missing reference, ErrRepresentation
// with CheckElements), Next returns the
// message together with the error, so a lenient caller may still use it;
// after a character set problem the message is nil. A UNZ or UNE count or
// reference problem is returned by the call that reads the trailer, with
// a nil message. Errors with Fatal set end the input: every later call
// returns io.EOF. All errors are *Error, or errors.Join of them.
func (r *Reader) Next() (*Message, error) {
	if r.done {
		return nil, io.EOF
	}
	if !r.started {
		if err := r.begin(); err != nil {
			return nil, err
		}
	}
	for {
		seg, err := r.src.next(&r.d)
		if errors.Is(err, io.EOF) && !seg.una {
			if r.inIC {
				return nil, r.fatal(&Error{Line: seg.line, Err: wrapf(ErrTruncated, "input ends before UNZ")})
			}
			r.done = true
			r.releaseScratch()
			return nil, io.EOF
		}
		if err != nil {
			return nil, r.fatalRaw(seg, err)
		}
		if seg.una {
			if r.inIC {
				r.src.unread()
				return nil, r.closeTruncated(seg, "UNA")
			}
			if err := r.openUNA(seg); err != nil {
				return nil, err
			}
			continue
		}
		if !r.validTag(seg.data) {
			return nil, r.fatal(r.at(seg, "", wrapf(ErrSyntax, "expected a segment tag of three letters or digits"), clipBytes(seg.data)))
		}
		switch string(seg.data[:3]) {
		case "UNH":
			r.stray = false
			return r.readMessage(seg)
		case "UNB":
			if r.inIC {
				r.src.unread()
				return nil, r.closeTruncated(seg, "UNB")
			}
			if err := r.openUNB(seg, false); err != nil {
				return nil, err
			}
		case "UNG":
			if err := r.openUNG(seg); err != nil {
				return nil, err
			}
		case "UNE":
			if err := r.closeUNE(seg); err != nil {
				return nil, err
			}
		case "UNZ":
			if err := r.closeUNZ(seg); err != nil {
				return nil, err
			}
		default:
			if r.stray {
				r.pos++
				continue
			}
			r.stray = true
			e := r.at(seg, string(seg.data[:3]), wrapc(ErrSyntax, CodeOutside, "segment outside a message, expected UNH"), "")
			r.pos++
			return nil, e
		}
	}
}

// begin reads the start of the input: UNA, UNB or a bare UNH.
func (r *Reader) begin() error {
	r.started = true
	r.src.skipBOM()
	r.d = r.opts.Delims
	cs, err := lookupCharset(r.opts.Charset)
	if err != nil {
		return r.fatal(&Error{Err: wrapf(ErrCharset, "reader option Charset %q: %v", r.opts.Charset, err)})
	}
	r.setCharset(cs)
	r.src.skipBreaks(&r.d)
	head := r.src.peek(4)
	if len(head) == 0 {
		if r.src.rerr != nil {
			return r.fatal(&Error{Line: r.src.line, Err: r.src.rerr})
		}
		return r.fatal(&Error{Line: r.src.line, Err: wrapf(ErrSyntax, "input is empty, expected UNA, UNB or UNH")})
	}
	if len(head) < 3 || string(head[:3]) != "UNA" && string(head[:3]) != "UNB" && string(head[:3]) != "UNH" {
		return r.fatal(&Error{Line: r.src.line, Value: clipBytes(r.src.peek(errtext.MaxValue + 1)),
			Err: wrapf(ErrSyntax, "input does not start with UNA, UNB or UNH")})
	}
	if len(head) == 4 && string(head[:3]) != "UNA" && head[3] == isoLevelBDelims.Element && head[3] != r.d.Element {
		r.d = isoLevelBDelims
		r.setCharset(r.cs)
	}
	seg, err := r.src.next(&r.d)
	switch {
	case err != nil:
		return r.fatalRaw(seg, err)
	case seg.una:
		return r.openUNA(seg)
	case !r.startTag(seg.data):
		return r.fatal(r.at(seg, "", wrapf(ErrSyntax, "input does not start with UNA, UNB or UNH"), clipBytes(seg.data)))
	case string(seg.data[:3]) == "UNB":
		return r.openUNB(seg, false)
	}
	r.src.unread() // bare UNH
	return nil
}

// startTag reports whether data starts with UNB or UNH.
func (r *Reader) startTag(data []byte) bool {
	return r.validTag(data) && (string(data[:3]) == "UNB" || string(data[:3]) == "UNH")
}

// validTag reports whether data starts with a three-character tag ended
// by an element separator or the end of the segment.
func (r *Reader) validTag(data []byte) bool {
	if len(data) < 3 || len(data) > 3 && data[3] != r.d.Element {
		return false
	}
	for _, c := range data[:3] {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (r *Reader) setCharset(cs *charset) {
	r.cs = cs
	r.cls = segmentTable(&r.sc.tab, cs, r.d)
}
