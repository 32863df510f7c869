package canonical

import (
	"errors"
	"strings"

	"github.com/nexport/pcsgate/canonical/errtext"
)

// Sentinel errors of the validators, phrased as predicates so that a field
// error reads as a sentence: key.containerNumber "TESI1120274" has a wrong
// ISO 6346 check digit: got 4, expected 7.
var (
	// ErrContainerFormat: the value is not shaped like an ISO 6346
	// container number.
	ErrContainerFormat = errors.New("is not an ISO 6346 container number")
	// ErrCheckDigit: the ISO 6346 check digit does not match.
	ErrCheckDigit = errors.New("has a wrong ISO 6346 check digit")
	// ErrSizeType: the value is neither an ISO 6346:1995 size-type code nor
	// a legacy code of the conversion table.
	ErrSizeType = errors.New("is not a known ISO 6346 size-type code")
	// ErrAWBFormat: the value is not shaped like an air waybill number.
	ErrAWBFormat = errors.New("is not an air waybill number")
	// ErrAWBCheckDigit: the air waybill check digit does not match.
	ErrAWBCheckDigit = errors.New("has a wrong air waybill check digit")
	// ErrLocode: the value is not shaped like a UN/LOCODE.
	ErrLocode = errors.New("is not a UN/LOCODE")
	// ErrAirport: the value is neither an IATA airport code nor a UN/LOCODE.
	ErrAirport = errors.New("is not an airport code")
	// ErrEORI: the value is not shaped like an EORI number.
	ErrEORI = errors.New("is not an EORI number")
	// ErrGLN: the value is not a 13-digit GS1 global location number.
	ErrGLN = errors.New("is not a GLN")
	// ErrTCT: the value is not a six-digit S)ONE Token Code for Truckers.
	ErrTCT = errors.New("is not a TCT")
	// ErrGLNCheckDigit: the GS1 check digit of a GLN does not match.
	ErrGLNCheckDigit = errors.New("has a wrong GLN check digit")
	// ErrIMO: the value is not a 7-digit IMO ship number.
	ErrIMO = errors.New("is not an IMO number")
	// ErrIMOCheckDigit: the IMO check digit does not match.
	ErrIMOCheckDigit = errors.New("has a wrong IMO check digit")
	// ErrValidityRange: a validity period ends before it starts.
	ErrValidityRange = errors.New("is before the start of the validity")
	// ErrTimeRange: a time lies outside the years pcsgate accepts.
	ErrTimeRange = errors.New("is outside the accepted years 1990 to 2199")
	// ErrEventType: the event type is not one of Types.
	ErrEventType = errors.New("is not a canonical event type")
	// ErrRequired: a part of the event its type needs is missing.
	ErrRequired = errors.New("is missing")
	// ErrKeyMismatch: two fields that must agree differ.
	ErrKeyMismatch = errors.New("differs from the release key")
	// ErrUnknownZone: no time zone is known for the place.
	ErrUnknownZone = errors.New("has no known time zone")
	// ErrVocabulary: the value is not in the field's closed vocabulary.
	ErrVocabulary = errors.New("is not an allowed value")
	// ErrSchema: the event's JSON does not match the canonical event schema.
	ErrSchema = errors.New("does not match the canonical event schema")
)

// isCheckDigit reports whether err is only a check-digit problem, the kind
// ValidateOpts.AllowBadCheckDigit turns into a warning.
func isCheckDigit(err error) bool {
	return errors.Is(err, ErrCheckDigit) || errors.Is(err, ErrAWBCheckDigit) ||
		errors.Is(err, ErrGLNCheckDigit) || errors.Is(err, ErrIMOCheckDigit)
}

// FieldError puts a canonical field path and the value as received in front
// of a validator error:
//
//	key.containerNumber "TESI1120274" has a wrong ISO 6346 check digit: got 4, expected 7
//
// An empty Value is left out of the message (a missing part has none).
type FieldError struct {
	// Path is the canonical field path, e.g. key.containerNumber or
	// release.issuer.ids[0].value.
	Path string
	// Value is the value as received; Error clips it.
	Value string
	// Err wraps a sentinel of this package.
	Err error
}

// Error renders the one-line message.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Value != "" {
		b.WriteString(" ")
		b.WriteString(errtext.Quote(e.Value))
	}
	if e.Err != nil {
		b.WriteString(" ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the validator error.
func (e *FieldError) Unwrap() error { return e.Err }
