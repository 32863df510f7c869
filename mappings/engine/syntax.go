package engine

import (
	"bufio"
	"io"
	"strings"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings/spec"
)

// Syntax is what the engine needs from one wire syntax: how to recognise
// its inputs, cut them into messages and the items that become events, its
// path language, and how to compile and run its encoder. Each syntax is one
// value in the table given to Load (package mappings holds pcsgate's); the
// engine never switches on a syntax name.
type Syntax interface {
	// Name is the spec's syntax value ("edifact").
	Name() string
	// Extension is the file extension of what pcsgate writes (".edi").
	Extension() string
	// Sniff reports whether an input starting with head is in this syntax;
	// head is at most 512 bytes, without byte order mark or leading space.
	Sniff(head []byte) bool
	// Paths compiles the spec's path language.
	Paths(s *spec.Spec) (PathCompiler, error)
	// Decode reads every message of br and emits the events of each good
	// one; fixed is the profile to read with, nil to detect one per message.
	// When ReusesReader is true the decoder copies what it keeps, so the
	// engine may reuse br for the next input.
	Decode(r *Registry, br *bufio.Reader, fixed *Profile, opts *DecodeOptions, emit func(Batch) error) error
	ReusesReader() bool
	// CompileEncode compiles the syntax's part of an encode section.
	CompileEncode(c *Compiler, s *spec.Spec) (Encoding, error)
}

// Encoding is a syntax's compiled encode section.
type Encoding interface {
	// NewEncoder starts writing p's format to w.
	NewEncoder(p *Profile, w io.Writer, opts EncodeOptions) Encoder
	// Fields calls add with every compiled field the encoding reads, and
	// paths with canonical paths it iterates over.
	Fields(add func(*CompiledField), paths func(string))
	// README documents in a profile's README what the encoding writes.
	README(b *strings.Builder, p *Profile)
}

// Documenter is a syntax with README sections of its own beside those of
// its encoding (the layout of a flat file, say).
type Documenter interface {
	README(b *strings.Builder, p *Profile)
}

// Detector is a syntax whose inputs cannot be sniffed from their first
// bytes; it is asked when no syntax sniffs an input.
type Detector interface {
	Detect(r *Registry, br *bufio.Reader) *Profile
}

// Converter is a syntax with `as` conversions of its own; done is false
// for a conversion it does not know. The engine puts the field and the
// event in front of a returned error. (The converter is given the profile
// and options rather than the decode or encode context, so that the
// context, made per message, does not escape to the heap.)
type Converter interface {
	DecodeAs(p *Profile, opts *DecodeOptions, cf *CompiledField, w Value, e *canonical.ReleaseEvent) (out Value, done bool, err error)
	EncodeAs(p *Profile, cf *CompiledField, val any, e *canonical.ReleaseEvent) (out any, done bool, err error)
}

// OutputChecker is a syntax that can check what it wrote against the
// profile's schema.
type OutputChecker interface {
	CheckOutput(p *Profile, out []byte) error
}

// syntaxNamed returns the syntax of a spec's syntax value, or nil.
func (r *Registry) syntaxNamed(name string) Syntax {
	for _, s := range r.syntaxes {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

// IsSyntax reports whether p is written in syntax S.
func IsSyntax[S Syntax](p *Profile) bool {
	_, ok := p.syntax.(S)
	return ok
}
