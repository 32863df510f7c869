package cargoimpmap

import (
	"bufio"
	"bytes"
	"io"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/cargoimp"
)

// Syntax is IATA Cargo-IMP status messages (FSU), read with
// mappings/syntax/cargoimp, paths like status.code.
type Syntax struct{}

func (Syntax) Name() string      { return "cargoimp" }
func (Syntax) Extension() string { return ".fsu" }

// ReusesReader is true: cargoimp.ReadAll reads the input into a copy of
// its own, so nothing refers to the buffer once Decode returns.
func (Syntax) ReusesReader() bool { return true }

// Sniff recognises status messages, also behind a Type B envelope.
func (Syntax) Sniff(head []byte) bool {
	return cargoimp.LooksLikeFSU(head) || bytes.HasPrefix(head, []byte("FWB/"))
}

func (Syntax) Paths(*spec.Spec) (engine.PathCompiler, error) { return cargoimpPaths{}, nil }

func (Syntax) Decode(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return decodeCargoIMP(r, br, fixed, opts, emit)
}

// fsuEncoding writes one FSU per group of events.
type fsuEncoding struct {
	engine.DocumentEncoding
	t *fsuTemplate
}

func (Syntax) CompileEncode(c *engine.Compiler, s *spec.Spec) (engine.Encoding, error) {
	t, doc, err := compileFSU(c, s.Encode)
	if err != nil {
		return nil, err
	}
	return &fsuEncoding{engine.DocumentEncoding{Doc: doc}, t}, nil
}

func (fe *fsuEncoding) NewEncoder(p *engine.Profile, w io.Writer, opts engine.EncodeOptions) engine.Encoder {
	return newFSUEncoder(p, fe.t, w, opts.Name)
}

// decodeAs and encodeAs add the conversion cargoimp-date: a day and month
// without a year, placed by the time the message was received.
func (Syntax) DecodeAs(p *engine.Profile, opts *engine.DecodeOptions, cf *engine.CompiledField, w engine.Value, e *canonical.ReleaseEvent) (engine.Value, bool, error) {
	if cf.Spec.As != "cargoimp-date" {
		return engine.Value{}, false, nil
	}
	out, err := cargoimpDate(p, opts, cf, w, e)
	return out, true, err
}

func (Syntax) EncodeAs(p *engine.Profile, cf *engine.CompiledField, val any, e *canonical.ReleaseEvent) (any, bool, error) {
	if cf.Spec.As != "cargoimp-date" {
		return nil, false, nil
	}
	out, err := encodeCargoimpDate(p, cf, val, e)
	return out, true, err
}

// Interface guards.
var (
	_ engine.Syntax    = Syntax{}
	_ engine.Converter = Syntax{}
)
