// Package spec is the mapping spec language: the Spec types as written in
// mappings/<pcs>/<profile>/spec.yaml, strict loading against
// spec.schema.json (every problem reported with its line), and the merge of
// an overlay onto the profile it extends.
package spec
