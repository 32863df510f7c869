package mappings_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/mappings"
)

// minimalSpec is a small EDIFACT profile used by the loading tests; {{X}}
// markers are replaced per case.
const minimalSpec = `profile: test/coreor
description: test profile
syntax: edifact
match: {message: COREOR}
decode:
  each: "EQD[CN]"
  type: {from: BGM.1225, codelist: coreor-function}
  fields:
    - target: key.containerNumber
      from: EQD.C237.8260
      required: true
{{FIELD}}
`

func TestLoadRejectsBadSpecs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the one-line error
		is    error
	}{
		{
			name:  "unknown key names file and line",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.port\n      from: LOC[11].C517.3225\n      colour: blue", 1)},
			want:  []string{"test/coreor/spec.yaml:", "colour"},
			is:    mappings.ErrSpec,
		},
		{
			name:  "schema violation names file, line and path",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.port\n      required: maybe", 1)},
			want:  []string{"test/coreor/spec.yaml:13: invalid mapping spec: decode.fields.1.required: Invalid type. Expected: boolean, given: string"},
			is:    mappings.ErrSpec,
		},
		{
			name:  "unknown syntax names the known ones",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(strings.Replace(minimalSpec, "{{FIELD}}", "", 1), "syntax: edifact", "syntax: asn", 1)},
			want:  []string{`test/coreor/spec.yaml: invalid mapping spec: syntax "asn" is not one of edifact, json, xml, cargoimp, flat`},
			is:    mappings.ErrSpec,
		},
		{
			name:  "profile must match its folder",
			files: map[string]string{"other/place/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "", 1)},
			want:  []string{`other/place/spec.yaml: invalid mapping spec: profile "test/coreor" must match its folder "other/place"`},
			is:    mappings.ErrSpec,
		},
		{
			name:  "bad wire path",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.port\n      from: LOC[11.C517", 1)},
			want:  []string{"test/coreor/spec.yaml", "field key.port", `"LOC[11.C517"`},
		},
		{
			name:  "element unknown to the directory",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.port\n      from: LOC.C999.1", 1)},
			want:  []string{"field key.port", `"C999.1" is not an element of LOC`},
		},
		{
			name:  "unknown canonical path",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.harbour\n      from: LOC.C517.3225", 1)},
			want:  []string{`canonical path "key.harbour"`},
			is:    mappings.ErrUnknownPath,
		},
		{
			name:  "bad expression fails at load",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.port\n      expr: 'event.key.nosuchfield + '", 1)},
			want:  []string{"test/coreor/spec.yaml", "field key.port", "expression"},
		},
		{
			name:  "unknown code list",
			files: map[string]string{"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "    - target: release.moveType\n      from: EQD.8249\n      codelist: no-such-list", 1)},
			want:  []string{`code list "no-such-list" does not exist`},
		},
		{
			name: "duplicate code in a code list",
			files: map[string]string{
				"codelists/twice.yaml":  "name: twice\ncodes:\n  - {code: A, value: X}\n  - {code: A, value: Y}\n",
				"test/coreor/spec.yaml": strings.Replace(minimalSpec, "{{FIELD}}", "", 1),
			},
			want: []string{`codelists/twice.yaml: code "A" is defined twice`},
			is:   mappings.ErrDuplicateKey,
		},
		{
			name:  "extends a profile that does not exist",
			files: map[string]string{"test/overlay/spec.yaml": "profile: test/overlay\nextends: test/missing\ndescription: x\nsyntax: edifact\n"},
			want:  []string{`test/overlay/spec.yaml: invalid mapping spec: extends "test/missing", which does not exist`},
			is:    mappings.ErrSpec,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := mappings.Load(withCodelists(t, tt.files))
			require.Error(t, err)
			assert.Nil(t, reg)
			lines := mappings.Lines(err)
			require.NotEmpty(t, lines)
			for _, w := range tt.want {
				assert.Contains(t, strings.Join(lines, "\n"), w)
			}
			for _, l := range lines {
				assert.NotContains(t, l, "\n")
			}
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	bad := strings.Replace(minimalSpec, "{{FIELD}}", "    - target: key.port\n      colour: blue", 1)
	_, err := mappings.Load(withCodelists(t, map[string]string{
		"test/coreor/spec.yaml": bad,
		"test/codeco/spec.yaml": strings.Replace(bad, "test/coreor", "test/codeco", 1),
	}))
	require.Error(t, err)
	text := strings.Join(mappings.Lines(err), "\n")
	assert.Contains(t, text, "test/coreor/spec.yaml")
	assert.Contains(t, text, "test/codeco/spec.yaml")
}

func TestDuplicateKeyIsAPredicate(t *testing.T) {
	err := errors.Join(errors.New("x"), mappings.ErrDuplicateKey)
	assert.ErrorIs(t, err, mappings.ErrDuplicateKey)
	assert.Equal(t, "is defined twice", mappings.ErrDuplicateKey.Error())
}

// overlaySpec extends portbase/coreor: it replaces key.blNumber (header
// only), adds release.remarks from FTX+AAI, removes equipment.seals and
// replaces the encode header.
const overlaySpec = `profile: test/coreor-overlay
extends: portbase/coreor
description: overlay
syntax: edifact
decode:
  type: {from: BGM.1225, codelist: coreor-function}
  fields:
    - target: key.blNumber
      from: "RFF[BH].C506.1154"
      required: true
    - target: release.remarks
      from: "FTX[AAI].C108.4440"
  remove: [equipment.seals]
encode:
  types: [RELEASE_CREATED]
  header:
    - [BGM, "129", {from: release.releaseNumber}, "9"]
`

func TestExtendsOverlay(t *testing.T) {
	reg, err := mappings.Load(withBuiltins(t, map[string]string{"test/coreor-overlay/spec.yaml": overlaySpec}))
	require.NoError(t, err)
	segs := coreorSegments()
	segs[3] = "RFF+BH:HOUSEBL1"
	segs = append(segs[:8], append([]string{"FTX+AAI+++CALL FIRST", segs[8], "SEL+SEAL1+CA"}, segs[9:]...)...)
	input := interchange(coreorID, []string{"M1"}, segs)

	t.Run("fields replaced, added and removed", func(t *testing.T) {
		events, errs := decode(t, reg, input, mappings.DecodeOptions{Name: "in.edi", From: "test/coreor-overlay"})
		require.Empty(t, errs)
		require.Len(t, events, 2)
		assert.Equal(t, "HOUSEBL1", events[0].Key.BLNumber)
		assert.Equal(t, "CALL FIRST", events[0].Release.Remarks)
		assert.Empty(t, events[0].Equipment.Seals)
		assert.Equal(t, "test/coreor-overlay", events[0].Source.Profile)
	})
	t.Run("base profile unchanged", func(t *testing.T) {
		events, errs := decode(t, reg, input, mappings.DecodeOptions{Name: "in.edi", From: "portbase/coreor"})
		require.Len(t, errs, 2, "the base wants RFF+BM")
		assert.Contains(t, errs[0], "RFF+BM C506.1154 (key.blNumber) is required but missing")
		assert.Empty(t, events)
	})
	t.Run("overlays never win detection", func(t *testing.T) {
		events, _ := decode(t, reg, interchange(coreorID, []string{"M1"}, coreorSegments()), mappings.DecodeOptions{Name: "in.edi"})
		require.NotEmpty(t, events)
		assert.Equal(t, "portbase/coreor", events[0].Source.Profile)
	})
	t.Run("encode part replaced, others kept", func(t *testing.T) {
		p, err := reg.Profile("test/coreor-overlay")
		require.NoError(t, err)
		assert.True(t, p.Carries(canonical.ReleaseCreated))
		assert.False(t, p.Carries(canonical.ReleaseUpdated))
		events, _ := decode(t, reg, input, mappings.DecodeOptions{From: "test/coreor-overlay"})
		require.NotEmpty(t, events)
		var out strings.Builder
		enc, err := p.NewEncoder(&out, mappings.EncodeOptions{})
		require.NoError(t, err)
		require.NoError(t, enc.Encode(events))
		require.NoError(t, enc.Close())
		assert.Contains(t, out.String(), "BGM+129+REL-1+9'")
		assert.Contains(t, out.String(), "EQD+CN+CSQU3054383", "each is the base's")
		assert.NotContains(t, out.String(), "DTM+137", "the base header is replaced")
	})
}

func TestCodelistAlsoEncodesExtraValues(t *testing.T) {
	// coreor-function: code 1 is RELEASE_WITHDRAWN, also RELEASE_CANCELLED.
	reg := defaultRegistry(t)
	p, err := reg.Profile("portbase/coreor")
	require.NoError(t, err)
	tests := []struct {
		name string
		typ  canonical.EventType
		want string
	}{
		{"value", canonical.ReleaseWithdrawn, "BGM+129+REL-1+1'"},
		{"also", canonical.ReleaseCancelled, "BGM+129+REL-1+1'"},
		{"other code", canonical.ReleaseUpdated, "BGM+129+REL-1+5'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, errs := decode(t, reg, interchange(coreorID, []string{"M1"}, coreorSegments()), mappings.DecodeOptions{})
			require.Empty(t, errs)
			events[0].Type = tt.typ
			events[0].Release.PreviousRef = "OLD1"
			var out strings.Builder
			enc, err := p.NewEncoder(&out, mappings.EncodeOptions{})
			require.NoError(t, err)
			require.NoError(t, enc.Encode(events[:1]))
			require.NoError(t, enc.Close())
			assert.Contains(t, out.String(), tt.want)
		})
	}
}

func TestDefaultRegistryLoads(t *testing.T) {
	reg := defaultRegistry(t)
	var names []string
	for _, p := range reg.Profiles() {
		names = append(names, p.Name())
	}
	assert.Subset(t, names, []string{"cpu/notification", "cpu/transfer", "portbase/coreor", "scr/release", "smdg/codeco"})
	_, err := reg.Profile("nope/nope")
	require.ErrorIs(t, err, mappings.ErrUnknownProfile)
	assert.Equal(t, `"nope/nope" is not a known profile (see pcsgate profiles)`, err.Error())
}
