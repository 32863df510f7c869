package mappings

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/nexport/pcsgate/canonical"
)

// CargoimpSyntax is IATA Cargo-IMP status messages (FSU), read with
// mappings/syntax/cargoimp, paths like status.code.
type CargoimpSyntax struct{}

func (CargoimpSyntax) Name() string       { return "cargoimp" }
func (CargoimpSyntax) Extension() string  { return ".fsu" }
func (CargoimpSyntax) ReusesReader() bool { return false }

func (CargoimpSyntax) Sniff(head []byte) bool {
	return bytes.HasPrefix(head, []byte("FSU/")) || bytes.HasPrefix(head, []byte("FWB/"))
}

func (CargoimpSyntax) Paths(*Spec) (PathCompiler, error) { return cargoimpPaths{}, nil }

func (CargoimpSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeCargoIMP(br, fixed, opts, emit)
}

// fsuEncoding writes one FSU per group of events.
type fsuEncoding struct {
	DocumentEncoding
	t *fsuTemplate
}

func (CargoimpSyntax) CompileEncode(c *Compiler, s *Spec) (Encoding, error) {
	t, doc, err := c.compileFSU(s.Encode)
	if err != nil {
		return nil, err
	}
	return &fsuEncoding{DocumentEncoding{doc}, t}, nil
}

func (fe *fsuEncoding) NewEncoder(p *Profile, w io.Writer, _ EncodeOptions) Encoder {
	return newFSUEncoder(p, fe.t, w)
}

func (CargoimpSyntax) README(b *strings.Builder, p *Profile) {
	if fe, ok := p.Encoding().(*fsuEncoding); ok {
		fe.README(b)
	}
}

// decodeAs and encodeAs add the conversion cargoimp-date: a day and month
// without a year, placed by the time the message was received.
func (CargoimpSyntax) DecodeAs(dc *DecodeCtx, cf *CompiledField, w Value, e *canonical.ReleaseEvent) (Value, bool, error) {
	if cf.Spec.As != "cargoimp-date" {
		return Value{}, false, nil
	}
	out, err := dc.cargoimpDate(cf, w, e)
	return out, true, err
}

func (CargoimpSyntax) EncodeAs(ec *EncodeCtx, cf *CompiledField, val any) (any, bool, error) {
	if cf.Spec.As != "cargoimp-date" {
		return nil, false, nil
	}
	out, err := ec.cargoimpDate(cf, val)
	return out, true, err
}
