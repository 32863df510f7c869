package mappings

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JSONSyntax is JSON documents (one per input), read with
// mappings/syntax/json, paths like $.body.equipmentNumber.
type JSONSyntax struct{}

func (JSONSyntax) Name() string       { return "json" }
func (JSONSyntax) Extension() string  { return ".json" }
func (JSONSyntax) ReusesReader() bool { return true }

func (JSONSyntax) Sniff(head []byte) bool { return head[0] == '{' || head[0] == '[' }

func (JSONSyntax) Paths(*Spec) (PathCompiler, error) { return jsonPaths{}, nil }

func (JSONSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeJSON(br, fixed, opts, emit)
}

// jsonEncoding writes one document per event, one per line.
type jsonEncoding struct{ DocumentEncoding }

func (JSONSyntax) CompileEncode(c *Compiler, s *Spec) (Encoding, error) {
	if s.Encode.Document == nil {
		return nil, fmt.Errorf("%w: a json encode needs a document", ErrSpec)
	}
	doc, err := c.CompileNode(s.Encode.Document, "document")
	if err != nil {
		return nil, err
	}
	return &jsonEncoding{DocumentEncoding{doc}}, nil
}

func (je *jsonEncoding) NewEncoder(p *Profile, w io.Writer, opts EncodeOptions) Encoder {
	return &jsonEncoder{p: p, doc: je.Doc, w: w, name: opts.Name}
}

func (JSONSyntax) README(b *strings.Builder, p *Profile) {
	if je, ok := p.Encoding().(*jsonEncoding); ok {
		je.README(b)
	}
}

// checkOutput validates encoded JSON output (one document per line)
// against the profile's JSON Schema.
func (JSONSyntax) CheckOutput(p *Profile, out []byte) error {
	if p.Schema == nil {
		return nil
	}
	var errs []error
	for i, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if err := p.checkSchema(line, fmt.Sprintf("output document %d", i+1)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
