// Package jsonschema is the fast path of JSON Schema checking: a schema
// compiled for the quick question "does this decoded document certainly
// pass?", with gojsonschema deciding every other document.
package jsonschema
