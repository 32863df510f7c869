// Package mappings is pcsgate's declarative mapping engine and the registry
// of the built-in profiles (mappings/<pcs>/<profile>/spec.yaml, embedded).
//
// A spec is compiled once (Load, Default) into wire-path selectors, code
// tables, expr programs and canonical accessors; Registry.Decode then turns
// wire messages into canonical events and Profile.NewEncoder writes events
// back in a profile's format. The syntax packages under mappings/syntax/
// know their wire format only; the small adapters here bridge them to the
// engine. README.md beside this file documents the spec language.
package mappings
