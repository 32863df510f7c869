package engine_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
	"github.com/nexport/pcsgate/mappings/engine"
)

// TestBoundFieldsOnFixtures decodes every input of every conformance pack
// with the fields' bound forms and without them: the events, warnings and
// problems (their text, positions included) must be the same.
func TestBoundFieldsOnFixtures(t *testing.T) {
	bound, err := mappings.Load(mappings.Embedded())
	require.NoError(t, err)
	unbound, err := mappings.Load(mappings.Embedded())
	require.NoError(t, err)
	inputs, fields := 0, 0
	for _, p := range unbound.Profiles() {
		if p.CanDecode() {
			engine.Unbind(p)
		}
	}
	for _, p := range bound.Profiles() {
		if !p.CanDecode() {
			continue
		}
		fields += engine.Bound(p)
		files, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", p.Name(), "*", "input.*"))
		for _, in := range files {
			data, err := os.ReadFile(in)
			require.NoError(t, err)
			inputs++
			opts := mappings.DecodeOptions{Name: filepath.Base(in), From: p.Name(), CredentialKey: []byte("k")}
			want, wantErr := decodeJSON(t, unbound, data, opts)
			got, gotErr := decodeJSON(t, bound, data, opts)
			require.Equal(t, wantErr, gotErr, in)
			require.Equal(t, want, got, in)
		}
	}
	require.Greater(t, inputs, 100, "too few fixture inputs found")
	require.Greater(t, fields, 100, "too few bound fields")
}

// decodeJSON decodes data and returns its events as JSON and its problems
// as text.
func decodeJSON(t *testing.T, reg *mappings.Registry, data []byte, opts mappings.DecodeOptions) (string, string) {
	var events []any
	err := reg.Decode(bytes.NewReader(data), opts, func(b mappings.Batch) error {
		for _, e := range b.Events {
			events = append(events, e)
		}
		return nil
	})
	out, jerr := json.Marshal(events)
	require.NoError(t, jerr)
	if err != nil {
		return string(out), err.Error()
	}
	return string(out), ""
}
