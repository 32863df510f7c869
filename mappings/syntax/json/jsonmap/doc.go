// Package jsonmap is the JSON syntax of the mapping engine: paths like
// $.body.equipmentNumber over a document read by mappings/syntax/json,
// detection by a discriminator path or by the profile's JSON Schema,
// schema checks with positioned errors, and an encoder that writes one
// document per event from a template.
package jsonmap
