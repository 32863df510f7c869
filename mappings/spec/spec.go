package spec

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/xeipuuv/gojsonschema"
)

// Spec is one profile's mapping: how a PCS message in one wire syntax becomes
// canonical events (Decode) and how events become that message (Encode).
// Specs are data: mappings/<pcs>/<profile>/spec.yaml, checked against
// mappings/spec/spec.schema.json when loaded.
type Spec struct {
	// Profile is the profile's name, "<pcs>/<name>", equal to its folder.
	Profile string `yaml:"profile"`
	// Extends names the profile this one overlays.
	Extends     string `yaml:"extends,omitempty"`
	Description string `yaml:"description"`
	// Syntax names the wire syntax (edifact, json, xml, flat, cargoimp: the
	// table of syntaxes in package mappings is the list).
	Syntax string `yaml:"syntax"`
	// Schema is a JSON Schema file beside the spec that inputs must pass.
	Schema string `yaml:"schema,omitempty"`
	// Match says which inputs this profile reads (profile detection).
	Match   *Match      `yaml:"match,omitempty"`
	Options *Options    `yaml:"options,omitempty"`
	Decode  *DecodeSpec `yaml:"decode,omitempty"`
	Encode  *EncodeSpec `yaml:"encode,omitempty"`
	// Sources are the public specifications and examples the profile
	// follows; its README lists them.
	Sources []*Source `yaml:"sources,omitempty"`
	// Secrets are the fields of this profile's wire format that hold a
	// secret (a PIN, an encrypted PIN, a TCT, a driver's identification,
	// an Alfapass number). The engine keeps their values out of every
	// problem text and reports an input that carries one.
	Secrets []*Secret `yaml:"secrets,omitempty"`
	// NoPublicSource says in one line why Sources is empty: what was
	// looked for and not found in public.
	NoPublicSource string `yaml:"no_public_source,omitempty"`

	// File is where the spec was loaded from (set by the loader).
	File string `yaml:"-"`
	// Dir is the profile folder inside the spec file system.
	Dir string `yaml:"-"`
}

// Source is one public document a profile follows.
type Source struct {
	// URL is where it is published.
	URL string `yaml:"url"`
	// Shows says what the profile took from it, in a sentence.
	Shows string `yaml:"shows"`
	// Consulted is the date it was last read, YYYY-MM-DD.
	Consulted string `yaml:"consulted"`
}

// Secret declares one secret field of a profile's wire format.
type Secret struct {
	// Path addresses the field in the syntax's own path language, as a
	// decode field's from does; for an encode-only profile it is the
	// place the field is written (a document path such as
	// body.identification).
	Path string `yaml:"path"`
	// Kind is one of SecretKinds.
	Kind string `yaml:"kind"`
	// Doc says in a sentence what the secret is and what pcsgate does
	// with it; the profile's README lists it.
	Doc string `yaml:"doc,omitempty"`
}

// SecretKinds is the closed set of secret kinds.
var SecretKinds = []string{"PIN", "ENCRYPTED_PIN", "TCT", "DRIVER_ID", "ALFAPASS"}

// PCS returns the port community system part of the profile name.
func (s *Spec) PCS() string {
	pcs, _, _ := strings.Cut(s.Profile, "/")
	return pcs
}

// Direction is "decode", "encode" or "both".
func (s *Spec) Direction() string {
	switch {
	case s.Decode != nil && s.Encode != nil:
		return "both"
	case s.Decode != nil:
		return "decode"
	case s.Encode != nil:
		return "encode"
	}
	return "none"
}

// Match describes the inputs a profile reads.
type Match struct {
	// Message is the EDIFACT message type (UNH S009 0065), e.g. COREOR.
	Message string `yaml:"message,omitempty"`
	// Versions are "<version>:<release>" pairs, e.g. "D:00B".
	Versions []string `yaml:"versions,omitempty"`
	// Association lists the accepted association codes (S009 0057); "" means none.
	Association []string `yaml:"association,omitempty"`
	// Path and Values: a JSON/XML discriminator, e.g. path "type" with values [ReleaseRight].
	Path   string   `yaml:"path,omitempty"`
	Values []string `yaml:"values,omitempty"`
	// Root is the root element of XML inputs in Clark notation,
	// {namespace-uri}LocalName (LocalName alone for no namespace).
	Root string `yaml:"root,omitempty"`
	// Recipient lists UNB recipient identifiers (S003 0010) of EDIFACT
	// inputs. When several profiles read a message, one whose recipient
	// list names the interchange's recipient wins over those without a
	// recipient list; a profile with a list never reads other recipients.
	Recipient []string `yaml:"recipient,omitempty"`
}

