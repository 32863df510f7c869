package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/engine"
)

// TestFastExprOnFixtures decodes every input of every conformance pack
// with each fast form's answer checked against the VM's: a difference
// shows as an error naming the expression.
func TestFastExprOnFixtures(t *testing.T) {
	reg, err := mappings.Default()
	require.NoError(t, err)
	engine.SetVerifyFast(true)
	defer engine.SetVerifyFast(false)
	inputs := 0
	for _, p := range reg.Profiles() {
		if !p.CanDecode() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", p.Name(), "*", "input.*"))
		for _, in := range files {
			data, err := os.ReadFile(in)
			require.NoError(t, err)
			inputs++
			opts := mappings.DecodeOptions{Name: filepath.Base(in), From: p.Name(), CredentialKey: []byte("k")}
			err = reg.Decode(bytes.NewReader(data), opts, func(mappings.Batch) error { return nil })
			if err != nil && strings.Contains(err.Error(), "fast form of") {
				t.Errorf("%s: %v", in, err)
			}
		}
	}
	require.Greater(t, inputs, 100, "too few fixture inputs found")
}
