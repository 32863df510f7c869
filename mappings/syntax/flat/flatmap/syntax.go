package flatmap

import (
	"bufio"
	"io"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// Syntax is delimited (CSV) and fixed-width files, read with
// mappings/syntax/flat, paths naming columns or record fields.
type Syntax struct{}

func (Syntax) Name() string      { return "flat" }
func (Syntax) Extension() string { return ".csv" }

// ReusesReader is true: the readers copy every line they keep a part of
// (a record's values, the text of an error), so nothing refers to the
// buffer once Decode returns.
func (Syntax) ReusesReader() bool { return true }

// Sniff is false: a flat file has no signature of its own; detect finds
// CSV files by their header line.
func (Syntax) Sniff([]byte) bool { return false }

func (Syntax) Paths(s *spec.Spec) (engine.PathCompiler, error) { return newFlatPaths(s) }

func (Syntax) Decode(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return decodeFlat(r, br, fixed, opts, emit)
}

func (Syntax) Detect(r *engine.Registry, br *bufio.Reader) *engine.Profile {
	return detectCSV(r, br)
}

// csvEncoding writes a header line, then one row per event.
type csvEncoding struct{ t *csvTemplate }

func (Syntax) CompileEncode(c *engine.Compiler, s *spec.Spec) (engine.Encoding, error) {
	t, err := compileCSVEncode(c, s)
	if err != nil {
		return nil, err
	}
	return &csvEncoding{t}, nil
}

func (ce *csvEncoding) NewEncoder(p *engine.Profile, w io.Writer, opts engine.EncodeOptions) engine.Encoder {
	return newCSVEncoder(p, ce.t, w, opts)
}

func (ce *csvEncoding) Fields(add func(*engine.CompiledField), _ func(string)) {
	for _, c := range ce.t.cols {
		engine.WalkNode(c, add)
	}
}

// README documents the file layout.
func (Syntax) README(b *strings.Builder, p *engine.Profile) { flatREADME(b, p) }

// Interface guards.
var (
	_ engine.Syntax   = Syntax{}
	_ engine.Detector = Syntax{}
)
