package canonical

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"

	"github.com/nexport/pcsgate/canonical/errtext"
)

//go:embed schema/event.schema.json
var eventSchema []byte

// EventSchema returns (a copy of) the draft-07 JSON Schema of a canonical
// ReleaseEvent as pcsgate writes it, schema/event.schema.json. It checks
// shape: required parts, closed vocabularies, UTC date-times, no unknown
// keys. Check verifies the values themselves (check digits, codes, ranges).
func EventSchema() []byte { return slices.Clone(eventSchema) }

// MaxEventJSON is the largest event document ValidateEventJSON accepts.
// A canonical event is a few kilobytes; anything this large is hostile.
const MaxEventJSON = 1 << 20

// maxSchemaDescription clips schema messages, which may quote property
// names taken from the input.
const maxSchemaDescription = 160

// compiledSchema compiles EventSchema once, on first use.
var compiledSchema = sync.OnceValues(func() (*gojsonschema.Schema, error) {
	loader := gojsonschema.NewSchemaLoader()
	loader.Draft = gojsonschema.Draft7
	loader.Validate = true
	return loader.Compile(gojsonschema.NewBytesLoader(eventSchema))
})

// SchemaError is one problem found by the schema: the canonical field path
// (the event itself is "event") and what is wrong there. It unwraps to
// ErrSchema.
type SchemaError struct {
	// Field is the canonical path, e.g. source.pcs or release.issuer.ids[0].value.
	Field string
	// Description says what the schema expected.
	Description string
}

// Error renders "field: description".
func (e *SchemaError) Error() string { return e.Field + ": " + e.Description }

// Unwrap returns ErrSchema.
func (e *SchemaError) Unwrap() error { return ErrSchema }

// ValidateEventJSON checks one canonical event document against
// EventSchema. It returns nil or one *SchemaError per problem, sorted by
// field and joined with errors.Join; every one wraps ErrSchema. Documents
// over MaxEventJSON bytes and documents that are not JSON are rejected the
// same way, as a problem of the field "event".
func ValidateEventJSON(b []byte) error {
	if len(b) > MaxEventJSON {
		return &SchemaError{Field: "event", Description: fmt.Sprintf(
			"document is %d bytes; at most %d expected", len(b), MaxEventJSON)}
	}
	if !json.Valid(b) {
		return &SchemaError{Field: "event", Description: "is not valid JSON"}
	}
	schema, err := compiledSchema()
	if err != nil {
		// The embedded schema is tested; this only happens if it is edited badly.
		return fmt.Errorf("canonical event schema does not compile: %v: %w", err, ErrSchema)
	}
	res, err := schema.Validate(gojsonschema.NewBytesLoader(b))
	if err != nil {
		return &SchemaError{Field: "event", Description: errtext.Clip(err.Error(), maxSchemaDescription)}
	}
	if res.Valid() {
		return nil
	}
	problems := make([]*SchemaError, 0, len(res.Errors()))
	for _, re := range res.Errors() {
		problems = append(problems, &SchemaError{Field: schemaPath(re.Field()), Description: describe(re)})
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].Field != problems[j].Field {
			return problems[i].Field < problems[j].Field
		}
		return problems[i].Description < problems[j].Description
	})
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// Validate marshals the event and checks it against EventSchema, as
// ValidateEventJSON does. It checks shape only; see Check for values.
func (e *ReleaseEvent) Validate() error {
	if e == nil {
		return &SchemaError{Field: "event", Description: "is missing"}
	}
	b, err := json.Marshal(e)
	if err != nil {
		return &SchemaError{Field: "event", Description: errtext.Clip(err.Error(), maxSchemaDescription)}
	}
	return ValidateEventJSON(b)
}

// patternHints says in words what the schema's patterns expect.
var patternHints = map[string]string{
	`^ev_[a-z2-7]{26}$`: "expected ev_ and 26 characters a-z or 2-7, as made by NewEventID",
	`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$`: "expected an RFC 3339 date-time in UTC, as 2026-11-27T22:59:00Z",
	`^[0-9A-Z]{4}$`: "expected a 4-character ISO 6346 size-type code, as 22G1",
}

// describe renders one schema problem. Where the input supplied the text
// (a value, a property name) it is quoted and clipped; lists of allowed
// values come from the schema and are shown whole.
func describe(re gojsonschema.ResultError) string {
	got := "got " + quoteJSON(re.Value())
	switch re.(type) {
	case *gojsonschema.AdditionalPropertyNotAllowedError:
		return "unknown property " + errtext.Quote(fmt.Sprint(re.Details()["property"]))
	case *gojsonschema.EnumError:
		return got + ", expected one of " + fmt.Sprint(re.Details()["allowed"])
	case *gojsonschema.DoesNotMatchPatternError:
		if hint, ok := patternHints[fmt.Sprint(re.Details()["pattern"])]; ok {
			return got + ", " + hint
		}
		return got + ", expected the pattern " + fmt.Sprint(re.Details()["pattern"])
	case *gojsonschema.DoesNotMatchFormatError:
		return got + ", expected the format " + fmt.Sprint(re.Details()["format"])
	case *gojsonschema.StringLengthGTEError:
		return got + ", expected at least " + fmt.Sprint(re.Details()["min"]) + " character(s)"
	case *gojsonschema.InvalidTypeError:
		return "got " + fmt.Sprint(re.Details()["given"]) + ", expected " + fmt.Sprint(re.Details()["expected"])
	case *gojsonschema.RequiredError:
		return "missing property " + errtext.Quote(fmt.Sprint(re.Details()["property"]))
	}
	return errtext.Clip(re.Description(), maxSchemaDescription)
}

// quoteJSON renders a value from the input, clipped.
func quoteJSON(v any) string {
	if s, ok := v.(string); ok {
		return errtext.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "a value"
	}
	return errtext.Clip(string(b), errtext.MaxValue)
}

// schemaPath turns gojsonschema's field (release.issuer.ids.0.value, or
// "(root)") into a canonical path (release.issuer.ids[0].value, or "event").
func schemaPath(f string) string {
	if f == "" || f == "(root)" {
		return "event"
	}
	parts := strings.Split(f, ".")
	var b strings.Builder
	for i, p := range parts {
		if p != "" && allDigits(p) && i > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
