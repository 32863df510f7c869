package mappings

import (
	"github.com/nexport/pcsgate/mappings/engine"
	"github.com/nexport/pcsgate/mappings/spec"
	xmlsyn "github.com/nexport/pcsgate/mappings/syntax/xml"
)

// The engine's types, under the names pcsgate's commands and transports
// use.
type (
	// Registry holds the compiled profiles.
	Registry = engine.Registry
	// Profile is a compiled spec.
	Profile = engine.Profile
	// Spec is one profile's mapping as written in its spec.yaml.
	Spec = spec.Spec
	// DecodeOptions tune reading.
	DecodeOptions = engine.DecodeOptions
	// Batch is the events one wire message became.
	Batch = engine.Batch
	// EncodeOptions tune writing.
	EncodeOptions = engine.EncodeOptions
	// Encoder writes events in a profile's wire format.
	Encoder = engine.Encoder
	// Error is one problem with an input, at a position.
	Error = engine.Error
	// Span is where one line of a JSON Lines input is.
	Span = engine.Span
	// LineError is why one line of a JSON Lines input was not read.
	LineError = engine.LineError
)

// Sentinel errors, for errors.Is.
var (
	ErrSpec           = spec.ErrSpec
	ErrDuplicateKey   = engine.ErrDuplicateKey
	ErrRequired       = engine.ErrRequired
	ErrNoCode         = engine.ErrNoCode
	ErrConvert        = engine.ErrConvert
	ErrNoProfile      = engine.ErrNoProfile
	ErrUnknownProfile = engine.ErrUnknownProfile
	ErrUnknownPath    = engine.ErrUnknownPath
	ErrCannotCarry    = engine.ErrCannotCarry
	ErrDirection      = engine.ErrDirection
	ErrExpr           = engine.ErrExpr
	ErrInput          = engine.ErrInput
	ErrCheck          = engine.ErrCheck
	ErrSecretSpec     = engine.ErrSecretSpec
	ErrSealed         = engine.ErrSealed
	ErrSealedInput    = engine.ErrSealedInput
)

// Lines splits a (joined) error into its one-line messages, the way the
// CLI prints them.
func Lines(err error) []string { return engine.Lines(err) }

// ProfileREADME renders a profile's README.md from its spec.
func ProfileREADME(p *Profile) string { return engine.ProfileREADME(p) }

// XPathPanics counts the panics of the XPath library that XML paths
// answered as "no match" since the program started.
func XPathPanics() int64 { return xmlsyn.RecoveredPanics() }
