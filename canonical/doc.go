// Package canonical holds pcsgate's canonical release model: the
// ReleaseEvent every profile decodes to and encodes from, the JSON Schema
// that describes it, and the checks that keep it honest.
//
// The package has four parts:
//
//   - The model (event.go): ReleaseEvent and its parts, serialised as
//     camelCase JSON in a stable key order.
//   - The schema (schema.go, schema/event.schema.json): the embedded
//     draft-07 JSON Schema of that JSON, checked with ValidateEventJSON or
//     ReleaseEvent.Validate. It says what shape an event has.
//   - The validators (iso6346.go, sizetype.go, awb.go, locode.go, eori.go,
//     gln.go, imo.go, tct.go, validity.go) and ReleaseEvent.Check, which runs them on
//     an event's fields. They say whether the values make sense: check
//     digits, code shapes, date ranges. Partner quirks are switched on
//     explicitly through ValidateOpts, never tolerated silently.
//   - Identity and time (eventid.go, zone.go): deterministic event ids and
//     business keys for duplicate detection, and the time zone of each port
//     and airport pcsgate serves.
//
// Every validator error wraps an exported sentinel, so callers can test it
// with errors.Is, and names what was expected. Validators never repeat the
// value they were given: the caller wraps the error in a FieldError (or a
// mapping error) that adds the field path and the value as received.
//
// canonical imports none of pcsgate's other packages.
package canonical
