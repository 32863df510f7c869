package pipeline_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/nexport/pcsgate/transports/pipeline"
)

// validateYAML checks a pcsgate.yaml text against pcsgate.schema.json, as
// an editor does, and returns the schema's complaints.
func validateYAML(t *testing.T, text string) []string {
	t.Helper()
	schema, err := os.ReadFile("pcsgate.schema.json")
	require.NoError(t, err)
	var doc any
	require.NoError(t, yaml.Unmarshal([]byte(text), &doc))
	js, err := json.Marshal(doc)
	require.NoError(t, err)
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(js))
	require.NoError(t, err)
	var out []string
	for _, e := range res.Errors() {
		out = append(out, e.String())
	}
	return out
}

// The JSON Schema of pcsgate.yaml takes the example configuration, which
// the gateway loads, and refuses what the gateway refuses: an unknown key,
// a value of the wrong kind.
func TestConfigSchema(t *testing.T) {
	example, err := os.ReadFile("pcsgate.example.yaml")
	require.NoError(t, err)
	assert.Empty(t, validateYAML(t, string(example)))

	assert.NotEmpty(t, validateYAML(t, "store: sqlite:x.db\nstroe: typo\n"), "an unknown key")
	assert.NotEmpty(t, validateYAML(t, "webhooks:\n  max_connections: many\n"), "a number expected")
	assert.NotEmpty(t, validateYAML(t, "endpoints:\n  - name: a\n    filedrop: {settle: soon}\n"), "a duration expected")
}

// Every key the gateway reads from pcsgate.yaml is in the schema: make
// docs regenerates it from the same declarations.
func TestConfigSchemaHasEveryKey(t *testing.T) {
	b, err := os.ReadFile("pcsgate.schema.json")
	require.NoError(t, err)
	var schema map[string]any
	require.NoError(t, json.Unmarshal(b, &schema))
	var missing []string
	walkKeys(reflect.TypeOf(pipeline.Config{}), schema, "", &missing)
	assert.Empty(t, missing, "run make docs")
}

func walkKeys(t reflect.Type, schema map[string]any, prefix string, missing *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
		if items, ok := schema["items"].(map[string]any); ok {
			schema = items
		}
	}
	if t.Kind() != reflect.Struct || t.PkgPath() == "time" {
		return
	}
	props, _ := schema["properties"].(map[string]any)
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || (name == "" && !strings.Contains(opts, "inline")) {
			continue
		}
		if strings.Contains(opts, "inline") {
			walkKeys(f.Type, schema, prefix, missing)
			continue
		}
		sub, ok := props[name].(map[string]any)
		if !ok {
			*missing = append(*missing, prefix+name)
			continue
		}
		walkKeys(f.Type, sub, prefix+name+".", missing)
	}
}
