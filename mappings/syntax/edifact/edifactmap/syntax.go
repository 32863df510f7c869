package edifactmap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	"github.com/nexport/pcsgate/mappings/syntax/edifact"
)

// Syntax is UN/EDIFACT: interchanges of messages (UNH…UNT), read
// with mappings/syntax/edifact, paths like EQD[CN].C237.8260.
type Syntax struct{}

func (Syntax) Name() string       { return "edifact" }
func (Syntax) Extension() string  { return ".edi" }
func (Syntax) ReusesReader() bool { return true }

func (Syntax) Sniff(head []byte) bool {
	return bytes.HasPrefix(head, []byte("UNA")) || bytes.HasPrefix(head, []byte("UNB")) || bytes.HasPrefix(head, []byte("UNH"))
}

func (Syntax) Paths(s *spec.Spec) (engine.PathCompiler, error) {
	each := ""
	if s.Decode != nil {
		each = groupTagOf(s.Decode.Each)
	}
	return newEdifactPaths(each), nil
}

func (Syntax) Decode(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, emit func(engine.Batch) error) error {
	return decodeEdifact(r, br, fixed, opts, emit)
}

// Cut cuts an interchange into one chunk per message for the engine's
// workers: the reader reads and checks the envelopes and the messages in
// order; detection and mapping run in the chunks.
func (Syntax) Cut(r *engine.Registry, br *bufio.Reader, fixed *engine.Profile, opts *engine.DecodeOptions, send func(engine.Chunk) error) error {
	return cutEdifact(r, br, fixed, opts, send)
}

// edifactEncoding is a compiled EDIFACT encode section: the envelope and
// the segment templates.
type edifactEncoding struct {
	sender, recipient *engine.CompiledField
	charset           string
	una, newline      bool
	msgID             edifact.MessageID
	ref               *engine.CompiledField
	header            []*segTemplate
	each              []*segTemplate
	trailer           []*segTemplate
}

func (Syntax) CompileEncode(c *engine.Compiler, s *spec.Spec) (engine.Encoding, error) {
	es := s.Encode
	if es.Message == nil {
		return nil, fmt.Errorf("%w: an edifact encode needs message.id", spec.ErrSpec)
	}
	ee := &edifactEncoding{msgID: messageID(es.Message.ID)}
	var err error
	if es.Message.Ref != nil {
		if ee.ref, err = c.CompileEncodeField(es.Message.Ref); err != nil {
			return nil, fmt.Errorf("message.ref: %w", err)
		}
	}
	ic := es.Interchange
	if ic == nil {
		ic = &spec.InterchangeSpec{}
	}
	ee.charset, ee.una, ee.newline = engine.FirstNonEmpty(ic.Charset, "UNOC"), ic.UNA, ic.Newline
	if ic.Sender != nil {
		if ee.sender, err = c.CompileEncodeField(ic.Sender); err != nil {
			return nil, fmt.Errorf("interchange.sender: %w", err)
		}
	}
	if ic.Recipient != nil {
		if ee.recipient, err = c.CompileEncodeField(ic.Recipient); err != nil {
			return nil, fmt.Errorf("interchange.recipient: %w", err)
		}
	}
	for _, part := range []struct {
		name string
		in   []any
		out  *[]*segTemplate
	}{{"header", es.Header, &ee.header}, {"each", es.Each, &ee.each}, {"trailer", es.Trailer, &ee.trailer}} {
		for i, seg := range part.in {
			t, err := compileSegment(c, seg)
			if err != nil {
				return nil, fmt.Errorf("encode.%s[%d]: %w", part.name, i, err)
			}
			*part.out = append(*part.out, t)
		}
	}
	return ee, nil
}

func (ee *edifactEncoding) NewEncoder(p *engine.Profile, w io.Writer, opts engine.EncodeOptions) engine.Encoder {
	return newEdifactEncoder(p, ee, w, opts)
}

func (ee *edifactEncoding) Fields(add func(*engine.CompiledField), paths func(string)) {
	for _, segs := range [][]*segTemplate{ee.header, ee.each, ee.trailer} {
		for _, t := range segs {
			if t.forList != nil {
				paths(t.forList.Path)
			}
			for _, el := range t.elements {
				for _, c := range el {
					engine.WalkNode(c, add)
				}
			}
		}
	}
	add(ee.sender)
	add(ee.recipient)
	add(ee.ref)
}

// README lists the segments the encoding writes, in order.
func (ee *edifactEncoding) README(b *strings.Builder, p *engine.Profile) {
	s := p.Spec
	fmt.Fprintf(b, "\n## Encode\n\nWrites `%s` messages", s.Encode.Message.ID)
	if len(s.Encode.Group) > 0 {
		fmt.Fprintf(b, "; consecutive events agreeing on %s share one message", "`"+strings.Join(s.Encode.Group, "`, `")+"`")
	}
	b.WriteString(". The interchange's sender (UNB S002) is the outbound endpoint's own party id and qualifier when the endpoint sets them. " +
		"Every value is checked against its data element's length and the character set before anything is written; " +
		"a message reference longer than UNH 0062 allows (an..14) is replaced by 14 characters derived from it. Segments, in order:\n\n| part | segment | canonical sources |\n|---|---|---|\n")
	for _, part := range []struct {
		name string
		segs []*segTemplate
	}{{"header", ee.header}, {"per event", ee.each}, {"trailer", ee.trailer}} {
		for _, t := range part.segs {
			fmt.Fprintf(b, "| %s | `%s` | %s |\n", part.name, t.tag, segSources(t))
		}
	}
}

func segSources(t *segTemplate) string {
	var parts []string
	for _, comps := range t.elements {
		for _, c := range comps {
			if l, ok := c.(engine.LeafNode); ok {
				if len(l.Field.Spec.From) > 0 {
					parts = append(parts, "`"+l.Field.Spec.From[0]+"`")
				} else if l.Field.Spec.Expr != "" {
					parts = append(parts, "expression")
				}
			}
		}
	}
	if t.forList != nil {
		parts = append(parts, "repeated for `"+t.forList.Path+"`")
	}
	return strings.Join(parts, ", ")
}

// SecretMarks: a secret in EDIFACT sits in a qualified segment, such as
// RFF[AKY].C506.1154; its mark is the segment tag and qualifier as the
// default separators write them (RFF+AKY). A path without a qualifier
// names no secret a raw input could show.
func (Syntax) SecretMarks(path string) []string {
	if i := strings.IndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	seg, _, _ := strings.Cut(path, ".")
	tag, quals, ok := strings.Cut(seg, "[")
	if !ok {
		return nil
	}
	first, _, _ := strings.Cut(strings.TrimSuffix(quals, "]"), ",")
	var out []string
	for _, q := range strings.Split(first, "|") {
		if q = strings.TrimSpace(q); q != "" {
			out = append(out, tag+"+"+q)
		}
	}
	return out
}

// Interface guards.
var (
	_ engine.Syntax       = Syntax{}
	_ engine.SecretMarker = Syntax{}
	_ engine.Cutter       = Syntax{}
)
