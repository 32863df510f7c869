package mappings

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// XMLSyntax is XML documents (one per input), read strictly with
// mappings/syntax/xml, paths in XPath 1.0.
type XMLSyntax struct{}

func (XMLSyntax) Name() string       { return "xml" }
func (XMLSyntax) Extension() string  { return ".xml" }
func (XMLSyntax) ReusesReader() bool { return false }

func (XMLSyntax) Sniff(head []byte) bool { return head[0] == '<' }

func (XMLSyntax) Paths(s *Spec) (PathCompiler, error) {
	var ns map[string]string
	if s.Options != nil {
		ns = s.Options.Namespaces
	}
	return xmlPaths{ns: ns}, nil
}

func (XMLSyntax) Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error {
	return r.decodeXML(br, fixed, opts, emit)
}

// xmlEncoding writes one document per event.
type xmlEncoding struct {
	DocumentEncoding
	root ObjNode
}

func (XMLSyntax) CompileEncode(c *Compiler, s *Spec) (Encoding, error) {
	if s.Encode.Document == nil {
		return nil, fmt.Errorf("%w: an xml encode needs a document", ErrSpec)
	}
	doc, err := c.CompileNode(s.Encode.Document, "document")
	if err != nil {
		return nil, err
	}
	root, err := checkXMLDocument(doc)
	if err != nil {
		return nil, err
	}
	return &xmlEncoding{DocumentEncoding{doc}, root}, nil
}

func (xe *xmlEncoding) NewEncoder(p *Profile, w io.Writer, opts EncodeOptions) Encoder {
	return newXMLEncoder(p, xe.root, w, opts.Name)
}

func (XMLSyntax) README(b *strings.Builder, p *Profile) {
	if xe, ok := p.Encoding().(*xmlEncoding); ok {
		xe.README(b)
	}
}
