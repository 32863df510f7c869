package mappings_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

// FuzzDecodeXML feeds XML inputs to detection and to sone/release; errors
// are fine, panics are not, and every event decoded must pass the
// canonical schema. Seeds are the XML fixtures.
func FuzzDecodeXML(f *testing.F) {
	paths, err := filepath.Glob("../fixtures/*/*/*/input.xml")
	require.NoError(f, err)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	reg, err := mappings.Default()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, from := range []string{"", "sone/release"} {
			_ = reg.Decode(bytes.NewReader(in), mappings.DecodeOptions{Name: "fuzz.xml", From: from, CredentialKey: []byte("k")},
				func(b mappings.Batch) error {
					for _, e := range b.Events {
						if err := e.Validate(); err != nil {
							t.Fatalf("decoded event fails the canonical schema: %v", err)
						}
					}
					return nil
				})
		}
	})
}
