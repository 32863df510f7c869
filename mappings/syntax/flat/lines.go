package flat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// lineReader returns the physical lines of an input, converted to UTF-8,
// and enforces the input's size limit.
type lineReader struct {
	br       *bufio.Reader
	max      int64 // limit of the whole input in bytes
	consumed int64
	line     int // number of the last line returned
	enc      encoding
	long     []byte // accumulates lines longer than the bufio buffer
	conv     []byte // latin1 lines converted to UTF-8
	// chunk is a copy of the input from the start of a line on, as far as
	// it was buffered then, and at is where in it the next line starts:
	// the lines of a UTF-8 input are sliced out of it (see text) rather
	// than copied one by one.
	chunk string
	at    int
}

// newLineReader reads r through a buffer of 64 KiB, or through r itself
// when it is already buffered: a second buffer would only copy the bytes
// again, and allocating and clearing 64 KiB costs more than reading a
// small file. Lines longer than the buffer are put together in long.
func newLineReader(r io.Reader, max int64, enc encoding) lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return lineReader{br: br, max: max, enc: enc}
}

// next returns the next line with its terminator ("\n", "\r\n" or none at
// the end of input). The slice is valid until the next call. It returns
// io.EOF after the last line, and an error wrapping ErrTooLarge once the
// input passes the limit.
func (l *lineReader) next() ([]byte, error) {
	b, err := l.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.long = append(l.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if l.consumed+int64(len(l.long)) > l.max {
				return nil, l.tooLarge()
			}
			b, err = l.br.ReadSlice('\n')
			l.long = append(l.long, b...)
		}
		b = l.long
	}
	if len(b) == 0 {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	l.consumed += int64(len(b))
	if l.consumed > l.max {
		return nil, l.tooLarge()
	}
	l.line++
	if l.line == 1 && l.enc == encUTF8 && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:] // byte order mark
	}
	if l.enc == encLatin1 {
		l.conv = latin1ToUTF8(l.conv[:0], b)
		b = l.conv
	}
	return b, nil
}

func (l *lineReader) tooLarge() error {
	return describe(ErrTooLarge, fmt.Sprintf("input is larger than the limit of %d bytes", l.max))
}

// trimEOL cuts the line terminator off a line.
func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// text returns, as a string, line, the last line next returned (with its
// terminator): a slice of chunk when the line is its next one, else of a
// new chunk made of line and what is buffered after it. Lines converted
// from ISO 8859-1 do not match the input, so each is copied on its own.
func (l *lineReader) text(line []byte) string {
	if l.enc != encUTF8 {
		return string(line)
	}
	if rest := l.chunk[l.at:]; len(rest) >= len(line) && rest[:len(line)] == string(line) {
		l.at += len(line)
		return rest[:len(line)]
	}
	after, _ := l.br.Peek(l.br.Buffered())
	var b strings.Builder
	b.Grow(len(line) + len(after))
	b.Write(line)
	b.Write(after)
	l.chunk, l.at = b.String(), len(line)
	return l.chunk[:len(line)]
}