// Options tune a profile's reading and writing.
type Options struct {
	// Zone is the time zone of local times: "port" (from key.port), "airport",
	// or an IANA name. Default "port".
	Zone string `yaml:"zone,omitempty"`
	// Charset is the EDIFACT character set assumed when there is no UNB.
	Charset string `yaml:"charset,omitempty"`
	// AllowBadCheckDigit accepts container numbers with a wrong ISO 6346
	// check digit and records a warning on the event instead of rejecting it.
	AllowBadCheckDigit bool `yaml:"allow_bad_check_digit,omitempty"`
	// MaxBytes caps one input document (JSON, XML). Default 16 MiB.
	MaxBytes int64 `yaml:"max_bytes,omitempty"`
	// MaxDepth caps the nesting of XML elements. Default 64.
	MaxDepth int `yaml:"max_depth,omitempty"`
	// Namespaces binds the XML prefixes used in paths and in the encode
	// document to namespace URIs; encoded documents declare them on the
	// root element.
	Namespaces map[string]string `yaml:"namespaces,omitempty"`
	// CSV describes delimited files (syntax flat).
	CSV *CSVSpec `yaml:"csv,omitempty"`
	// Fixed describes fixed-width records (syntax flat).
	Fixed *FixedSpec `yaml:"fixed,omitempty"`
}

// DecodeSpec turns one wire message into events.
type DecodeSpec struct {
	// Each selects what becomes one event (EDIFACT: a group head such as
	// EQD[CN]; JSON: an array path). Empty: the whole message is one event.
	Each string `yaml:"each,omitempty"`
	// Type decides the event type; evaluated after all fields.
	Type *Field `yaml:"type"`
	// Fields fill the canonical event, in order.
	Fields []*Field `yaml:"fields"`
	// Checks are message-level rules (e.g. CNT+16 equals the number of EQD
	// groups): an expression over value (from) and count (number of split
	// items) that must be true, else the whole message is rejected.
	Checks []*Field `yaml:"checks,omitempty"`
	// Remove drops fields of an extended profile by target (overlays only).
	Remove []string `yaml:"remove,omitempty"`
}

// Field maps one value. In decode it reads From (wire paths, first match
// wins) and writes Target (a canonical path); in encode From are canonical
// paths and the field is a leaf of the target document.
type Field struct {
	Target   string            `yaml:"target,omitempty"`
	From     Paths             `yaml:"from,omitempty"`
	Const    any               `yaml:"const,omitempty"`
	Expr     string            `yaml:"expr,omitempty"`
	Map      map[string]string `yaml:"map,omitempty"`
	Codelist string            `yaml:"codelist,omitempty"`
	As       string            `yaml:"as,omitempty"`
	Zone     string            `yaml:"zone,omitempty"`
	Check    string            `yaml:"check,omitempty"`
	// Warn turns a failed check into a warning on the event: the value is
	// kept and the message goes through (a source known to send values
	// that are not always well formed).
	Warn     bool       `yaml:"warn,omitempty"`
	Required bool       `yaml:"required,omitempty"`
	Default  any        `yaml:"default,omitempty"`
	All      bool       `yaml:"all,omitempty"`
	When     string     `yaml:"when,omitempty"`
	Party    *PartySpec `yaml:"party,omitempty"`
	// ID picks a party's identifier in this scheme (encode): from names
	// parties, the first present one is used. "TIN|VAT" takes the first
	// scheme the party has.
	ID   string `yaml:"id,omitempty"`
	Doc  string `yaml:"doc,omitempty"`
	Spec string `yaml:"spec,omitempty"`
}

// PartySpec builds a canonical Party from wire paths.
type PartySpec struct {
	Name string     `yaml:"name,omitempty"`
	Role string     `yaml:"role,omitempty"`
	IDs  []*PartyID `yaml:"ids,omitempty"`
}

// PartyID is one identifier of a party: its scheme is a constant or a Field.
type PartyID struct {
	Scheme string `yaml:"scheme,omitempty"`
	// SchemeFrom derives the scheme from the message (e.g. NAD C082 3055).
	SchemeFrom *Field `yaml:"scheme_from,omitempty"`
	From       Paths  `yaml:"from"`
}

// Paths is one path or a list of fallbacks.
type Paths []string

