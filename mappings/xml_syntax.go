package mappings

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// xmlSyntax is XML documents (one per input), read strictly with
// mappings/syntax/xml, paths in XPath 1.0.
type xmlSyntax struct{}

func (xmlSyntax) Name() string       { return "xml" }
func (xmlSyntax) Extension() string  { return ".xml" }
func (xmlSyntax) ReusesReader() bool { return false }

func (xmlSyntax) Sniff(head []byte) bool { return head[0] == '<' }

func (xmlSyntax) Paths(s *Spec) (pathCompiler, error) {
	var ns map[string]string
	if s.Options != nil {
		ns = s.Options.Namespaces
	}
	return xmlPaths{ns: ns}, nil
}

func (xmlSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeXML(br, fixed, opts, emit)
}

// xmlEncoding writes one document per event.
type xmlEncoding struct {
	documentEncoding
	root objNode
}

func (xmlSyntax) CompileEncode(c *compiler, s *Spec) (syntaxEncoding, error) {
	if s.Encode.Document == nil {
		return nil, fmt.Errorf("%w: an xml encode needs a document", ErrSpec)
	}
	doc, err := c.compileNode(s.Encode.Document, "document")
	if err != nil {
		return nil, err
	}
	root, err := checkXMLDocument(doc)
	if err != nil {
		return nil, err
	}
	return &xmlEncoding{documentEncoding{doc}, root}, nil
}

func (xe *xmlEncoding) newEncoder(p *Profile, w io.Writer, opts EncodeOptions) Encoder {
	return newXMLEncoder(p, xe.root, w, opts.Name)
}

func (xmlSyntax) README(b *strings.Builder, p *Profile) {
	if xe, ok := p.encoding().(*xmlEncoding); ok {
		xe.readme(b)
	}
}
