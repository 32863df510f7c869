package mappings_test

import (
	"bytes"
	"os"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// TestLoadWithPartnerOverlay loads the example overlay under
// fixtures/overlays beside the built-in profiles and checks that it changes
// exactly the one field it names.
func TestLoadWithPartnerOverlay(t *testing.T) {
	reg, err := mappings.LoadWith(mappings.Embedded(), os.DirFS("../fixtures/overlays"))
	require.NoError(t, err)
	input, err := os.ReadFile("../fixtures/overlays/acme-coreor/input.edi")
	require.NoError(t, err)

	decode := func(from string) *canonical.ReleaseEvent {
		var events []*canonical.ReleaseEvent
		err := reg.Decode(bytes.NewReader(input), mappings.DecodeOptions{Name: "input.edi", From: from, CredentialKey: []byte("k")},
			func(b mappings.Batch) error { events = append(events, b.Events...); return nil })
		require.NoError(t, err)
		require.Len(t, events, 1)
		return events[0]
	}
	tests := []struct {
		name, from, releaseNumber string
	}{
		{"overlay reads RFF+AAJ", "acme/coreor", "DO-ACME-778812"},
		{"base falls back to the document number", "portbase/coreor", "ACMEDOC-20451"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decode(tt.from)
			assert.Equal(t, tt.releaseNumber, e.Release.ReleaseNumber)
			assert.Equal(t, "CSQU3054383", e.Key.ContainerNumber)
			assert.Equal(t, "Rijnmond Expeditie B.V.", e.Release.ReleaseTo.Name)
		})
	}

	p, err := reg.Profile("acme/coreor")
	require.NoError(t, err)
	assert.True(t, p.CanEncode(), "the overlay inherits portbase/coreor's encode")
	_, err = mappings.Default()
	require.NoError(t, err)
}

// TestLoadWithErrors covers the ways an extra folder can be wrong.
func TestLoadWithErrors(t *testing.T) {
	tests := []struct {
		name  string
		extra fstest.MapFS
		want  error
	}{
		{"name taken by a built-in profile", fstest.MapFS{"x/spec.yaml": {Data: []byte("profile: portbase/coreor\ndescription: d\nsyntax: edifact\n")}}, mappings.ErrDuplicateKey},
		{"no profile name", fstest.MapFS{"x/spec.yaml": {Data: []byte("description: d\n")}}, mappings.ErrSpec},
		{"extends a profile that does not exist", fstest.MapFS{"spec.yaml": {Data: []byte("profile: acme/coreor\nextends: acme/base\ndescription: d\nsyntax: edifact\n")}}, mappings.ErrSpec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mappings.LoadWith(mappings.Embedded(), tt.extra)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}
