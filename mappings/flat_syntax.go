package mappings

import (
	"bufio"
	"io"
	"strings"
)

// flatSyntax is delimited (CSV) and fixed-width files, read with
// mappings/syntax/flat, paths naming columns or record fields.
type flatSyntax struct{}

func (flatSyntax) Name() string       { return "flat" }
func (flatSyntax) Extension() string  { return ".csv" }
func (flatSyntax) ReusesReader() bool { return false }

// Sniff is false: a flat file has no signature of its own; detect finds
// CSV files by their header line.
func (flatSyntax) Sniff([]byte) bool { return false }

func (flatSyntax) Paths(s *Spec) (pathCompiler, error) { return newFlatPaths(s) }

func (flatSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeFlat(br, fixed, opts, emit)
}

func (flatSyntax) detect(r *Registry, br *bufio.Reader) *Profile { return r.detectCSV(br) }

// csvEncoding writes a header line, then one row per event.
type csvEncoding struct{ t *csvTemplate }

func (flatSyntax) CompileEncode(c *compiler, s *Spec) (syntaxEncoding, error) {
	t, err := c.compileCSVEncode(s)
	if err != nil {
		return nil, err
	}
	return &csvEncoding{t}, nil
}

func (ce *csvEncoding) newEncoder(p *Profile, w io.Writer, _ EncodeOptions) Encoder {
	return newCSVEncoder(p, ce.t, w)
}

func (ce *csvEncoding) fields(add func(*compiledField), _ func(string)) {
	for _, c := range ce.t.cols {
		walkNode(c, add)
	}
}

func (flatSyntax) README(b *strings.Builder, p *Profile) { flatREADME(b, p) }
