// Package engine compiles mapping specs and runs them: wire paths become
// selectors, code lists and maps tables, expressions expr programs and
// canonical paths accessors, once per spec; DecodeCtx then fills canonical
// events from a message and EncodeCtx reads them back for an encoder.
//
// The engine knows no wire format. What it needs from one is the Syntax
// interface (syntax.go): recognise an input, compile paths, cut a message
// into items, compile and run an encoder, document itself. The syntaxes
// live in mappings/syntax/<name>/<name>map and reach the engine through
// the table Load is given; the package mappings holds that table.
//
// A Value is a wire value as selectors find it, a Position where it was
// found (rendered lazily, only when an error names it), and Error the
// one-line positioned error every problem becomes.
//
// Secret fields are declared in a spec, never guessed from names
// (secrets.go): Decode collects their values per input, keeps them out of
// every problem it returns, reports them through DecodeOptions.SecretSeen
// and seals the ones an event must carry whole (secretclean.go).
package engine
