package mappings_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nexport/pcsgate/mappings"
)

const warnSpec = `profile: test/warn
description: JSON profile whose container check only warns
syntax: json
match: {path: kind, values: [Warn]}
options: {zone: UTC}
decode:
  type: {const: RELEASE_CREATED}
  fields:
    - target: key.containerNumber
      from: container
      check: iso6346
      warn: true
      required: true
    - target: key.blNumber
      from: bl
      required: true
    - target: key.port
      from: port
      check: locode
      required: true
    - target: release.issuer
      party:
        name: carrier.name
        ids:
          - {scheme: EORI, from: carrier.eori}
`

func TestCheckThatWarnsKeepsTheValue(t *testing.T) {
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/warn/spec.yaml": warnSpec}))
	require.NoError(t, err)
	in := `{"kind": "Warn", "container": "TMU1234567", "bl": "BL1", "port": "BEANR",
  "carrier": {"name": "Carrier NV", "eori": "BE 0123.456.789"}}`
	events, errs := decode(t, reg, in, mappings.DecodeOptions{Name: "in.json"})
	require.Empty(t, errs)
	require.Len(t, events, 1)
	e := events[0]
	assert.Equal(t, "TMU1234567", e.Key.ContainerNumber, "kept as sent")
	assert.Equal(t, "BE 0123.456.789", e.Release.Issuer.ID("EORI"), "kept as sent")
	require.Len(t, e.Warnings, 2)
	assert.Contains(t, e.Warnings[0], `key.containerNumber "TMU1234567"`)
	assert.Contains(t, e.Warnings[1], `release.issuer EORI "BE 0123.456.789"`)

	// A locode check without warn still refuses.
	_, errs = decode(t, reg, `{"kind": "Warn", "container": "CSQU3054383", "bl": "BL1", "port": "Antwerp"}`,
		mappings.DecodeOptions{Name: "in.json"})
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "key.port")
}

func TestWellFormedEORIHasNoWarning(t *testing.T) {
	reg, err := mappings.Load(withCodelists(t, map[string]string{"test/warn/spec.yaml": warnSpec}))
	require.NoError(t, err)
	in := `{"kind": "Warn", "container": "CSQU3054383", "bl": "BL1", "port": "BEANR",
  "carrier": {"name": "Carrier NV", "eori": "BE0123456789"}}`
	events, errs := decode(t, reg, in, mappings.DecodeOptions{Name: "in.json"})
	require.Empty(t, errs)
	require.Len(t, events, 1)
	assert.Empty(t, events[0].Warnings)
}
