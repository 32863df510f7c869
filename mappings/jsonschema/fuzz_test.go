package jsonschema_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/xeipuuv/gojsonschema"

	"github.com/nexport/pcsgate/mappings"
	jsonsyn "github.com/nexport/pcsgate/mappings/syntax/json"
)

// FuzzQuickSchema holds the quick schema check to gojsonschema's verdict:
// for any JSON document and every built-in JSON schema, the quick check
// calls a document valid exactly when gojsonschema does. Seeded from the
// JSON fixtures.
func FuzzQuickSchema(f *testing.F) {
	reg, err := mappings.Default()
	if err != nil {
		f.Fatal(err)
	}
	var profiles []*mappings.Profile
	for _, p := range reg.Profiles() {
		if p.Schema != nil && p.QuickSchema != nil {
			profiles = append(profiles, p)
		}
	}
	if len(profiles) == 0 {
		f.Fatal("no JSON profile has a quick schema check")
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "*", "*", "*", "input.json"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"a": [1, 2.5, "x", null, true, {"b": {}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := jsonsyn.Decode(data, jsonsyn.DecodeOptions{})
		if err != nil {
			return
		}
		for _, p := range profiles {
			res, err := p.Schema.Validate(gojsonschema.NewRawLoader(root))
			if err != nil {
				continue // gojsonschema could not validate at all; the document is refused either way
			}
			if quick := p.QuickSchema.Valid(root); quick != res.Valid() {
				t.Fatalf("%s: quick check says valid=%v, gojsonschema %v, for %s", p.Name(), quick, res.Valid(), data)
			}
		}
	})
}
