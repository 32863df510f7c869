// Package mappings is pcsgate's declarative mapping engine as the rest of
// pcsgate sees it: the registry of the built-in profiles
// (mappings/<pcs>/<profile>/spec.yaml, embedded), Registry.Decode from wire
// messages to canonical events, Profile.NewEncoder back, and the one table
// of wire syntaxes.
//
// The work is done in packages below this one, each with one job:
//
//	engine/          compiles specs and runs fields; defines Syntax, what it
//	                 needs from a wire syntax
//	spec/            the spec language: types, strict loading, overlays
//	jsonschema/      the fast path of JSON Schema checking
//	syntax/<name>/   a wire format's reader and writer, knowing nothing of
//	                 the engine (edifact, json, xml, flat, cargoimp)
//	syntax/<name>/<name>map/
//	                 the engine's side of that syntax: its paths, decode
//	                 driver, encoder and README section
//	conformance/     the fixture runner behind go test ./fixtures and
//	                 pcsgate conformance
//
// A new syntax is a package implementing engine.Syntax and one line in the
// table syntaxes. README.md beside this file documents the spec language.
package mappings