// UnmarshalYAML accepts a string or a list of strings.
func (p *Paths) UnmarshalYAML(unmarshal func(any) error) error {
	var one string
	if err := unmarshal(&one); err == nil {
		*p = Paths{one}
		return nil
	}
	var many []string
	if err := unmarshal(&many); err != nil {
		return err
	}
	*p = many
	return nil
}

// EncodeSpec renders events as wire messages.
type EncodeSpec struct {
	// Types lists the event types the target can carry; others are refused.
	Types []string `yaml:"types"`
	// Key is the kind of release the target carries: "air" (airport + AWB)
	// or "sea" (port + B/L + container). Events keyed the other way are
	// refused. Empty: sea, unless the target carries STATUS_REPORTED.
	Key string `yaml:"key,omitempty"`
	// Columns are the columns of CSV output (syntax flat), in order: the
	// header name and the field that fills it.
	Columns any `yaml:"columns,omitempty"`
	// Group lists canonical paths; consecutive events agreeing on all of
	// them become one message (EDIFACT). Empty: one message per event.
	Group []string `yaml:"group,omitempty"`
	// Document is the shape of a JSON/XML document: objects whose leaves are
	// fields (a mapping with from, const or expr).
	Document any `yaml:"document,omitempty"`
	// EDIFACT: envelope and segment templates.
	Interchange *InterchangeSpec `yaml:"interchange,omitempty"`
	Message     *MessageSpec     `yaml:"message,omitempty"`
	Header      []any            `yaml:"header,omitempty"`
	Each        []any            `yaml:"each,omitempty"`
	Trailer     []any            `yaml:"trailer,omitempty"`
}

// InterchangeSpec is the UNB of encoded EDIFACT.
type InterchangeSpec struct {
	Sender    *Field `yaml:"sender,omitempty"`
	Recipient *Field `yaml:"recipient,omitempty"`
	Charset   string `yaml:"charset,omitempty"`
	UNA       bool   `yaml:"una,omitempty"`
	Newline   bool   `yaml:"newline,omitempty"`
}

// MessageSpec is the UNH of encoded EDIFACT.
type MessageSpec struct {
	// ID is "TYPE:VERSION:RELEASE:AGENCY[:ASSOCIATION]".
	ID  string `yaml:"id"`
	Ref *Field `yaml:"ref,omitempty"`
}

//go:embed spec.schema.json
var specSchemaJSON []byte

var (
	specSchemaOnce sync.Once
	specSchema     *gojsonschema.Schema
	specSchemaErr  error
)

// ErrSpec marks a spec file that is not a valid mapping.
var ErrSpec = errors.New("invalid mapping spec")

// Parse checks a spec file against spec.schema.json and decodes it
// strictly (unknown keys are errors naming the line).
func Parse(name string, data []byte) (*Spec, error) {
	specSchemaOnce.Do(func() {
		specSchema, specSchemaErr = gojsonschema.NewSchema(gojsonschema.NewBytesLoader(specSchemaJSON))
	})
	if specSchemaErr != nil {
		return nil, fmt.Errorf("spec.schema.json: %w", specSchemaErr)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, ErrSpec, OneLine(err.Error()))
	}
	res, err := specSchema.Validate(gojsonschema.NewBytesLoader(js))
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, ErrSpec, OneLine(err.Error()))
	}
	if !res.Valid() {
		var errs []error
		for _, re := range res.Errors() {
			errs = append(errs, fmt.Errorf("%s:%d: %w: %s: %s", name, yamlLine(data, re.Field()), ErrSpec, re.Field(), re.Description()))
		}
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, errors.Join(errs...)
	}
	var s Spec
	if err := yaml.UnmarshalWithOptions(data, &s, yaml.Strict(), yaml.DisallowUnknownField(), yaml.UseOrderedMap()); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, ErrSpec, OneLine(yaml.FormatError(err, false, false)))
	}
	s.File = name
	return &s, nil
}

// yamlLine finds the line of a gojsonschema field path ("decode.fields.3.from").
func yamlLine(data []byte, field string) int {
	if field == "" || field == "(root)" {
		return 1
	}
	var b strings.Builder
	b.WriteString("$")
	for _, part := range strings.Split(field, ".") {
		if isDigits(part) {
			b.WriteString("[" + part + "]")
		} else {
			b.WriteString("." + part)
		}
	}
	p, err := yaml.PathString(b.String())
	if err != nil {
		return 1
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 1
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil {
		return 1
	}
	return n.GetToken().Position.Line
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func OneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		// keep the first line; goccy's formatted errors add source excerpts
		s = s[:i]
	}
	return s
}
