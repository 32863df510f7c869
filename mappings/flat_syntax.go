package mappings

import (
	"bufio"
	"io"
	"strings"
)

// FlatSyntax is delimited (CSV) and fixed-width files, read with
// mappings/syntax/flat, paths naming columns or record fields.
type FlatSyntax struct{}

func (FlatSyntax) Name() string       { return "flat" }
func (FlatSyntax) Extension() string  { return ".csv" }
func (FlatSyntax) ReusesReader() bool { return false }

// Sniff is false: a flat file has no signature of its own; detect finds
// CSV files by their header line.
func (FlatSyntax) Sniff([]byte) bool { return false }

func (FlatSyntax) Paths(s *Spec) (PathCompiler, error) { return newFlatPaths(s) }

func (FlatSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeFlat(br, fixed, opts, emit)
}

func (FlatSyntax) Detect(r *Registry, br *bufio.Reader) *Profile { return r.detectCSV(br) }

// csvEncoding writes a header line, then one row per event.
type csvEncoding struct{ t *csvTemplate }

func (FlatSyntax) CompileEncode(c *Compiler, s *Spec) (Encoding, error) {
	t, err := c.compileCSVEncode(s)
	if err != nil {
		return nil, err
	}
	return &csvEncoding{t}, nil
}

func (ce *csvEncoding) NewEncoder(p *Profile, w io.Writer, _ EncodeOptions) Encoder {
	return newCSVEncoder(p, ce.t, w)
}

func (ce *csvEncoding) Fields(add func(*CompiledField), _ func(string)) {
	for _, c := range ce.t.cols {
		WalkNode(c, add)
	}
}

func (FlatSyntax) README(b *strings.Builder, p *Profile) { flatREADME(b, p) }
