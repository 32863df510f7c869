package edifact

import (
	"bytes"
	"io"
)

const (
	defaultMaxSegmentBytes    = 64 << 10
	defaultMaxMessageSegments = 100000
	defaultMaxMessageBytes    = 16 << 20
	maxMessageBytesLimit      = 1 << 30
	minBuffer                 = 16 << 10
)

var newline = []byte{'\n'}

// raw is one segment as it stands in the input, still escaped.
type raw struct {
	data []byte // without the terminator; valid until the next call to next
	line int    // line where the segment starts
	una  bool   // a UNA service string advice; data holds its 9 characters
}

// source cuts a byte stream into raw segments through its own buffer, so a
// segment can be handed out as a slice without copying. Memory is bounded
// by the largest segment.
type source struct {
	r     io.Reader
	buf   []byte
	start int   // first unconsumed byte
	end   int   // end of buffered data
	base  int64 // stream offset of buf[0]
	line  int   // line of buf[start]
	eof   bool
	rerr  error
	max   int // longest segment, in bytes

	lastStart int // where the last segment began, for unread
	lastLine  int
}

// init readies s to read r. hint, if positive, is the size of the whole
// input, so a small input gets a small buffer. spare is a buffer left by
// an earlier source, used when it is big enough.
func (s *source) init(r io.Reader, max, hint int, spare []byte) {
	size := min(minBuffer, max+512)
	if hint > 0 {
		size = min(size, hint+1)
	}
	var buf []byte
	if cap(spare) >= size {
		buf = spare[:size]
	} else {
		buf = make([]byte, size)
	}
	*s = source{r: r, buf: buf, line: 1, max: max}
}

// release returns the buffer of s for another source; s must not be read
// again (its offset stays).
func (s *source) release() []byte {
	b := s.buf
	s.buf, s.eof = nil, true
	return b[:0]
}

// offset is the number of bytes consumed.
func (s *source) offset() int64 { return s.base + int64(s.start) }

// fill reads more input behind buf[start:end], moving or growing the
// buffer when needed. It reports false when no more input will come.
func (s *source) fill() bool {
	if s.eof || s.rerr != nil {
		return false
	}
	if s.start > 0 {
		copy(s.buf, s.buf[s.start:s.end])
		s.base += int64(s.start)
		s.end -= s.start
		s.start = 0
	}
	if s.end == len(s.buf) {
		n := 2 * len(s.buf)
		if lim := s.max + minBuffer; n > lim {
			n = lim
		}
		if n <= len(s.buf) {
			return false
		}
		nb := make([]byte, n)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0
		}
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

// peek returns up to n unconsumed bytes without consuming them.
func (s *source) peek(n int) []byte {
	for s.end-s.start < n && s.fill() {
	}
	if s.end-s.start < n {
		n = s.end - s.start
	}
	return s.buf[s.start : s.start+n]
}

// skipBOM drops a UTF-8 byte order mark at the start of the input.
func (s *source) skipBOM() {
	if bytes.Equal(s.peek(3), []byte{0xEF, 0xBB, 0xBF}) {
		s.start += 3
	}
}

// skipBreaks skips CR and LF between segments, unless d uses them as a
// separator or release character. It reports whether input is left.
func (s *source) skipBreaks(d *Delims) bool {
	for {
		for s.start < s.end {
			c := s.buf[s.start]
			if c != '\n' && c != '\r' || c == d.Component || c == d.Element || c == d.Release {
				return true
			}
			if c == '\n' {
				s.line++
			}
			s.start++
		}
		if !s.fill() {
			return false
		}
	}
}

// next returns the next segment, io.EOF at a clean end of input, or an
// error wrapping ErrUnterminated, ErrTooLarge, ErrSyntax (short UNA) or
// the reader's own error. After an error, raw holds what was read.
func (s *source) next(d *Delims) (raw, error) {
	if !s.skipBreaks(d) {
		if s.rerr != nil {
			return raw{line: s.line}, s.rerr
		}
		return raw{line: s.line}, io.EOF
	}
	line := s.line
	if s.buf[s.start] == 'U' { // a first byte is buffered; only UNA needs more
		if p := s.peek(9); len(p) >= 3 && string(p[:3]) == "UNA" {
			if len(p) < 9 {
				s.consume(len(p))
				return raw{data: p, line: line, una: true}, wrapf(ErrSyntax, "UNA service string advice is shorter than 9 characters")
			}
			s.consume(9)
			return raw{data: p, line: line, una: true}, nil
		}
	}
	scan := 0 // bytes after start already searched
	for {
		if i := bytes.IndexByte(s.buf[s.start+scan:s.end], d.Segment); i >= 0 {
			j := s.start + scan + i
			if released(s.buf[s.start:j], d.Release) {
				scan = j - s.start + 1
				continue
			}
			data := s.buf[s.start:j]
			if len(data) > s.max {
				s.consume(len(data))
				return raw{data: data, line: line}, wrapf(ErrTooLarge, "segment is longer than %d bytes", s.max)
			}
			s.consume(j + 1 - s.start)
			if d.Segment == '\n' && len(data) > 0 && data[len(data)-1] == '\r' && !released(data[:len(data)-1], d.Release) {
				data = data[:len(data)-1]
			}
			return raw{data: data, line: line}, nil
		}
		scan = s.end - s.start
		if scan > s.max {
			data := s.buf[s.start:s.end]
			s.consume(len(data))
			return raw{data: data, line: line}, wrapf(ErrTooLarge, "segment is longer than %d bytes", s.max)
		}
		if !s.fill() {
			data := s.buf[s.start:s.end]
			s.consume(len(data))
			if s.rerr != nil {
				return raw{data: data, line: line}, s.rerr
			}
			if len(bytes.Trim(data, " \t\r\n\x1a")) == 0 {
				return raw{line: s.line}, io.EOF // padding after the last segment
			}
			return raw{data: bytes.TrimRight(data, "\r\n"), line: line}, wrapf(ErrUnterminated, "input ends inside a segment")
		}
	}
}

// consume moves past n bytes of one segment, counting lines.
func (s *source) consume(n int) {
	s.lastStart, s.lastLine = s.start, s.line
	s.line += bytes.Count(s.buf[s.start:s.start+n], newline)
	s.start += n
}

// unread puts back the segment last returned by next, which the caller
// has not consumed. It is valid only directly after next.
func (s *source) unread() {
	s.start, s.line = s.lastStart, s.lastLine
}

// released reports whether the byte after b is escaped: b ends in an odd
// run of release characters.
func released(b []byte, rel byte) bool {
	if rel == 0 {
		return false
	}
	n := 0
	for i := len(b) - 1; i >= 0 && b[i] == rel; i-- {
		n++
	}
	return n%2 == 1
}
