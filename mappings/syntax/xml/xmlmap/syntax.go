package xmlmap

import (
	"bufio"
	"fmt"
	"io"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// Syntax is XML documents (one per input), read strictly with
// mappings/syntax/xml, paths in XPath 1.0.
type Syntax struct{}

func (Syntax) Name() string       { return "xml" }
func (Syntax) Extension() string  { return ".xml" }
func (Syntax) ReusesReader() bool { return false }

func (Syntax) Sniff(head []byte) bool { return head[0] == '<' }

func (Syntax) Paths(s *spec.Spec) (engine.PathCompiler, error) {
	var ns map[string]string
	if s.Options != nil {
		ns = s.Options.Namespaces
	}
	return xmlPaths{ns: ns}, nil
}

func (Syntax) Decode(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return decodeXML(r, br, fixed, opts, emit)
}

// xmlEncoding writes one document per event.
type xmlEncoding struct {
	engine.DocumentEncoding
	root engine.ObjNode
}

func (Syntax) CompileEncode(c *engine.Compiler, s *spec.Spec) (engine.Encoding, error) {
	if s.Encode.Document == nil {
		return nil, fmt.Errorf("%w: an xml encode needs a document", spec.ErrSpec)
	}
	doc, err := c.CompileNode(s.Encode.Document, "document")
	if err != nil {
		return nil, err
	}
	root, err := checkXMLDocument(doc)
	if err != nil {
		return nil, err
	}
	return &xmlEncoding{engine.DocumentEncoding{Doc: doc}, root}, nil
}

func (xe *xmlEncoding) NewEncoder(p *engine.Profile, w io.Writer, opts engine.EncodeOptions) engine.Encoder {
	return newXMLEncoder(p, xe.root, w, opts.Name)
}

// Interface guards.
var _ engine.Syntax = Syntax{}
