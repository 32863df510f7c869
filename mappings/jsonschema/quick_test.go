package jsonschema_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/nexport/pcsgate/mappings/jsonschema"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// TestQuickSchemaMatchesGojsonschema compares the quick check's verdict
// with gojsonschema's on small schemas for each keyword it knows, on
// documents either side of each rule.
func TestQuickSchemaMatchesGojsonschema(t *testing.T) {
	const draft = `"$schema": "http://json-schema.org/draft-07/schema#", `
	cases := []struct {
		name   string
		schema string
		docs   []string
	}{
		{"type", `{"type": ["string", "null"]}`, []string{`"a"`, `null`, `1`, `true`, `{}`, `[]`}},
		{"integer", `{"type": "integer"}`, []string{`1`, `-7`, `1.0`, `1.5`, `1e2`, `1e-2`, `"1"`}},
		{"number bounds", `{"type": "number", "minimum": 1, "maximum": 2.5, "exclusiveMinimum": 0}`, []string{`0.5`, `1`, `2.5`, `2.51`, `"x"`}},
		{"lengths in runes", `{"type": "string", "minLength": 2, "maxLength": 3}`, []string{`"a"`, `"ab"`, `"äöü"`, `"äöüß"`, `5`}},
		{"pattern and format", `{"pattern": "^[A-Z]{2}$", "format": "date-time"}`, []string{`"AB"`, `"2026-01-02T03:04:05Z"`, `5`}},
		{"format", `{"format": "date-time"}`, []string{`"2026-01-02T03:04:05Z"`, `"2026-01-02"`, `5`}},
		{"enum and const", `{"enum": ["a", "b"], "const": "a"}`, []string{`"a"`, `"b"`, `"c"`, `null`, `1`, `["a"]`}},
		{"object", `{"required": ["a"], "properties": {"a": {"type": "string"}}, "additionalProperties": false, "minProperties": 1, "maxProperties": 1}`,
			[]string{`{"a": "x"}`, `{"a": 1}`, `{}`, `{"a": "x", "b": 1}`, `"a"`}},
		{"additional schema", `{"properties": {"a": {}}, "additionalProperties": {"type": "integer"}}`, []string{`{"a": "x", "b": 1}`, `{"b": "x"}`}},
		{"many properties, few members", `{"properties": {"a": {"type": "string"}, "b": {}, "c": {}, "d": {}, "e": {}}, "additionalProperties": false}`,
			[]string{`{"a": "x"}`, `{"a": 1}`, `{"f": 1}`, `{"a": "x", "b": 1, "c": 2}`, `{"a": "x", "b": 1, "f": 2}`, `{}`}},
		{"array", `{"items": {"type": "string"}, "minItems": 1, "maxItems": 2}`, []string{`[]`, `["a"]`, `["a", 1]`, `["a", "b", "c"]`, `{}`}},
		{"ref", `{"definitions": {"d": {"type": "string"}}, "properties": {"a": {"$ref": "#/definitions/d", "type": "integer"}}}`, []string{`{"a": "x"}`, `{"a": 1}`}},
		{"oneOf", `{"oneOf": [{"type": "string"}, {"minLength": 2}]}`, []string{`"a"`, `"ab"`, `1`}},
		{"anyOf allOf not", `{"anyOf": [{"type": "string"}, {"type": "null"}], "allOf": [{"not": {"const": "x"}}]}`, []string{`"a"`, `"x"`, `null`, `1`}},
		{"if then else", `{"if": {"properties": {"t": {"const": "a"}}}, "then": {"required": ["a"]}, "else": {"required": ["b"]}}`,
			[]string{`{"t": "a", "a": 1}`, `{"t": "a"}`, `{"t": "c", "b": 1}`, `{"t": "c"}`, `{}`}},
		{"boolean schemas", `{"properties": {"a": true, "b": false}}`, []string{`{"a": 1}`, `{"b": 1}`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte("{" + draft + tc.schema[1:])
			q, err := jsonschema.Compile(src)
			require.NoError(t, err)
			s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(src))
			require.NoError(t, err)
			for _, doc := range tc.docs {
				root, err := jsonsyn.Decode([]byte(doc), jsonsyn.DecodeOptions{})
				require.NoError(t, err)
				res, err := s.Validate(gojsonschema.NewRawLoader(root))
				require.NoError(t, err)
				assert.Equal(t, res.Valid(), q.Valid(root), "%s", doc)
			}
		})
	}
}

func TestQuickSchemaRefusesUnknownKeywords(t *testing.T) {
	for _, schema := range []string{
		`{"$schema": "http://json-schema.org/draft-07/schema#", "patternProperties": {"^a": {}}}`,
		`{"$schema": "http://json-schema.org/draft-07/schema#", "enum": [1, "a"]}`,
		`{"$schema": "http://json-schema.org/draft-04/schema#", "type": "string"}`,
		`{"type": "string"}`,
	} {
		_, err := jsonschema.Compile([]byte(schema))
		assert.Error(t, err, schema)
	}
}

// TestQuickSchemaBoundsAndDateTime holds the quick check's shortcuts for
// whole numbers and RFC 3339 date-times to gojsonschema's verdict.
func TestQuickSchemaBoundsAndDateTime(t *testing.T) {
	schemas := []string{
		`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "integer", "minimum": 1, "maximum": 10}`,
		`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100}`,
		`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "number", "minimum": 0.5, "maximum": 9.5}`,
		`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "integer", "minimum": -99999999999999999999}`,
		`{"$schema": "http://json-schema.org/draft-07/schema#", "type": "string", "format": "date-time"}`,
	}
	docs := []string{
		`0`, `1`, `10`, `11`, `-1`, `100`, `99`, `1.0`, `9.5`, `9.6`, `-0`,
		`123456789012345678`, `1234567890123456789`, `-123456789012345678`,
		`"2026-10-12T06:00:00Z"`, `"2026-10-12T06:00:00.123+02:00"`, `"2026-10-12"`,
		`"06:00:00"`, `"2026-13-12T06:00:00Z"`, `"yesterday"`,
	}
	for _, s := range schemas {
		q, err := jsonschema.Compile([]byte(s))
		require.NoError(t, err, s)
		full, err := gojsonschema.NewSchema(gojsonschema.NewStringLoader(s))
		require.NoError(t, err, s)
		for _, d := range docs {
			v, err := jsonsyn.Decode([]byte(d), jsonsyn.DecodeOptions{})
			require.NoError(t, err, d)
			res, err := full.Validate(gojsonschema.NewRawLoader(v))
			require.NoError(t, err, d)
			assert.Equal(t, res.Valid(), q.Valid(v), "%s against %s", d, s)
		}
	}
}
