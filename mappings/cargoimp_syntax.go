package mappings

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/nexport/pcsgate/canonical"
)

// cargoimpSyntax is IATA Cargo-IMP status messages (FSU), read with
// mappings/syntax/cargoimp, paths like status.code.
type cargoimpSyntax struct{}

func (cargoimpSyntax) Name() string       { return "cargoimp" }
func (cargoimpSyntax) Extension() string  { return ".fsu" }
func (cargoimpSyntax) ReusesReader() bool { return false }

func (cargoimpSyntax) Sniff(head []byte) bool {
	return bytes.HasPrefix(head, []byte("FSU/")) || bytes.HasPrefix(head, []byte("FWB/"))
}

func (cargoimpSyntax) Paths(*Spec) (pathCompiler, error) { return cargoimpPaths{}, nil }

func (cargoimpSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeCargoIMP(br, fixed, opts, emit)
}

// fsuEncoding writes one FSU per group of events.
type fsuEncoding struct {
	documentEncoding
	t *fsuTemplate
}

func (cargoimpSyntax) CompileEncode(c *compiler, s *Spec) (syntaxEncoding, error) {
	t, doc, err := c.compileFSU(s.Encode)
	if err != nil {
		return nil, err
	}
	return &fsuEncoding{documentEncoding{doc}, t}, nil
}

func (fe *fsuEncoding) newEncoder(p *Profile, w io.Writer, _ EncodeOptions) Encoder {
	return newFSUEncoder(p, fe.t, w)
}

func (cargoimpSyntax) README(b *strings.Builder, p *Profile) {
	if fe, ok := p.encoding().(*fsuEncoding); ok {
		fe.readme(b)
	}
}

// decodeAs and encodeAs add the conversion cargoimp-date: a day and month
// without a year, placed by the time the message was received.
func (cargoimpSyntax) decodeAs(dc *decodeCtx, cf *compiledField, w wv, e *canonical.ReleaseEvent) (wv, bool, error) {
	if cf.spec.As != "cargoimp-date" {
		return wv{}, false, nil
	}
	out, err := dc.cargoimpDate(cf, w, e)
	return out, true, err
}

func (cargoimpSyntax) encodeAs(ec *encodeCtx, cf *compiledField, val any) (any, bool, error) {
	if cf.spec.As != "cargoimp-date" {
		return nil, false, nil
	}
	out, err := ec.cargoimpDate(cf, val)
	return out, true, err
}
