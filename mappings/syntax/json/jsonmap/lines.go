package jsonmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/nexport/pcsgate/mappings/engine"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// DecodeLines reads JSON Lines: every line that is not blank is one
// document, decoded with fixed or the profile detected for it alone, and
// emitted as a Batch with its Span. A bad line becomes a *LineError whose
// problems name the line, cleaned of that line's secrets (EndLine), and
// reading goes on. Lines are read one at a time, each at most the
// profile's max_bytes (16 MiB when detecting), so the input is never held
// whole.
func (Syntax) DecodeLines(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return engine.RunChunks(opts, emit, func(send func(engine.Chunk) error) error {
		return cutLines(r, br, fixed, opts, send)
	})
}

// CutLines cuts a JSON Lines input into one chunk per line that is not
// blank, for the engine's workers; a line is parsed, detected and mapped
// in its chunk.
func (Syntax) CutLines(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, send func(engine.Chunk) error) error {
	return cutLines(r, br, fixed, opts, send)
}

// cutLines reads br line by line and sends a chunk per line that is not
// blank, and one per line it cannot read, in input order.
func cutLines(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, send func(engine.Chunk) error) error {
	limit := int64(jsonsyn.DefaultMaxBytes)
	if fixed != nil {
		limit = fixed.MaxBytes
	}
	lr := &lineReader{br: br, limit: limit}
	for {
		span, data, err := lr.next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, errLineTooLong):
			err = &engine.LineError{Span: span, Err: &engine.Error{File: opts.Name, Line: span.Line,
				Err: fmt.Errorf("%w: line of %d bytes is larger than the limit of %d bytes", engine.ErrInput, span.End-span.Start, limit)}}
			if err := send(lineProblem(err)); err != nil {
				return err
			}
			continue
		case err != nil: // reading failed: what was read is done
			return send(lineProblem(&engine.Error{File: opts.Name, Line: span.Line, Err: err}))
		}
		if err := send(lineChunk(r, span, data, limit, fixed)); err != nil {
			return err
		}
	}
}

// lineProblem is a chunk that reports err, a line that was not read.
func lineProblem(err error) engine.Chunk {
	return func(*engine.DecodeOptions, func(engine.Batch) error) error { return err }
}

// lineChunk is the chunk that decodes the line data at span as one
// document and ends the line (EndLine).
func lineChunk(r *engine.Registry, span engine.Span, data []byte, limit int64, fixed *engine.Profile) engine.Chunk {
	return func(opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
		var emitErr error
		derr := decodeDocument(r, data, limit, fixed, opts, func(b engine.Batch) error {
			b.Span = span
			emitErr = emit(b)
			return emitErr
		})
		if emitErr != nil {
			return emitErr
		}
		if derr != nil {
			derr = &engine.LineError{Span: span, Err: atLine(derr, opts.Name, span.Line)}
		}
		return opts.EndLine(derr)
	}
}

// errLineTooLong is a line longer than the limit; its bytes were skipped.
var errLineTooLong = errors.New("line too long")

// lineReader cuts a buffered input into lines, counting them and their
// offsets.
type lineReader struct {
	br    *bufio.Reader
	limit int64
	line  int
	off   int64
}

// next returns the next line that is not blank, without its line end
// ("\n" or "\r\n"), in a slice of its own, and where it is. A line longer
// than the limit is skipped and returned as errLineTooLong with its span;
// io.EOF follows the last line.
func (lr *lineReader) next() (engine.Span, []byte, error) {
	for {
		var buf []byte
		start, n, tooLong, nl := lr.off, int64(0), false, int64(0)
		for {
			chunk, err := lr.br.ReadSlice('\n')
			n += int64(len(chunk))
			if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
				nl = 1
			}
			if !tooLong && int64(len(buf)+len(chunk)) > lr.limit+2 { // +2: room for "\r\n"
				tooLong, buf = true, nil
			}
			if !tooLong {
				buf = append(buf, chunk...)
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF && n == 0 {
				return engine.Span{}, nil, io.EOF
			}
			if err != nil && err != io.EOF {
				return engine.Span{Line: lr.line + 1}, nil, err
			}
			break
		}
		lr.off += n
		lr.line++
		buf = bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		span := engine.Span{Line: lr.line, Start: start, End: start + int64(len(buf))}
		if tooLong || int64(len(buf)) > lr.limit {
			span.End = start + n - nl
			return span, nil, errLineTooLong
		}
		if len(bytes.TrimSpace(buf)) > 0 {
			return span, buf, nil
		}
	}
}

// atLine puts line in front of each problem of err found in a one-line
// document: the document's line 1 is the input's line.
func atLine(err error, name string, line int) error {
	var out []error
	var walk func(error)
	walk = func(err error) {
		var je *jsonsyn.Error
		var ee *engine.Error
		switch {
		case isJoin(err):
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				walk(e)
			}
			return
		case errors.As(err, &ee):
			ee.File, ee.Line = name, line
		case errors.As(err, &je):
			je.Name, je.Line = name, line
		default:
			err = &engine.Error{File: name, Line: line, Err: err}
		}
		out = append(out, err)
	}
	walk(err)
	return errors.Join(out...)
}

func isJoin(err error) bool {
	_, ok := err.(interface{ Unwrap() []error })
	return ok
}
