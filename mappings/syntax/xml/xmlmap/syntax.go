package xmlmap

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
)

// Syntax is XML documents (one per input), read strictly with
// mappings/syntax/xml, paths in XPath 1.0.
type Syntax struct{}

func (Syntax) Name() string      { return "xml" }
func (Syntax) Extension() string { return ".xml" }

// ReusesReader: a document is copied out of the reader whole before it
// is parsed.
func (Syntax) ReusesReader() bool { return true }

func (Syntax) Sniff(head []byte) bool { return head[0] == '<' }

func (Syntax) Paths(s *spec.Spec) (engine.PathCompiler, error) {
	var ns map[string]string
	if s.Options != nil {
		ns = s.Options.Namespaces
	}
	return xmlPaths{ns: ns, slots: &absSlots{}}, nil
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

// SecretMarks: a secret's name stands in an XML input as an element's
// local name, with or without a prefix (<Credential, <rel:Credential), or
// as an attribute (pin=) when the path ends in one.
func (Syntax) SecretMarks(path string) []string {
	step := stripPredicates(path)
	step = step[strings.LastIndexByte(step, '/')+1:]
	if i := strings.IndexByte(step, ':'); i >= 0 {
		step = step[i+1:]
	}
	switch {
	case strings.HasPrefix(step, "@"):
		return []string{" " + strings.TrimPrefix(step, "@") + "="}
	case step == "" || step == "." || step == "*" || strings.ContainsAny(step, "()"):
		return nil
	}
	return []string{"<" + step, ":" + step}
}

// stripPredicates drops the [...] of an XPath, so that slashes and names
// inside them are not taken for steps.
func stripPredicates(path string) string {
	var b strings.Builder
	depth := 0
	for _, r := range path {
		switch {
		case r == '[':
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Interface guards.
var (
	_ engine.Syntax       = Syntax{}
	_ engine.SecretMarker = Syntax{}
)
