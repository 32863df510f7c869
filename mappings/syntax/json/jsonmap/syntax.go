package jsonmap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// Syntax is JSON documents (one per input), read with
// mappings/syntax/json, paths like $.body.equipmentNumber.
type Syntax struct{}

func (Syntax) Name() string       { return "json" }
func (Syntax) Extension() string  { return ".json" }
func (Syntax) ReusesReader() bool { return true }

func (Syntax) Sniff(head []byte) bool { return head[0] == '{' || head[0] == '[' }

func (Syntax) Paths(*spec.Spec) (engine.PathCompiler, error) { return jsonPaths{}, nil }

func (Syntax) Decode(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return decodeJSON(r, br, fixed, opts, emit)
}

// jsonEncoding writes one document per event, one per line.
type jsonEncoding struct{ engine.DocumentEncoding }

func (Syntax) CompileEncode(c *engine.Compiler, s *spec.Spec) (engine.Encoding, error) {
	if s.Encode.Document == nil {
		return nil, fmt.Errorf("%w: a json encode needs a document", spec.ErrSpec)
	}
	doc, err := c.CompileNode(s.Encode.Document, "document")
	if err != nil {
		return nil, err
	}
	return &jsonEncoding{engine.DocumentEncoding{Doc: doc}}, nil
}

func (je *jsonEncoding) NewEncoder(p *engine.Profile, w io.Writer, opts engine.EncodeOptions) engine.Encoder {
	return &jsonEncoder{p: p, doc: je.Doc, w: w, name: opts.Name, sealKey: opts.SealKey}
}

// checkOutput validates encoded JSON output (one document per line)
// against the profile's JSON Schema.
func (Syntax) CheckOutput(p *engine.Profile, out []byte) error {
	if p.Schema == nil {
		return nil
	}
	var errs []error
	for i, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if err := CheckSchema(p, line, fmt.Sprintf("output document %d", i+1)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SecretMarks: a secret's name stands in a JSON input as a member name,
// quoted ("encryptedPin" for encryptedPin or @.driver.encryptedPin).
func (Syntax) SecretMarks(path string) []string {
	name := lastName(path)
	if name == "" {
		return nil
	}
	return []string{`"` + name + `"`}
}

// lastName is the last member name of a JSON path, without its index or
// filter; "" for the root or the current item.
func lastName(path string) string {
	name := path[strings.LastIndexByte(path, '.')+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	if name == "$" || name == "@" {
		return ""
	}
	return name
}

// Interface guards.
var (
	_ engine.Syntax        = Syntax{}
	_ engine.OutputChecker = Syntax{}
	_ engine.SecretMarker  = Syntax{}
	_ engine.LinesCutter   = Syntax{}
)
