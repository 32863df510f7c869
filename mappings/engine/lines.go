package engine

import (
	"bufio"
	"fmt"
	"path"
	"strings"
)

// LinesSyntax is a syntax that also reads inputs of one document per line
// (JSON Lines). DecodeLines emits each good line's events as a Batch with
// its Span, returns a *LineError per bad line (joined) and goes on past
// it; it copies what it keeps of br.
type LinesSyntax interface {
	DecodeLines(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error
}

// LinesCutter is a LinesSyntax that can also cut a JSON Lines input into
// one Chunk per line, for DecodeOptions.Workers (see Cutter); each chunk
// ends its line with EndLine, as DecodeLines does.
type LinesCutter interface {
	CutLines(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, send func(Chunk) error) error
}

// Span is where one line of a JSON Lines input is: its 1-based number and
// its bytes in the input, line end excluded. The zero Span is "not a line".
type Span struct {
	Line       int
	Start, End int64
}

// LineError is why one line of a JSON Lines input was not read, or not
// read whole: its problems, each naming the line.
type LineError struct {
	Span
	Err error
}

func (e *LineError) Error() string { return e.Err.Error() }

// Unwrap gives the line's problems to errors.Is and to Lines, which prints
// each on its own line.
func (e *LineError) Unwrap() []error { return []error{e.Err} }

// EndLine ends one line of a JSON Lines input: it returns err, the line's
// problems, cleaned of the secret values collected from that line, and
// forgets those values, so that each line is cleaned with its own and the
// work stays in proportion to the input. A LinesSyntax calls it after
// every line, good or bad; Decode still cleans what it returns of the
// values collected since.
func (o *DecodeOptions) EndLine(err error) error {
	st := o.secretState()
	err = st.clean(err)
	st.forget()
	return err
}

// JSONLines reports whether the input is read as JSON Lines: Lines is set,
// or its name ends in .jsonl or .ndjson.
func (o *DecodeOptions) JSONLines() bool {
	if o.Lines {
		return true
	}
	switch strings.ToLower(path.Ext(o.Name)) {
	case ".jsonl", ".ndjson":
		return true
	}
	return false
}

// ReadsLines reports whether p can read JSON Lines inputs.
func (p *Profile) ReadsLines() bool {
	_, ok := p.syntax.(LinesSyntax)
	return ok && p.Dec != nil
}

// decodeLines reads br as JSON Lines with the syntax that can: fixed's, or
// the first of the registry's.
func (r *Registry) decodeLines(br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	var ls LinesSyntax
	if fixed != nil {
		if ls, _ = fixed.syntax.(LinesSyntax); ls == nil {
			return &Error{File: opts.Name, Err: fmt.Errorf("%w: read as JSON Lines, but %s reads %s", ErrInput, fixed.Name(), fixed.Spec.Syntax)}
		}
	} else {
		for _, s := range r.syntaxes {
			if l, ok := s.(LinesSyntax); ok {
				ls = l
				break
			}
		}
		if ls == nil {
			return &Error{File: opts.Name, Err: fmt.Errorf("%w: no syntax of this build reads JSON Lines", ErrInput)}
		}
	}
	defer releaseReader(br) // DecodeLines copies what it keeps
	if lc, ok := ls.(LinesCutter); ok && opts.Workers > 1 {
		return r.runParallel(opts, emit, func(send func(Chunk) error) error {
			return lc.CutLines(r, br, fixed, opts, send)
		})
	}
	return ls.DecodeLines(r, br, fixed, opts, prepared(opts, emit))
}
