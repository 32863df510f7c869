package mappings

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonSyntax is JSON documents (one per input), read with
// mappings/syntax/json, paths like $.body.equipmentNumber.
type jsonSyntax struct{}

func (jsonSyntax) Name() string       { return "json" }
func (jsonSyntax) Extension() string  { return ".json" }
func (jsonSyntax) ReusesReader() bool { return true }

func (jsonSyntax) Sniff(head []byte) bool { return head[0] == '{' || head[0] == '[' }

func (jsonSyntax) Paths(*Spec) (pathCompiler, error) { return jsonPaths{}, nil }

func (jsonSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeJSON(br, fixed, opts, emit)
}

// jsonEncoding writes one document per event, one per line.
type jsonEncoding struct{ documentEncoding }

func (jsonSyntax) CompileEncode(c *compiler, s *Spec) (syntaxEncoding, error) {
	if s.Encode.Document == nil {
		return nil, fmt.Errorf("%w: a json encode needs a document", ErrSpec)
	}
	doc, err := c.compileNode(s.Encode.Document, "document")
	if err != nil {
		return nil, err
	}
	return &jsonEncoding{documentEncoding{doc}}, nil
}

func (je *jsonEncoding) newEncoder(p *Profile, w io.Writer, opts EncodeOptions) Encoder {
	return &jsonEncoder{p: p, doc: je.doc, w: w, name: opts.Name}
}

func (jsonSyntax) README(b *strings.Builder, p *Profile) {
	if je, ok := p.encoding().(*jsonEncoding); ok {
		je.readme(b)
	}
}

// checkOutput validates encoded JSON output (one document per line)
// against the profile's JSON Schema.
func (jsonSyntax) checkOutput(p *Profile, out []byte) error {
	if p.schema == nil {
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
